/**
 * The helper lane of `split-child.ts`: a worker thread that instantiates the kernels on the
 * child's shared memory and, each time the job counter moves, runs part 1 of 2 of the placed
 * step — what a runtime lane does for a split step, without the plan around it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { variantById } from '../../runtime/kernels/catalogue.js';
import type { KernelExports } from '../../runtime/kernels/wasm/exports.js';
import type { StepArgs } from '../../runtime/kernels/variant.js';
import { kernelImports } from '../../runtime/kernels/wasm/module.js';

export interface SplitLaneData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Int32 slots: [0] job counter (-1: exit), [1] parts done. */
  control: SharedArrayBuffer;
  variant: string;
  args: StepArgs;
}

const data = workerData as SplitLaneData;
const slots = new Int32Array(data.control);
const instance = new WebAssembly.Instance(data.module, kernelImports(data.memory));
const memory = { buffer: data.memory.buffer, wasm: instance.exports as unknown as KernelExports };
const parallel = variantById(data.variant)!.parallel!;
parentPort!.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(slots, 0, seen);
  seen = Atomics.load(slots, 0);
  if (seen < 0) break;
  parallel.part(memory, data.args, 1, 2);
  Atomics.add(slots, 1, 1);
  Atomics.notify(slots, 1);
}
