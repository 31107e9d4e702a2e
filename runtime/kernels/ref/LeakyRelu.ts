/**
 * LeakyRelu: y = x for x >= 0, alpha * x otherwise (attribute `alpha`, default 0.01), over
 * float32/float64.
 */
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrFloat } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function leakyRelu(src: FloatArray, dst: FloatArray, attrs: Attributes): void {
  const alpha = attrFloat(attrs, 'alpha', 0.01);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    dst[i] = v < 0 ? alpha * v : v;
  }
}

export const LeakyRelu: ReferenceKernel = {
  op: 'LeakyRelu',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, leakyRelu),
};
