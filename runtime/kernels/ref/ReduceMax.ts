/** ReduceMax: the largest element over `axes` (NaN if any is NaN; see reduce.ts for the rest). */
import { reduceKernel } from './reduce.js';

export const ReduceMax = reduceKernel({
  op: 'ReduceMax',
  initial: -Infinity,
  combine: (max, value) => (value > max || Number.isNaN(value) ? value : max),
  finish: (max) => max,
});
