/** ReduceMean: the mean over `axes` (see reduce.ts for axes, keepdims and the opset forms). */
import { reduceKernel } from './reduce.js';

export const ReduceMean = reduceKernel({
  op: 'ReduceMean',
  initial: 0,
  combine: (sum, value) => sum + value,
  finish: (sum, count) => sum / count,
});
