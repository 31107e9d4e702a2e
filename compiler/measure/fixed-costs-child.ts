/**
 * Child process of `measure-fixed.ts`: in a fresh process, times compiling kernels.wasm,
 * instantiating it on a fresh shared memory, starting one lane (a worker thread that imports what
 * a lane imports) until it can work — and what creating it costs the thread that creates it
 * (loading worker_threads, the Worker constructor) —, and allocating plus first touching memory;
 * prints them as one JSON line.
 */
import { workerThreads } from '../../runtime/node-builtins.js';
import { compileKernelModule, kernelModuleBytes } from '../../runtime/kernels/wasm/module.js';

kernelModuleBytes('relaxed');
kernelModuleBytes('portable');
let start = performance.now();
const module = compileKernelModule();
const wasmCompileMs = performance.now() - start;

start = performance.now();
const memory = new WebAssembly.Memory({ initial: 16, maximum: 16, shared: true });
new WebAssembly.Instance(module, { env: { memory, abort: () => undefined } });
const wasmInstantiateMs = performance.now() - start;

const allocBytes = 64 << 20;
start = performance.now();
const arena = new WebAssembly.Memory({ initial: allocBytes / 65536, maximum: allocBytes / 65536, shared: true });
new Uint8Array(arena.buffer).fill(1);
const allocMsPerMB = (performance.now() - start) / 64;

// A lane imports the bundled runtime code before it can work: time an import of that size.
const laneImports = JSON.stringify(new URL('../../bundle/runtime.js', import.meta.url).href);
start = performance.now();
const { Worker } = workerThreads();
const worker = new Worker(`import(${laneImports}).then(() => require("node:worker_threads").parentPort.postMessage(0))`, { eval: true });
const laneCreateMs = performance.now() - start;
worker.once('message', () => {
  const workerStartMs = performance.now() - start;
  void worker.terminate();
  process.stdout.write(`${JSON.stringify({ wasmCompileMs, wasmInstantiateMs, workerStartMs, laneCreateMs, allocMsPerMB })}\n`);
});
