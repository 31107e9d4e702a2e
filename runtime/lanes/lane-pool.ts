/**
 * The lanes of a session: worker threads started at load, each running parts of parallel steps
 * on the shared memory. The executing thread is lane 0; `runParts` hands a step to lanes
 * 1…n−1 through the control block, runs its own part, and waits for theirs.
 *
 * A lane that fails or stops is never waited for until a timeout: every wait that has not ended
 * at once checks the lanes' health (the health block their exit handlers set, the exit events
 * the pool has seen, and on Linux whether each lane's thread still exists, which is the only
 * sign of a lane the engine terminated while this thread was blocked) and throws NNCC212 with
 * the lane's own report of why.
 */
import { existsSync } from 'node:fs';
import type { MessagePort, Worker } from 'node:worker_threads';
import { workerThreads } from '../node-builtins.js';
import { BundleError, runtimeCodes } from '../errors/errors.js';
import type { Plan } from '../plan/plan.js';
import { injectedLaneFault, outOfMemoryLimits } from './lane-faults.js';
import { control, health, type LaneMessage, type LaneStartup } from './messages.js';

/** Where the lane worker's entry lies beside the runtime package's one file (runtime/build/bundle-runtime.mjs); absent in dist/runtime. */
declare const NNCC_BUNDLED_LANE_WORKER: string | undefined;
const workerUrl = new URL(typeof NNCC_BUNDLED_LANE_WORKER === 'string' ? NNCC_BUNDLED_LANE_WORKER : '../lane-worker.js', import.meta.url);
/** A lane that takes longer than this for one step is taken as hung. */
const stepTimeoutMs = 60_000;
/** How often a blocked wait wakes to check the lanes' health. */
const healthCheckMs = 20;

interface Lane {
  readonly worker: Worker;
  readonly reports: MessagePort;
  /** Why it failed or stopped, as far as known (its reports, its exit). */
  cause?: string;
}

/** What every lane starts on: the session's shared memory, compiled kernels and plan, and its shared flag arrays. */
export interface LanePoolOptions {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly plan: Plan;
  /** The bundle directory, for errors. */
  readonly file: string;
  /** Per step: its weights loaded (and its warm kernel prepared, in `warmReady`), shared with the executing lane. */
  readonly ready: SharedArrayBuffer;
  readonly warmReady: SharedArrayBuffer;
  /** The load trace every lane writes its steps' instants into. */
  readonly trace: SharedArrayBuffer;
  /** The weights file: each lane then starts loading the steps the plan gives it at once. */
  readonly weightsFile?: string;
}

export class LanePool {
  private readonly plan: Plan;
  private readonly file: string;
  private readonly slots: Int32Array;
  private readonly health: Int32Array;
  /** Lanes 1…extraLanes at indices 0…extraLanes−1. */
  private readonly lanes: Lane[];
  private ready = false;
  private closed = false;
  private closing: Promise<void> = Promise.resolve();

  /**
   * Starts lanes 1…extraLanes. With `weightsFile`, each starts loading the steps the plan gives
   * it at once, publishing them in `ready`.
   */
  constructor(readonly extraLanes: number, options: LanePoolOptions) {
    const { memory, module, plan, ready, warmReady, trace, weightsFile } = options;
    this.plan = plan;
    this.file = options.file;
    const block = new SharedArrayBuffer(control.slots * 4);
    this.slots = new Int32Array(block);
    this.health = new Int32Array(new SharedArrayBuffer((extraLanes + 1) * health.slotsPerLane * 4));
    const { MessageChannel, Worker } = workerThreads();
    this.lanes = Array.from({ length: extraLanes }, (_, i) => {
      const lane = i + 1;
      const { port1, port2 } = new MessageChannel();
      const fault = injectedLaneFault(lane);
      const startup: LaneStartup = {
        lane, memory, module, plan, control: block, ready, warmReady, trace, weightsFile, reports: port2, health: this.health.buffer as SharedArrayBuffer,
        ...(fault ? { fault } : {}),
      };
      const worker = new Worker(workerUrl, {
        workerData: startup, transferList: [port2], ...(fault?.kind === 'out-of-memory' ? { resourceLimits: outOfMemoryLimits } : {}),
      });
      worker.unref();
      port1.unref();
      const entry: Lane = { worker, reports: port1 };
      // Without an 'error' listener, a lane's uncaught error would be rethrown in this thread.
      worker.on('error', (error) => { entry.cause ??= `its worker thread failed (${error.message})`; });
      worker.on('exit', (code) => this.onExit(lane, code));
      return entry;
    });
  }

