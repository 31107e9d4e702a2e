/**
 * Exp: y = exp(x) over float32/float64, computed in double precision.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function exp(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = Math.exp(src[i]);
}

export const Exp: ReferenceKernel = {
  op: 'Exp',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, exp),
};
