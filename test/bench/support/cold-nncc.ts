/**
 * Child process of cold.bench: one end-to-end cold inference with nncc. Imports the runtime only
 * (never the compiler), creates a session from the bundle directory, reads the feeds (FEEDS.json
 * lists each input's file, dtype and dims: feeds.ts), runs once, checks the output, prints one
 * JSON line: its own timings (import, create, run, ms), the session's stage breakdown (`load`:
 * `session.loadTimings`, `run`: `session.lastRunTimings`), the output error and the peak RSS.
 * Then exits (1 when the output is off).
 *
 * Usage: node dist/test/bench/support/cold-nncc.js BUNDLE_DIR FEEDS.json EXPECTED.f32
 */
import { childArgs, report } from './cold-child.js';
import { readFeedsFile, readFeedTensors } from './feeds.js';

/** The bundled runtime (dist/bundle/runtime.js), what a deployment imports. */
const runtimeBundle = new URL('../../../bundle/runtime.js', import.meta.url).href;

const [bundle, feedsPath, expectedPath] = childArgs('cold-nncc.js BUNDLE_DIR FEEDS.json EXPECTED.f32', 3);
const importStart = performance.now();
const { Session } = (await import(runtimeBundle)) as typeof import('../../../runtime/index.js');
const createStart = performance.now();
const session = await Session.create(bundle);
const createEnd = performance.now();
const feeds = readFeedTensors(readFeedsFile(feedsPath));
const runStart = performance.now();
const outputs = await session.run(feeds);
const runEnd = performance.now();
report(outputs[session.outputs[0].name].data as Float32Array, expectedPath, {
  importMs: createStart - importStart, createMs: createEnd - createStart, runMs: runEnd - runStart,
  load: session.loadTimings, run: session.lastRunTimings,
});
