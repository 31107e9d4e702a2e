/**
 * Activation memory planning: gives every activation (and input) a byte offset in one region so
 * that values alive at the same time never overlap, reusing memory as lifetimes end. Greedy
 * best-fit over lifetimes, largest values first; deterministic. Each value keeps 64 bytes of
 * slack after it, because SIMD kernels may read a few floats past a row's end.
 */

export interface Lifetime {
  /** Step that writes the value (-1: before the first step, as for inputs). */
  readonly first: number;
  /** Last step that reads it (Infinity: kept to the end, as for outputs). */
  readonly last: number;
  readonly bytes: number;
}

export const valueSlackBytes = 64;

export function planActivationMemory(lifetimes: readonly Lifetime[]): { offsets: number[]; bytes: number } {
  const order = lifetimes.map((_, i) => i).sort((a, b) => lifetimes[b].bytes - lifetimes[a].bytes || a - b);
  const offsets = new Array<number>(lifetimes.length).fill(0);
  const placed: number[] = [];
  let total = 0;
  for (const i of order) {
    const size = align64(lifetimes[i].bytes + valueSlackBytes);
    const busy = placed
      .filter((j) => overlaps(lifetimes[i], lifetimes[j]))
      .map((j) => ({ start: offsets[j], end: offsets[j] + align64(lifetimes[j].bytes + valueSlackBytes) }))
      .sort((a, b) => a.start - b.start);
    offsets[i] = lowestGap(busy, size);
    placed.push(i);
    total = Math.max(total, offsets[i] + size);
  }
  return { offsets, bytes: total };
}

function overlaps(a: Lifetime, b: Lifetime): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Start of the smallest gap between busy ranges that fits `size` (or the end of the last). */
function lowestGap(busy: readonly { start: number; end: number }[], size: number): number {
  let best = -1;
  let bestWaste = Infinity;
  let cursor = 0;
  for (const range of busy) {
    const gap = range.start - cursor;
    if (gap >= size && gap - size < bestWaste) {
      best = cursor;
      bestWaste = gap - size;
    }
    cursor = Math.max(cursor, range.end);
  }
  return best >= 0 ? best : cursor;
}

export function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}
