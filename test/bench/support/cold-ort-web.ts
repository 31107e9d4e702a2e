/**
 * Child process of cold.bench: one end-to-end cold inference with onnxruntime-web (its
 * WebAssembly build in Node, `env.wasm.numThreads = 1`). Imports it, creates a session from the
 * .onnx path, reads the input, runs once, checks the output, prints one JSON line: import,
 * create and run ms, the output error and the peak RSS. Then exits (1 when the output is off).
 *
 * Usage: node dist/test/bench/support/cold-ort-web.js MODEL.onnx INPUT.f32 DIMS EXPECTED.f32
 */
import { childArgs, parseDims, readF32, report } from './cold-child.js';

const [modelPath, inputPath, dims, expectedPath] = childArgs('cold-ort-web.js MODEL.onnx INPUT.f32 DIMS EXPECTED.f32', 4);
const importStart = performance.now();
const ortw = await import('onnxruntime-web');
ortw.env.wasm.numThreads = 1;
const createStart = performance.now();
const session = await ortw.InferenceSession.create(modelPath);
const createEnd = performance.now();
const input = readF32(inputPath);
const runStart = performance.now();
const outputs = await session.run({ [session.inputNames[0]]: new ortw.Tensor('float32', input, parseDims(dims)) });
const runEnd = performance.now();
report(outputs[session.outputNames[0]].data as Float32Array, expectedPath, {
  importMs: createStart - importStart, createMs: createEnd - createStart, runMs: runEnd - runStart,
});
