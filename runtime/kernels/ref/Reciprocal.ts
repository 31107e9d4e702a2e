/**
 * Reciprocal: y = 1 / x over float32/float64, computed in double precision.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function reciprocal(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = 1 / src[i];
}

export const Reciprocal: ReferenceKernel = {
  op: 'Reciprocal',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, reciprocal),
};
