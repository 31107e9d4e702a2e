/**
 * ONNX LRN, local response normalisation across channels (opsets 1-13): X (N x C x D1..Dn,
 * float32/float64) gives Y = X / (bias + alpha / size * S) ^ beta, where S sums X^2 over the
 * channels c - floor((size-1)/2) .. c + ceil((size-1)/2) that exist. `size` is required;
 * alpha, beta and bias default to 1e-4, 0.75 and 1.
 */
import { KernelError } from '../../errors/errors.js';
import { allocData, formatDims, sizeOf, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { attrFloat, attrInt, expectDType, required, type ReferenceKernel } from '../kernel.js';

type FloatArray = Float32Array | Float64Array;

function check(x: ValueInfo): void {
  expectDType(x.dtype, ['float32', 'float64'], 'LRN input X');
  if (x.dims.length < 2) throw new KernelError(`LRN input X must have rank >= 2, got ${formatDims(x.dims)}`);
}

export const LRN: ReferenceKernel = {
  op: 'LRN',

  infer(inputs) {
    const x = required(inputs, 0, 'X');
    check(x);
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },

  run(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    check(x);
    const size = attrInt(attrs, 'size');
    if (!Number.isInteger(size) || size < 1) throw new KernelError(`LRN size must be a positive integer, got ${size}`);
    const scale = attrFloat(attrs, 'alpha', 1e-4) / size;
    const beta = attrFloat(attrs, 'beta', 0.75);
    const bias = attrFloat(attrs, 'bias', 1);
    const below = Math.floor((size - 1) / 2);
    const above = Math.ceil((size - 1) / 2);

    const [batch, channels] = x.dims;
    const plane = sizeOf(x.dims.slice(2));
    const data = x.data as FloatArray;
    const y = allocData(x.dtype, data.length) as FloatArray;
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        const from = Math.max(0, c - below);
        const to = Math.min(channels - 1, c + above);
        const out = (n * channels + c) * plane;
        for (let p = 0; p < plane; p++) {
          let squares = 0;
          for (let k = from; k <= to; k++) {
            const v = data[(n * channels + k) * plane + p];
            squares += v * v;
          }
          y[out + p] = data[out + p] / Math.pow(bias + scale * squares, beta);
        }
      }
    }
    const result: Tensor = { dtype: x.dtype, dims: [...x.dims], data: y };
    return [result];
  },
};
