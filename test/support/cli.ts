/**
 * Runs the built `nncc` CLI in a fresh process, as a user would, and returns its exit code and
 * output.
 */
import { spawnSync } from 'node:child_process';
import { cliPath } from './paths.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function nncc(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
