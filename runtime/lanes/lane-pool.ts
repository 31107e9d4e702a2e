/**
 * The lanes of a session: worker threads started at load, each running parts of parallel steps
 * on the shared memory. The executing thread is lane 0; `runParts` hands a step to lanes
 * 1…n−1 through the control block, runs its own part, and waits for theirs.
 */
import { Worker } from 'node:worker_threads';
import { BundleError, runtimeCodes } from '../errors/errors.js';
import type { Plan } from '../plan/plan.js';
import { control, type LaneStartup } from './messages.js';

const workerUrl = new URL('./lane-worker.js', import.meta.url);
/** A lane that takes longer than this for one step is taken as hung. */
const stepTimeoutMs = 60_000;

export class LanePool {
  private readonly slots: Int32Array;
  private readonly workers: Worker[];
  private ready = false;
  private closed = false;

  /**
   * Starts lanes 1…extraLanes. With `weightsFile`, each starts loading the steps the plan gives
   * it at once, publishing them in `ready`.
   */
  constructor(readonly extraLanes: number, memory: WebAssembly.Memory, module: WebAssembly.Module, plan: Plan, private readonly file: string,
    ready: SharedArrayBuffer, trace: SharedArrayBuffer, weightsFile?: string) {
    const block = new SharedArrayBuffer(control.slots * 4);
    this.slots = new Int32Array(block);
    this.workers = Array.from({ length: extraLanes }, (_, i) => {
      const startup: LaneStartup = { lane: i + 1, memory, module, plan, control: block, ready, trace, weightsFile };
      const worker = new Worker(workerUrl, { workerData: startup });
      worker.unref();
      return worker;
    });
  }

  /** Runs `own` (lane 0's part) while lanes 1…lanes−1 run theirs of step `step`. */
  runParts(step: number, lanes: number, own: () => void): void {
    if (this.closed) throw new BundleError(runtimeCodes.disposed, this.file, 'the session was disposed');
    this.waitUntilReady();
    const s = this.slots;
    Atomics.store(s, control.done, 0);
    Atomics.store(s, control.failed, 0);
    Atomics.store(s, control.step, step);
    Atomics.store(s, control.lanes, lanes);
    Atomics.add(s, control.generation, 1);
    Atomics.notify(s, control.generation);
    own();
    this.waitFor(control.done, lanes - 1, `step ${step}`);
    if (Atomics.load(s, control.failed)) {
      throw new BundleError(runtimeCodes.laneFailed, this.file, `a lane failed while running step ${step}`);
    }
  }

  private waitUntilReady(): void {
    if (this.ready) return;
    this.waitFor(control.ready, this.extraLanes, 'lane start-up');
    this.ready = true;
  }

  private waitFor(slot: number, target: number, what: string): void {
    const deadline = performance.now() + stepTimeoutMs;
    for (let seen = Atomics.load(this.slots, slot); seen < target; seen = Atomics.load(this.slots, slot)) {
      if (performance.now() > deadline) throw new BundleError(runtimeCodes.laneFailed, this.file, `lanes did not finish ${what} in ${stepTimeoutMs} ms`);
      Atomics.wait(this.slots, slot, seen, 50);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.slots, control.generation, -1);
    Atomics.notify(this.slots, control.generation);
    for (const worker of this.workers) void worker.terminate();
  }
}
