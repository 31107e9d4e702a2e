/**
 * ONNX GlobalMaxPool (opset 1 and later): the maximum of each channel's spatial plane
 * (global-pool.ts does the rest).
 */
import { globalPoolKernel } from './global-pool.js';

export const GlobalMaxPool = globalPoolKernel('GlobalMaxPool', (data, start, end) => {
  // Math.max propagates NaN, as numpy's max (the ONNX reference) does.
  let max = -Infinity;
  for (let i = start; i < end; i++) max = Math.max(max, data[i]);
  return max;
});
