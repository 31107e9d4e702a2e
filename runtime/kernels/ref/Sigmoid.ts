/**
 * Sigmoid: y = 1 / (1 + exp(-x)) over float32/float64, computed in double precision.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function sigmoid(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = 1 / (1 + Math.exp(-src[i]));
}

export const Sigmoid: ReferenceKernel = {
  op: 'Sigmoid',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, sigmoid),
};
