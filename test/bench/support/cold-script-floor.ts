/**
 * Child process of cold.bench: the script floor. A fresh process running an ES module that
 * imports no engine (only Node's fs), reads the input file, writes an output of the model's output
 * size (to a temporary file, removed again) and prints one line: what any application answering
 * one inference pays at least besides the engine (`node -e 0` does not read, write or load a module).
 *
 * Usage: node dist/test/bench/support/cold-script-floor.js INPUT.f32 EXPECTED.f32
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [inputPath, expectedPath] = process.argv.slice(2);
if (!inputPath || !expectedPath) {
  process.stderr.write('usage: cold-script-floor.js INPUT.f32 EXPECTED.f32\n');
  process.exit(2);
}
const input = readFileSync(inputPath);
const output = new Float32Array(statSync(expectedPath).size / 4).fill(input.length);
const file = join(tmpdir(), `nncc-script-floor-${process.pid}.f32`);
writeFileSync(file, output);
rmSync(file);
process.stdout.write(`${JSON.stringify({ inputBytes: input.length, outputBytes: output.byteLength })}\n`);
