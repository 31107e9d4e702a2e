/**
 * Sqrt: y = sqrt(x) (NaN below 0) over float32/float64, computed in double precision.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function sqrt(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = Math.sqrt(src[i]);
}

export const Sqrt: ReferenceKernel = {
  op: 'Sqrt',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, sqrt),
};
