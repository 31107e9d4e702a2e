/**
 * HardSwish: y = x * max(0, min(1, x / 6 + 0.5)) over float32/float64 (HardSigmoid with
 * alpha = 1/6, beta = 0.5, times x; it has no attributes).
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function hardSwish(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    const gate = x / 6 + 0.5;
    dst[i] = gate <= 0 ? 0 : gate >= 1 ? x : x * gate;
  }
}

export const HardSwish: ReferenceKernel = {
  op: 'HardSwish',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, hardSwish),
};
