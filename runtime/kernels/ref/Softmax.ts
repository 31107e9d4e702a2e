/**
 * ONNX Softmax: X (float32/float64) gives exp(X) normalised to sum 1 along some axes. From opset
 * 13 that is the single axis `axis` (default -1). Before opset 13 the input is coerced to 2-D,
 * [product of dims before axis, product of dims from axis on], and each row is normalised; the
 * importer marks such nodes with `coerce_2d: 1`, and then `axis` defaults to 1. Both forms come
 * down to normalising groups of `length` elements spaced `stride` apart.
 */
import { KernelError } from '../../errors/errors.js';
import { allocData, sizeOf, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { attrInt, expectDType, normaliseAxis, required, type Attributes, type ReferenceKernel } from '../kernel.js';

type FloatArray = Float32Array | Float64Array;

/** The input seen as [outer, length, stride] with normalisation along the middle axis. */
export interface SoftmaxLayout {
  outer: number;
  length: number;
  stride: number;
}

export function softmaxLayout(x: ValueInfo, attrs: Attributes): SoftmaxLayout {
  expectDType(x.dtype, ['float32', 'float64'], 'Softmax input');
  const rank = x.dims.length;
  if (rank === 0) throw new KernelError('Softmax input must have rank >= 1');
  if (attrInt(attrs, 'coerce_2d', 0) !== 0) {
    // Opsets 1-12 accept axis == rank too (an empty second factor of the 2-D view).
    const raw = attrInt(attrs, 'axis', 1);
    const axis = raw === rank ? rank : normaliseAxis(raw, rank);
    return { outer: sizeOf(x.dims.slice(0, axis)), length: sizeOf(x.dims.slice(axis)), stride: 1 };
  }
  const axis = normaliseAxis(attrInt(attrs, 'axis', -1), rank);
  return { outer: sizeOf(x.dims.slice(0, axis)), length: x.dims[axis], stride: sizeOf(x.dims.slice(axis + 1)) };
}

export const Softmax: ReferenceKernel = {
  op: 'Softmax',

  infer(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    softmaxLayout(x, attrs);
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },

  run(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    const { outer, length, stride } = softmaxLayout(x, attrs);
    const data = x.data as FloatArray;
    const y = allocData(x.dtype, data.length) as FloatArray;
    for (let o = 0; o < outer; o++) {
      for (let s = 0; s < stride; s++) {
        normalise(data, y, o * length * stride + s, length, stride);
      }
    }
    const out: Tensor = { dtype: x.dtype, dims: [...x.dims], data: y };
    return [out];
  },
};

/** Softmax of x[start + i * stride], i < length; subtracting the max keeps exp from overflowing. */
function normalise(x: FloatArray, y: FloatArray, start: number, length: number, stride: number): void {
  const end = start + length * stride;
  let max = -Infinity;
  for (let i = start; i < end; i += stride) max = Math.max(max, x[i]);
  let sum = 0;
  for (let i = start; i < end; i += stride) {
    const e = Math.exp(x[i] - max);
    y[i] = e;
    sum += e;
  }
  for (let i = start; i < end; i += stride) y[i] /= sum;
}
