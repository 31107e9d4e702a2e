/**
 * Child process of cold.bench: one end-to-end cold inference with onnxruntime-web (its
 * WebAssembly build in Node, `env.wasm.numThreads = 1`). Imports it, creates a session from the
 * .onnx path, reads the feeds (FEEDS.json: feeds.ts), runs once, checks the output, prints one
 * JSON line: import, create and run ms, the output error and the peak RSS. Then exits (1 when
 * the output is off).
 *
 * Usage: node dist/test/bench/support/cold-ort-web.js MODEL.onnx FEEDS.json EXPECTED.f32
 */
import { childArgs, report } from './cold-child.js';
import { ortFeeds, readFeedsFile, readFeedTensors } from './feeds.js';

const [modelPath, feedsPath, expectedPath] = childArgs('cold-ort-web.js MODEL.onnx FEEDS.json EXPECTED.f32', 3);
const importStart = performance.now();
const ortw = await import('onnxruntime-web');
ortw.env.wasm.numThreads = 1;
const createStart = performance.now();
const session = await ortw.InferenceSession.create(modelPath);
const createEnd = performance.now();
const feeds = ortFeeds(readFeedTensors(readFeedsFile(feedsPath)), ortw.Tensor);
const runStart = performance.now();
const outputs = await session.run(feeds);
const runEnd = performance.now();
report(outputs[session.outputNames[0]].data as Float32Array, expectedPath, {
  importMs: createStart - importStart, createMs: createEnd - createStart, runMs: runEnd - runStart,
});
