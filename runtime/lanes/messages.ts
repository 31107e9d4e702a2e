/**
 * What the executing thread and its lanes (worker threads) tell each other. Start-up data goes
 * by `workerData`; after that, jobs and completions go through the shared control block (no
 * messages, so a job costs an Atomics.notify, not an event-loop turn); the only messages are a
 * lane's reports of a failure, on its own port, which the executing thread reads synchronously
 * (`receiveMessageOnPort`) when a lane has failed: it may be blocked waiting for that lane, with
 * no event-loop turn to come. Whether a lane is alive is in the shared health block.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Plan } from '../plan/plan.js';
import type { LaneFault } from './lane-faults.js';

export interface LaneStartup {
  readonly lane: number;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly plan: Plan;
  readonly control: SharedArrayBuffer;
  /** Per-step load flags (runtime/load/load-steps.ts). */
  readonly ready: SharedArrayBuffer;
  /** Per-step warm-kernel flags (continuous inference): 1 prepared, -1 failed, 0 not yet. */
  readonly warmReady: SharedArrayBuffer;
  /** Per-step load spans (runtime/trace/trace.ts). */
  readonly trace: SharedArrayBuffer;
  /** The weights file to load this lane's steps from; absent when everything is loaded already. */
  readonly weightsFile?: string;
  /** Where this lane posts its `LaneMessage`s. */
  readonly reports: MessagePort;
  /** The health block (`health` slots per lane). */
  readonly health: SharedArrayBuffer;
  /** Test-only (runtime/lanes/lane-faults.ts); absent in production. */
  readonly fault?: LaneFault;
}

export type LaneMessage =
  | { readonly kind: 'failed'; readonly lane: number; readonly step: number; readonly message: string }
  | { readonly kind: 'load-failed'; readonly lane: number; readonly step: number; readonly message: string }
  | { readonly kind: 'start-failed'; readonly lane: number; readonly message: string }
  | { readonly kind: 'exited'; readonly lane: number; readonly code: number };

/** Int32 slots of the control block. */
export const control = {
  /** Job counter; lanes wait for it to change. -1 tells them to exit. */
  generation: 0,
  step: 1,
  lanes: 2,
  done: 3,
  failed: 4,
  ready: 5,
  /** 1 when the step being split runs on its warm kernel (continuous inference). */
  warm: 6,
  /** Set to 1 after the first run: lanes then prepare the warm kernels the plan gives them. */
  prepareWarm: 7,
  slots: 8,
} as const;

/**
 * Int32 slots per lane (at lane × slotsPerLane) of the health block: the lane's OS thread id
 * (0 where the platform does not tell; on Linux the executing thread checks that the thread still
 * exists while it waits, which is how it sees a lane the engine terminated) and 1 once the lane
 * has exited (set by the lane's exit handler, or by the pool on the worker's exit event).
 */
export const health = {
  thread: 0,
  exited: 1,
  slotsPerLane: 2,
} as const;
