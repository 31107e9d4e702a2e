/**
 * Timing for the benchmarks: run a piece of work a few times to warm it up, then time each of a
 * number of runs with `performance.now()`; results are reported as medians (robust to the other
 * work sharing the machine), never means.
 */

export interface Repetitions {
  warmups: number;
  runs: number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median milliseconds of `runs` calls of `work` after `warmups` untimed ones. */
export function medianMs(work: () => void, { warmups, runs }: Repetitions): number {
  for (let i = 0; i < warmups; i++) work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function medianMsAsync(work: () => Promise<unknown>, { warmups, runs }: Repetitions): Promise<number> {
  for (let i = 0; i < warmups; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** GFLOP/s of `flops` done in `ms`. */
export function gflops(flops: number, ms: number): number {
  return flops / ms / 1e6;
}

/**
 * Median milliseconds of each piece of work, timed in alternation (one run of each per round)
 * so that load from elsewhere on a shared machine falls on all of them alike.
 */
export async function interleavedMediansMs(works: readonly (() => Promise<unknown>)[], { warmups, runs }: Repetitions): Promise<number[]> {
  for (const work of works) for (let i = 0; i < warmups; i++) await work();
  const samples = works.map((): number[] => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, work] of works.entries()) {
      const start = performance.now();
      await work();
      samples[i].push(performance.now() - start);
    }
  }
  return samples.map(median);
}
