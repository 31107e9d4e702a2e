/**
 * ONNX GlobalAveragePool (opset 1 and later): the mean of each channel's spatial plane, summed in
 * double precision (global-pool.ts does the rest).
 */
import { globalPoolKernel } from './global-pool.js';

export const GlobalAveragePool = globalPoolKernel('GlobalAveragePool', (data, start, end) => {
  let sum = 0;
  for (let i = start; i < end; i++) sum += data[i];
  return sum / (end - start);
});
