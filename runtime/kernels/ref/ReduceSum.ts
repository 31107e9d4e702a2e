/** ReduceSum: the sum over `axes` (see reduce.ts for axes, keepdims and the opset forms). */
import { reduceKernel } from './reduce.js';

export const ReduceSum = reduceKernel({
  op: 'ReduceSum',
  initial: 0,
  combine: (sum, value) => sum + value,
  finish: (sum) => sum,
});
