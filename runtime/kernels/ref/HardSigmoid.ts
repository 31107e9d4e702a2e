/**
 * HardSigmoid: y = max(0, min(1, alpha * x + beta)) over float32/float64 (attributes `alpha`,
 * default 0.2, and `beta`, default 0.5).
 */
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrFloat } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function hardSigmoid(src: FloatArray, dst: FloatArray, attrs: Attributes): void {
  const alpha = attrFloat(attrs, 'alpha', 0.2);
  const beta = attrFloat(attrs, 'beta', 0.5);
  for (let i = 0; i < src.length; i++) {
    const v = alpha * src[i] + beta;
    dst[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

export const HardSigmoid: ReferenceKernel = {
  op: 'HardSigmoid',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, hardSigmoid),
};
