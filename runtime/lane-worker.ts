/**
 * A lane: a worker thread that instantiates the kernels on the session's shared memory, binds
 * the plan's steps like the executing thread does, loads the weights of the steps the plan gives
 * it (in order, publishing each as ready), and then runs its part of each parallel step when the
 * control block's job counter moves; after the first run, between parts, it prepares the warm
 * kernels the plan gives it (continuous inference). Whatever stops it, it says so before it goes: a failed load
 * or start-up is reported on its port, and its exit handler marks it exited in the health block
 * and its unloaded steps failed, so the executing thread never waits for a lane that is gone.
 */
import { closeSync, openSync, readlinkSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { prepareSteps, prepareTransforms, type PreparedStep, type PreparedTransform } from './execute/executor.js';
import { failed, loaded, loadStep, publish, readRange } from './load/load-steps.js';
import type { KernelExports } from './kernels/wasm/exports.js';
import type { KernelMemory } from './kernels/variant.js';
import { failAsInjected } from './lanes/lane-faults.js';
import { control, health, type LaneMessage, type LaneStartup } from './lanes/messages.js';
import { causeOf } from './errors/errors.js';
import { kernelImports } from './kernels/wasm/module.js';
import { now, recordPart } from './trace/trace.js';

const startup = workerData as LaneStartup;
const slots = new Int32Array(startup.control);
const healthSlots = new Int32Array(startup.health);
const ready = new Int32Array(startup.ready);
const own = startup.plan.steps.map((s, i) => (s.loader === startup.lane ? i : -1)).filter((i) => i >= 0);
const report = (message: LaneMessage): void => startup.reports.postMessage(message);

healthSlots[startup.lane * health.slotsPerLane + health.thread] = osThreadId();
// The report goes first: whoever sees the flags set next must find the reason already posted.
process.on('exit', (code) => {
  report({ kind: 'exited', lane: startup.lane, code });
  Atomics.store(healthSlots, startup.lane * health.slotsPerLane + health.exited, 1);
  for (const step of own) if (Atomics.load(ready, step) !== loaded) publish(ready, step, failed);
  for (const slot of [control.ready, control.done]) Atomics.notify(slots, slot);
});

let memory: KernelMemory;
let steps: PreparedStep[];
/** The warm kernels' transforms, bound on first use: a lane that prepares none never binds them. */
let warmTransforms: PreparedTransform[] | undefined;
try {
  if (startup.fault?.atLoad === -1) failAsInjected(startup.fault);
  const instance = new WebAssembly.Instance(startup.module, kernelImports(startup.memory));
  memory = { buffer: startup.memory.buffer, wasm: instance.exports as unknown as KernelExports };
  steps = prepareSteps(startup.plan, '(lane)');
} catch (error) {
  report({ kind: 'start-failed', lane: startup.lane, message: causeOf(error) });
  process.exit(1);
}

Atomics.add(slots, control.ready, 1);
Atomics.notify(slots, control.ready);

if (startup.weightsFile) loadOwnSteps(startup.weightsFile);

function loadOwnSteps(weightsFile: string): void {
  const trace = new Float64Array(startup.trace);
  const transforms = prepareTransforms(startup.plan, '(lane)');
  const loading = { plan: startup.plan, memory, transforms, ready, times: { readMs: 0, transformMs: 0, waitMs: 0 } };
  let fd = -1;
  for (const [index, step] of own.entries()) {
    try {
      if (startup.fault?.atLoad === index) failAsInjected(startup.fault);
      if (fd < 0) fd = openSync(weightsFile, 'r');
      loadStep(loading, fd, trace, step, startup.lane);
      publish(ready, step, loaded);
    } catch (error) {
      report({ kind: 'load-failed', lane: startup.lane, step, message: causeOf(error) });
      for (const rest of own.filter((s) => s >= step)) publish(ready, rest, failed);
      break;
    }
  }
  if (fd >= 0) closeSync(fd);
}

/** The OS thread id (Linux: /proc/thread-self), or 0 where the platform does not tell. */
function osThreadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || 0;
  } catch {
    return 0;
  }
}

// Continuous inference: the warm kernels this lane prepares once the first run is done, in order.
const warmQueue = startup.plan.steps.map((s, i) => (s.warm?.preparer === startup.lane ? i : -1)).filter((i) => i >= 0);

// Parts of split steps come first; between them, one warm kernel at a time once told to start.
const partsTrace = new Float64Array(startup.trace);
let seen = 0;
for (;;) {
  const preparing = warmQueue.length > 0 && Atomics.load(slots, control.prepareWarm) === 1;
  if (Atomics.load(slots, control.generation) === seen) {
    if (preparing) {
      prepareWarm(warmQueue.shift()!);
      continue;
    }
    Atomics.wait(slots, control.generation, seen);
  }
  const generation = Atomics.load(slots, control.generation);
  if (generation < 0) break;
  if (generation === seen) continue;
  seen = generation;
  const lanes = Atomics.load(slots, control.lanes);
  if (startup.lane >= lanes) continue;
  const stepIndex = Atomics.load(slots, control.step);
  try {
    const prepared = steps[stepIndex];
    const { variant, args } = Atomics.load(slots, control.warm) === 1 && prepared.warm ? prepared.warm : prepared;
    const startMs = now();
    variant.parallel!.part(memory, args, startup.lane, lanes);
    recordPart(partsTrace, startup.plan.lanes, stepIndex, startup.lane, startMs, now());
  } catch (error) {
    report({ kind: 'failed', lane: startup.lane, step: stepIndex, message: causeOf(error) });
    Atomics.store(slots, control.failed, 1);
  }
  Atomics.add(slots, control.done, 1);
  Atomics.notify(slots, control.done);
}

/**
 * Reads the warm kernel's own weights (when the file is streamed) and runs its transforms, then
 * publishes the step's flag; the executing thread switches the step over at its next run. A
 * failure leaves the step on its cold kernel (flag -1): the answers stay right, only slower.
 */
function prepareWarm(step: number): void {
  const warm = startup.plan.steps[step].warm!;
  const flags = new Int32Array(startup.warmReady);
  try {
    if (startup.weightsFile && warm.weightsRange.bytes > 0) {
      const fd = openSync(startup.weightsFile, 'r');
      try {
        readRange(fd, startup.plan, memory, warm.weightsRange);
      } finally {
        closeSync(fd);
      }
    }
    for (const index of warm.transforms) {
      warmTransforms ??= prepareTransforms(startup.plan, '(lane)', startup.plan.warmTransforms);
      const t = warmTransforms[index];
      t.variant.transform!.run(memory, t.shapes, t.raw, t.packed);
    }
    Atomics.store(flags, step, 1);
  } catch {
    Atomics.store(flags, step, -1);
  }
}
