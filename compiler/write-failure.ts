/**
 * What a failed write means for a user: file-system error codes (disk full, quota, file too
 * large, permissions, read-only) as a sentence and a hint. The bundle writer and the CLI's error
 * report both use it, so a full disk reads the same whichever write ran into it.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CompileError, codes } from './diagnostics.js';

export interface WriteFailure {
  readonly code: string;
  readonly what: string;
  readonly hint: string;
}

/**
 * The failure for a Node file-system error with an errno code we can explain, else undefined.
 * `path` is the file written, when known (a failed write(2) does not say).
 */
export function describeWriteFailure(error: unknown, path?: string): WriteFailure | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = path ? `the file system holding ${dirname(path)}` : 'the file system written to';
  const folder = path ? dirname(path) : 'the output directory';
  switch (code) {
    case 'ENOSPC': return { code, what: 'no space left on the device', hint: `free space on ${where}, or write elsewhere` };
    case 'EDQUOT': return { code, what: 'disk quota exceeded', hint: `free space within your quota on ${where}, or write elsewhere` };
    case 'EFBIG': return { code, what: 'file too large', hint: `${where} or the process limit (ulimit -f) does not allow a file this large; raise the limit or write elsewhere` };
    case 'EACCES':
    case 'EPERM': return { code, what: 'permission denied', hint: `check the permissions of ${folder}, or write elsewhere` };
    case 'EROFS': return { code, what: 'read-only file system', hint: 'write elsewhere' };
    case 'ENOENT':
    case 'ENOTDIR': return { code, what: 'no such directory', hint: `create ${folder} first, or write elsewhere` };
    default: return undefined;
  }
}

/**
 * `mkdir -p` for output directories (the bundle's parent, --dump-dir): each missing component in
 * turn, so a path under a regular file or where nothing can be made (/proc) is NNCC160 naming
 * it (Node's recursive mkdir spins forever under /proc).
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    const stat = statOf(at);
    if (stat?.isDirectory()) break;
    if (stat) throw new CompileError(codes.bundleWrite, `cannot make a directory under '${at}': it is a file`, { file: path }, 'choose a directory path');
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Its parent exists, so ENOENT here means a file system that makes no directories (/proc).
      const failure = (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : describeWriteFailure(error, dir);
      throw new CompileError(codes.bundleWrite, `cannot make the directory '${dir}': ${failure ? `${failure.what} (${failure.code})` : (error as Error).message}`,
        { file: path }, failure?.hint ?? 'choose a directory on a writable file system');
    }
  }
}

/** The entry at `path`; undefined when there is none (also when a component of it is a file). */
function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** `writeFileSync` for the CLI's and compiler's output files (dumps, traces, SVGs): a failure is NNCC160 naming the file. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (error) {
    const failure = describeWriteFailure(error, path);
    throw new CompileError(codes.bundleWrite, `cannot write: ${failure ? `${failure.what} (${failure.code})` : (error as Error).message}`, { file: path },
      failure?.hint ?? 'check free disk space and permissions of the output directory');
  }
}
