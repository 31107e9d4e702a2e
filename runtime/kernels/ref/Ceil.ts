/**
 * Ceil: y = ceil(x) over float32/float64.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function ceil(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = Math.ceil(src[i]);
}

export const Ceil: ReferenceKernel = {
  op: 'Ceil',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, ceil),
};
