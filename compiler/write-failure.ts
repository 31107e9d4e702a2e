/**
 * What a failed write means for a user: file-system error codes (disk full, quota, file too
 * large, permissions, read-only) as a sentence and a hint. The bundle writer and the CLI's error
 * report both use it, so a full disk reads the same whichever write ran into it.
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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
    default: return undefined;
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
