/**
 * Loading a step's weights: read the step's range of the weights file straight into its place in
 * the planned memory, then run the step's load-time transforms (after the step that holds their
 * raw bytes is loaded, when another lane loads it). Every lane loads its planned steps in order
 * and publishes each as ready in a shared flag array (`Atomics.notify`); the executing lane waits
 * on a step's flag before running it. 1 = loaded, -1 = the loading lane failed.
 */
import { readSync } from 'node:fs';
import type { KernelMemory } from '../kernels/variant.js';
import type { Plan } from '../plan/plan.js';
import type { PreparedTransform } from '../execute/executor.js';
import { now, recordLoad } from '../trace/trace.js';
import { BundleError, runtimeCodes } from '../errors/errors.js';

export const loaded = 1;
export const failed = -1;

/** A lane gives up waiting for another lane after this long. */
const waitTimeoutMs = 60_000;

export interface LoadTimes {
  readMs: number;
  transformMs: number;
  waitMs: number;
}

/** What a lane loads steps with: the plan, its memory and prepared transforms, the steps' ready flags, and its load times. */
export interface StepLoading {
  readonly plan: Plan;
  readonly memory: KernelMemory;
  readonly transforms: readonly PreparedTransform[];
  readonly ready: Int32Array;
  readonly times: LoadTimes;
}

/** Loads one step from the weights file `fd` on lane `lane`, recording its spans in `trace`; `check` as for `waitUntilLoaded`. */
export function loadStep(loading: StepLoading, fd: number, trace: Float64Array, step: number, lane: number, check?: () => void): void {
  const { plan, memory, times } = loading;
  const { weightsRange } = plan.steps[step];
  const traceStart = now();
  const start = performance.now();
  // A table read by rows is read before each run of its step instead (table-rows.ts).
  if (!plan.steps[step].tableRows) readRange(fd, plan, memory, weightsRange);
  times.readMs += performance.now() - start;
  const readEnd = now();
  transformStep(loading, step, check);
  recordLoad(trace, step, lane, traceStart, readEnd, now());
}

/** Runs step `step`'s load-time transforms (its raw bytes are read), waiting for raw bytes another lane loads. */
export function transformStep(loading: StepLoading, step: number, check?: () => void): void {
  const { plan, memory, transforms, ready, times } = loading;
  for (const index of plan.steps[step].transforms) {
    const rawStep = plan.transforms[index].rawStep;
    if (rawStep !== step) times.waitMs += waitUntilLoaded(ready, rawStep, check);
    const start = performance.now();
    const t = transforms[index];
    t.variant.transform!.run(memory, t.shapes, t.raw, t.packed);
    times.transformMs += performance.now() - start;
  }
}

/** Reads a range of the weights file straight into its image in the planned memory. */
export function readRange(fd: number, plan: Plan, memory: KernelMemory, range: { offset: number; bytes: number }): void {
  const target = new Uint8Array(memory.buffer, plan.weightsOffset + range.offset, range.bytes);
  for (let done = 0; done < range.bytes;) {
    const n = readSync(fd, target, done, range.bytes - done, range.offset + done);
    if (n === 0) throw new BundleError(runtimeCodes.fileSizeMismatch, 'weights.bin', `weights file ended at byte ${range.offset + done}`);
    done += n;
  }
}

export function publish(ready: Int32Array, step: number, state: number): void {
  Atomics.store(ready, step, state);
  Atomics.notify(ready, step);
}

/**
 * Blocks until step `step` is loaded; returns the ms waited. Throws if its lane failed or hung,
 * or if `check` (called whenever a wait times out) throws: the executing lane passes one that
 * sees a lane that stopped without publishing its steps.
 */
export function waitUntilLoaded(ready: Int32Array, step: number, check?: () => void): number {
  const start = performance.now();
  for (let state = Atomics.load(ready, step); state !== loaded; state = Atomics.load(ready, step)) {
    if (state === failed) throw new BundleError(runtimeCodes.laneFailed, 'weights.bin', `the lane loading step ${step} failed`);
    if (performance.now() - start > waitTimeoutMs) throw new BundleError(runtimeCodes.laneFailed, 'weights.bin', `step ${step} was not loaded within ${waitTimeoutMs} ms`);
    if (Atomics.wait(ready, step, state, 20) === 'timed-out') check?.();
  }
  return performance.now() - start;
}
