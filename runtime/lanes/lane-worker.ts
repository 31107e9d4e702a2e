/**
 * A lane: a worker thread that instantiates the kernels on the session's shared memory, binds
 * the plan's steps like the executing thread does, loads the weights of the steps the plan gives
 * it (in order, publishing each as ready), and then runs its part of each parallel step when the
 * control block's job counter moves.
 */
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareSteps, prepareTransforms } from '../execute/executor.js';
import { failed, loaded, loadStep, publish } from '../load/load-steps.js';
import type { KernelExports } from '../kernels/wasm/exports.js';
import { control, type LaneMessage, type LaneStartup } from './messages.js';

const startup = workerData as LaneStartup;
const slots = new Int32Array(startup.control);
const instance = new WebAssembly.Instance(startup.module, { env: { memory: startup.memory, abort: () => { throw new Error('wasm kernel aborted'); } } });
const memory = { buffer: startup.memory.buffer, wasm: instance.exports as unknown as KernelExports };
const steps = prepareSteps(startup.plan, '(lane)');

Atomics.add(slots, control.ready, 1);
Atomics.notify(slots, control.ready);

if (startup.weightsFile) loadOwnSteps(startup.weightsFile);

function loadOwnSteps(weightsFile: string): void {
  const ready = new Int32Array(startup.ready);
  const trace = new Float64Array(startup.trace);
  const own = startup.plan.steps.map((s, i) => (s.loader === startup.lane ? i : -1)).filter((i) => i >= 0);
  const transforms = prepareTransforms(startup.plan, '(lane)');
  const times = { readMs: 0, transformMs: 0, waitMs: 0 };
  let fd = -1;
  for (const step of own) {
    try {
      if (fd < 0) fd = openSync(weightsFile, 'r');
      loadStep(startup.plan, step, fd, memory, transforms, ready, times, trace, startup.lane);
      publish(ready, step, loaded);
    } catch (error) {
      for (const rest of own.filter((s) => s >= step)) publish(ready, rest, failed);
      const message: LaneMessage = { kind: 'load-failed', lane: startup.lane, step, message: (error as Error).message };
      parentPort?.postMessage(message);
      break;
    }
  }
  if (fd >= 0) closeSync(fd);
}

let seen = 0;
for (;;) {
  Atomics.wait(slots, control.generation, seen);
  const generation = Atomics.load(slots, control.generation);
  if (generation < 0) break;
  seen = generation;
  const lanes = Atomics.load(slots, control.lanes);
  if (startup.lane >= lanes) continue;
  const stepIndex = Atomics.load(slots, control.step);
  try {
    const { variant, args } = steps[stepIndex];
    variant.parallel!.part(memory, args, startup.lane, lanes);
  } catch (error) {
    Atomics.store(slots, control.failed, 1);
    const message: LaneMessage = { kind: 'failed', lane: startup.lane, step: stepIndex, message: (error as Error).message };
    parentPort?.postMessage(message);
  }
  Atomics.add(slots, control.done, 1);
  Atomics.notify(slots, control.done);
}
