/**
 * The README's quick start: compiles the bundled fixture model `fixtures/models/tiny-cnn.onnx`
 * for a fixture device profile (this project's measured machine), then runs it cold in a fresh
 * process and prints the stage breakdown — the two commands a user types, echoed as they run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'dist', 'compiler', 'cli', 'main.js');
const model = join(repoRoot, 'fixtures', 'models', 'tiny-cnn.onnx');
const input = join(repoRoot, 'fixtures', 'models', 'tiny-cnn.input.f32');
const profile = join(repoRoot, 'fixtures', 'profiles', 'epyc-zen5-2core-node20.json');
const bundle = join(mkdtempSync(join(tmpdir(), 'nncc-quickstart-')), 'tiny-cnn.nnb');

function nncc(...args: string[]): void {
  const shown = args.map((a) => a.replace(repoRoot + '/', relative(process.cwd(), repoRoot) ? relative(process.cwd(), repoRoot) + '/' : '')).join(' ');
  process.stdout.write(`\n$ nncc ${shown}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

nncc('compile', model, '-o', bundle, '--profile', profile);
nncc('run', bundle, '--input', `input=${input}`, '--timings');
