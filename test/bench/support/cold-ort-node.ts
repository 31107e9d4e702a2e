/**
 * Child process of cold.bench: one end-to-end cold inference with onnxruntime-node. Imports it,
 * creates a session from the .onnx path (intraOpNumThreads THREADS, sequential), reads the input,
 * runs once, checks the output, prints one JSON line: import, create and run ms, the output
 * error and the peak RSS. Then exits (1 when the output is off).
 *
 * Usage: node dist/test/bench/support/cold-ort-node.js MODEL.onnx THREADS INPUT.f32 DIMS EXPECTED.f32
 */
import { childArgs, parseDims, readF32, report } from './cold-child.js';

const [modelPath, threads, inputPath, dims, expectedPath] = childArgs('cold-ort-node.js MODEL.onnx THREADS INPUT.f32 DIMS EXPECTED.f32', 5);
const importStart = performance.now();
const { default: ort } = await import('onnxruntime-node');
const createStart = performance.now();
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential' });
const createEnd = performance.now();
const input = readF32(inputPath);
const runStart = performance.now();
const outputs = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, parseDims(dims)) });
const runEnd = performance.now();
report(outputs[session.outputNames[0]].data as Float32Array, expectedPath, {
  importMs: createStart - importStart, createMs: createEnd - createStart, runMs: runEnd - runStart,
});
