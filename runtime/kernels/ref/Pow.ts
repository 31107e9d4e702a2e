/**
 * Pow: Z = X ^ Y with numpy broadcasting. Z takes X's dtype; Y may be of another numeric dtype
 * (opset 12 on). Computed in double precision with Math.pow and stored in X's dtype (integer
 * results truncate toward zero, as C's pow then a cast would). The exporters' LayerNorm squares
 * with Pow(x, 2), which this computes exactly.
 */
import type { ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import type { Tensor, ValueInfo } from '../../tensor/tensor.js';
import { arithmeticTypes, broadcastBinary, broadcastDims, type BinaryLoops } from './broadcast.js';
import { castTensor } from './Cast.js';

const powLoops: BinaryLoops<Float64Array> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = Math.pow(a[i], b[i]);
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.pow(a[ai + i * aStep], b[bi + i * bStep]);
  },
};

function infer(inputs: readonly (ValueInfo | undefined)[]): ValueInfo[] {
  const x = required(inputs, 0, 'X');
  const y = required(inputs, 1, 'Y');
  expectDType(x.dtype, arithmeticTypes, 'Pow input X');
  expectDType(y.dtype, arithmeticTypes, 'Pow input Y');
  return [{ dtype: x.dtype, dims: broadcastDims(x.dims, y.dims) }];
}

export const Pow: ReferenceKernel = {
  op: 'Pow',
  infer,
  run(inputs) {
    infer(inputs);
    const x = castTensor(required(inputs, 0, 'X'), 'float64');
    const y = castTensor(required(inputs, 1, 'Y'), 'float64');
    const z: Tensor = broadcastBinary(x, y, powLoops);
    return [castTensor(z, inputs[0]!.dtype)];
  },
};