  /** Runs `own` (lane 0's part) while lanes 1…lanes−1 run theirs of step `step`. */
  runParts(step: number, lanes: number, warm: boolean, own: () => void): void {
    if (this.closed) throw new BundleError(runtimeCodes.disposed, this.file, 'the session was disposed');
    this.waitUntilReady();
    const s = this.slots;
    Atomics.store(s, control.done, 0);
    Atomics.store(s, control.failed, 0);
    Atomics.store(s, control.step, step);
    Atomics.store(s, control.lanes, lanes);
    Atomics.store(s, control.warm, warm ? 1 : 0);
    Atomics.add(s, control.generation, 1);
    Atomics.notify(s, control.generation);
    own();
    this.waitFor(control.done, lanes - 1, `step '${this.plan.steps[step].node}'`);
    if (Atomics.load(s, control.failed)) {
      const causes = this.lanes.map((_, i) => this.failureOf(i + 1)).filter((c) => c !== undefined);
      throw new BundleError(runtimeCodes.laneFailed, this.file, `a lane failed while running step '${this.plan.steps[step].node}': ${causes.join('; ')}`);
    }
  }

  /**
   * Why lane `lane` failed or stopped, or undefined while it is well. Reads its reports (without
   * waiting for an event-loop turn) and, on Linux, whether its thread still exists.
   */
  failureOf(lane: number): string | undefined {
    const entry = this.lanes[lane - 1];
    if (!entry) return undefined;
    for (let received = workerThreads().receiveMessageOnPort(entry.reports); received; received = workerThreads().receiveMessageOnPort(entry.reports)) {
      entry.cause ??= describe(received.message as LaneMessage, this.plan);
    }
    const base = lane * health.slotsPerLane;
    const thread = Atomics.load(this.health, base + health.thread);
    if (Atomics.load(this.health, base + health.exited) || (thread > 0 && !existsSync(`/proc/self/task/${thread}`))) {
      entry.cause ??= 'its worker thread was terminated without a report (by the engine, e.g. out of memory)';
    }
    return entry.cause === undefined ? undefined : `lane ${lane}: ${entry.cause}`;
  }

  /** The first lane's failure (as `failureOf`), or undefined while all are well. */
  firstFailure(): string | undefined {
    for (let lane = 1; lane <= this.extraLanes; lane++) {
      const cause = this.failureOf(lane);
      if (cause) return cause;
    }
    return undefined;
  }

  /** Throws NNCC212 if any lane has failed or stopped. */
  private throwIfAnyFailed(what: string): void {
    const cause = this.firstFailure();
    if (cause) throw new BundleError(runtimeCodes.laneFailed, this.file, `a lane failed during ${what}: ${cause}`);
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
      if (Atomics.wait(this.slots, slot, seen, healthCheckMs) === 'timed-out') this.throwIfAnyFailed(what);
    }
  }

  /** The worker's exit event: an exit the lane could not report (or any exit, when it could). */
  private onExit(lane: number, code: number): void {
    if (this.closed) return;
    const entry = this.lanes[lane - 1];
    this.failureOf(lane);
    entry.cause ??= `its worker thread exited with code ${code}`;
    Atomics.store(this.health, lane * health.slotsPerLane + health.exited, 1);
  }

  /**
   * Stops the lanes. Resolves when their threads have ended: a terminated worker's isolate (which
   * holds the shared memory) is freed only when this thread's event loop sees its exit.
   */
  /** Continuous inference: lanes start preparing the warm kernels the plan gives them. */
  prepareWarm(): void {
    if (this.closed) return;
    Atomics.store(this.slots, control.prepareWarm, 1);
    Atomics.notify(this.slots, control.generation);
  }

  close(): Promise<void> {
    if (this.closed) return this.closing;
    this.closed = true;
    Atomics.store(this.slots, control.generation, -1);
    Atomics.notify(this.slots, control.generation);
    this.closing = Promise.all(this.lanes.map(async ({ worker, reports }) => {
      reports.close();
      await worker.terminate();
    })).then(() => undefined);
    return this.closing;
  }
}

function describe(message: LaneMessage, plan: Plan): string {
  switch (message.kind) {
    case 'load-failed': return `failed loading the weights of step '${plan.steps[message.step]?.node}' (${message.message})`;
    case 'failed': return `failed running its part of step '${plan.steps[message.step]?.node}' (${message.message})`;
    case 'start-failed': return `failed to start (${message.message})`;
    case 'exited': return `its worker thread exited with code ${message.code}`;
  }
}
