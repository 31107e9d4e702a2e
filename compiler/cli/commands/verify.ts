/**
 * `nncc verify <bundle>`: checks a bundle without running it, as a deployment pipeline would
 * before shipping it. The manifest (format, kernel ABI, features, file list), then every file it
 * lists (present, a plain file, its size, CRC-32 and sha256), then the plan's structure. Every
 * damaged file is reported, not only the first. Files in the directory the manifest does not list
 * are not part of the bundle: listed as such, never a failure. Exit 0 intact, 1 damaged (or not
 * runnable by this nncc), 2 when the bundle cannot be looked at (no such directory).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readListedFile, readManifest, readPlan } from '../../../runtime/bundle/read-bundle.js';
import { bundleFileNames, type Manifest } from '../../../runtime/bundle/manifest.js';
import { CompileError, codes } from '../../diagnostics.js';
import { reportError } from '../report-error.js';

export interface VerifyArgs {
  bundle: string;
  json: boolean;
}

interface Problem {
  file: string;
  code?: string;
  message: string;
  expected?: string;
  actual?: string;
}

interface Verification {
  ok: boolean;
  bundle: string;
  /** Every file the manifest lists, and whether it is intact. */
  files: { path: string; bytes: number; ok: boolean }[];
  problems: Problem[];
  /** Files in the directory that the manifest does not list (not part of the bundle). */
  unlisted: string[];
}

function problemOf(error: unknown, file: string): Problem {
  const e = error as { name?: string; code?: string; file?: string; detail?: string; message?: string; expected?: string; actual?: string };
  if (e?.name !== 'BundleError') throw error;
  return { file: e.file ?? file, code: e.code, message: e.detail ?? e.message ?? String(error), expected: e.expected, actual: e.actual };
}

export function verifyBundle(dir: string): Verification {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CompileError(codes.badInputFile, 'not a bundle directory', { file: dir }, 'name the .nnb directory nncc compile wrote');
  }
  const result: Verification = { ok: true, bundle: dir, files: [], problems: [], unlisted: [] };
  let manifest: Manifest;
  try {
    manifest = readManifest(dir);
  } catch (error) {
    result.problems.push(problemOf(error, join(dir, bundleFileNames.manifest)));
    return { ...result, ok: false };
  }
  const intact = new Set<string>();
  for (const entry of manifest.files) {
    try {
      readListedFile(manifest, dir, entry.path, true);
      intact.add(entry.path);
    } catch (error) {
      result.problems.push(problemOf(error, join(dir, entry.path)));
    }
    result.files.push({ path: entry.path, bytes: entry.bytes, ok: intact.has(entry.path) });
  }
  if (intact.has(bundleFileNames.plan)) {
    try {
      readPlan(manifest, dir, true);
    } catch (error) {
      result.problems.push(problemOf(error, join(dir, bundleFileNames.plan)));
    }
  }
  const listed = new Set([bundleFileNames.manifest, ...manifest.files.map((f) => f.path)]);
  result.unlisted = readdirSync(dir).filter((name) => !listed.has(name)).sort();
  return { ...result, ok: result.problems.length === 0 };
}

export function verifyCommand(args: VerifyArgs): void {
  let verification: Verification;
  try {
    verification = verifyBundle(args.bundle);
  } catch (error) {
    reportError(error, args.json);
    process.exitCode = 2;
    return;
  }
  process.exitCode = verification.ok ? 0 : 1;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(verification)}\n`);
    return;
  }
  const lines = [
    ...verification.files.map((f) => `${f.ok ? 'ok     ' : 'DAMAGED'} ${f.path} (${f.bytes} bytes)`),
    ...verification.problems.map((p) => `nncc: ${p.code ? `${p.code} ` : ''}${p.file}: ${p.message}${p.expected !== undefined ? ` (expected ${p.expected}, found ${p.actual ?? 'nothing'})` : ''}`),
    ...verification.unlisted.map((name) => `not part of the bundle (the manifest does not list it): ${name}`),
    verification.ok ? `${args.bundle}: intact` : `${args.bundle}: damaged (${verification.problems.length} problem${verification.problems.length === 1 ? '' : 's'})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
