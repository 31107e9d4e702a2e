/**
 * What the examples share: paths into this repository, the `nncc` CLI run as a user runs it
 * (echoing the command), a fresh application directory, and timing a fresh process. Examples
 * import nothing else from the project: they use it from the outside, as its users do.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The runtime-only package `nncc-runtime`, as `npm run build` leaves it. */
export const runtimePackageDir = join(repoRoot, 'dist', 'bundle');
export const fixtureModels = join(repoRoot, 'fixtures', 'models');
export const fixtureProfiles = join(repoRoot, 'fixtures', 'profiles');
const cli = join(repoRoot, 'dist', 'compiler', 'cli', 'main.js');

/** Runs `nncc …` in a fresh process; echoes the command on stderr unless `quiet`; throws on failure. */
export function nncc(args: readonly string[], options: { quiet?: boolean; allowStatus?: readonly number[] } = {}): { status: number; stdout: string } {
  if (!options.quiet) process.stderr.write(`$ nncc ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const status = result.status ?? -1;
  if (status !== 0 && !(options.allowStatus ?? []).includes(status)) {
    throw new Error(`nncc ${args[0]} failed (exit ${status}):\n${result.stderr}${result.stdout}`);
  }
  return { status, stdout: result.stdout };
}

/** A new empty directory for an example's application (under the system temp dir unless given). */
export function freshAppDir(label: string, parent?: string): string {
  if (parent) {
    const dir = join(parent, label);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), `nncc-${label}-`));
}

/** Makes `nncc-runtime` importable from `appDir` the way a local install does (a link to the built package). */
export function linkRuntime(appDir: string): void {
  mkdirSync(join(appDir, 'node_modules'), { recursive: true });
  symlinkSync(runtimePackageDir, join(appDir, 'node_modules', 'nncc-runtime'), 'dir');
}

/** Runs `node args…` in `cwd` and returns its stdout and wall time (ms) from spawn to exit. */
export function timedNode(cwd: string, args: readonly string[]): { stdout: string; wallMs: number } {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed in ${cwd} (exit ${result.status}):\n${result.stderr}`);
  return { stdout: result.stdout, wallMs };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
