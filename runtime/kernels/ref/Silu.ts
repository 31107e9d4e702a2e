/**
 * Silu (SiLU, Swish): y = x · sigmoid(x) = x / (1 + exp(-x)) over float32/float64, computed in
 * double precision. Not an ONNX operator of the opsets nncc imports: the passes make it from
 * `Mul(x, Sigmoid(x))` (compiler/passes/fuse-gated-activations.ts), so one step computes both.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

function silu(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i] / (1 + Math.exp(-src[i]));
}

export const Silu: ReferenceKernel = {
  op: 'Silu',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, silu),
};
