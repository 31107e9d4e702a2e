/**
 * Stage timings with the one vocabulary every nncc tool uses: read, alloc, prepare, transform,
 * execute (milliseconds). Load fills the first four; each run fills execute.
 */

export interface StageTimings {
  readMs: number;
  allocMs: number;
  prepareMs: number;
  transformMs: number;
  executeMs: number;
  totalMs: number;
}

export const stageNames = ['read', 'alloc', 'prepare', 'transform', 'execute'] as const;

export function emptyTimings(): StageTimings {
  return { readMs: 0, allocMs: 0, prepareMs: 0, transformMs: 0, executeMs: 0, totalMs: 0 };
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
