/**
 * Child process of cold.bench: the script floor. A fresh process running an ES module that
 * imports no engine (only Node's fs), reads every input file FEEDS.json lists (feeds.ts), writes
 * an output of the model's output size (to a temporary file, removed again) and prints one line:
 * what any application answering one inference pays at least besides the engine (`node -e 0`
 * does not read, write or load a module). It parses FEEDS.json itself rather than import feeds.ts,
 * so it loads no module of the bench's.
 *
 * Usage: node dist/test/bench/support/cold-script-floor.js FEEDS.json EXPECTED.f32
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedFile } from '../../support/model-files.js';

const [feedsPath, expectedPath] = process.argv.slice(2);
if (!feedsPath || !expectedPath) {
  process.stderr.write('usage: cold-script-floor.js FEEDS.json EXPECTED.f32\n');
  process.exit(2);
}
const feeds = JSON.parse(readFileSync(feedsPath, 'utf8')) as FeedFile[];
const inputBytes = feeds.reduce((sum, feed) => sum + readFileSync(feed.path).length, 0);
const output = new Float32Array(statSync(expectedPath).size / 4).fill(inputBytes);
const file = join(tmpdir(), `nncc-script-floor-${process.pid}.f32`);
writeFileSync(file, output);
rmSync(file);
process.stdout.write(`${JSON.stringify({ inputBytes, outputBytes: output.byteLength })}\n`);
