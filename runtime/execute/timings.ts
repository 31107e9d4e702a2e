/**
 * Stage timings in the one vocabulary every nncc tool uses (trace/stages.ts): read, alloc,
 * prepare, transform, execute and the executing lane's wait for weights, in milliseconds.
 * Loading fills read, alloc and prepare; the first run also reads and transforms the executing
 * lane's share of the weights as it goes; every run fills execute.
 */
import type { RuntimeStage, StageMs } from '../trace/stages.js';

/** Milliseconds per stage the runtime measures (trace/stages.ts), and in all. */
export type StageTimings = StageMs<RuntimeStage>;

export function emptyTimings(): StageTimings {
  return { readMs: 0, allocMs: 0, prepareMs: 0, transformMs: 0, executeMs: 0, waitMs: 0, totalMs: 0 };
}

/** Runs `work`, adds its duration to `timings[stage]`, returns its result. */
export function timed<T>(timings: StageTimings, stage: keyof StageTimings, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    timings[stage] += performance.now() - start;
  }
}

/** `timed` for work that awaits. */
export async function timedAsync<T>(timings: StageTimings, stage: keyof StageTimings, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] += performance.now() - start;
  }
}
