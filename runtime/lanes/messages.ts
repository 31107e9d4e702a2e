/**
 * What the executing thread and its lanes (worker threads) tell each other. Start-up data goes
 * by `workerData`; after that, jobs and completions go through the shared control block (no
 * messages, so a job costs an Atomics.notify, not an event-loop turn); the only message is a
 * lane's report of a failure, which the executing thread reads after the job.
 */
import type { Plan } from '../plan/plan.js';

export interface LaneStartup {
  readonly lane: number;
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly plan: Plan;
  readonly control: SharedArrayBuffer;
  /** Per-step load flags (runtime/load/load-steps.ts). */
  readonly ready: SharedArrayBuffer;
  /** Per-step load spans (runtime/trace/trace.ts). */
  readonly trace: SharedArrayBuffer;
  /** The weights file to load this lane's steps from; absent when everything is loaded already. */
  readonly weightsFile?: string;
}

export type LaneMessage =
  | { readonly kind: 'failed'; readonly lane: number; readonly step: number; readonly message: string }
  | { readonly kind: 'load-failed'; readonly lane: number; readonly step: number; readonly message: string };

/** Int32 slots of the control block. */
export const control = {
  /** Job counter; lanes wait for it to change. -1 tells them to exit. */
  generation: 0,
  step: 1,
  lanes: 2,
  done: 3,
  failed: 4,
  ready: 5,
  slots: 8,
} as const;
