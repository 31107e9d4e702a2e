/**
 * Relu: y = max(x, 0) over float32/float64. NaN passes through, as in numpy's maximum.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function relu(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    dst[i] = v < 0 ? 0 : v;
  }
}

export const Relu: ReferenceKernel = {
  op: 'Relu',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, relu),
};
