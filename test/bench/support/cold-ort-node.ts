/**
 * Child process of cold.bench: one end-to-end cold inference with onnxruntime-node. Imports it,
 * creates a session from the .onnx path (intraOpNumThreads THREADS, sequential), reads the feeds
 * (FEEDS.json: feeds.ts), runs once, checks the output, prints one JSON line: import, create and
 * run ms, the output error and the peak RSS. Then exits (1 when the output is off).
 *
 * Usage: node dist/test/bench/support/cold-ort-node.js MODEL.onnx THREADS FEEDS.json EXPECTED.f32
 */
import { childArgs, report } from './cold-child.js';
import { ortFeeds, readFeedsFile, readFeedTensors } from './feeds.js';

const [modelPath, threads, feedsPath, expectedPath] = childArgs('cold-ort-node.js MODEL.onnx THREADS FEEDS.json EXPECTED.f32', 4);
const importStart = performance.now();
const { default: ort } = await import('onnxruntime-node');
const createStart = performance.now();
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential' });
const createEnd = performance.now();
const feeds = ortFeeds(readFeedTensors(readFeedsFile(feedsPath)), ort.Tensor);
const runStart = performance.now();
const outputs = await session.run(feeds);
const runEnd = performance.now();
report(outputs[session.outputNames[0]].data as Float32Array, expectedPath, {
  importMs: createStart - importStart, createMs: createEnd - createStart, runMs: runEnd - runStart,
});
