/**
 * ConstantOfShape: a tensor of the dims in int64 input 0, every element equal to the one-element
 * tensor attribute `value` (whose dtype the output takes; default float32 0). An empty shape
 * gives a scalar. `infer` needs the shape input to be a constant.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { allocData, fromNumbers, sizeOf, toNumbers } from '../../tensor/tensor.js';
import { isTensorAttribute } from './Constant.js';

function fillValue(attrs: Attributes): Tensor {
  const v = attrs.value;
  if (v === undefined) return fromNumbers('float32', [1], [0]);
  if (!isTensorAttribute(v) || v.data.length !== 1) throw new KernelError(`attribute 'value' must be a one-element tensor`);
  return v;
}

function outputDims(shape: Tensor): number[] {
  const dims = toNumbers(shape);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new KernelError(`shape [${dims.join(',')}] has a negative dim`);
  return dims;
}

export const ConstantOfShape: ReferenceKernel = {
  op: 'ConstantOfShape',
  infer(inputs, attrs) {
    const shape = required(inputs, 0, 'input').value;
    if (shape === undefined) throw new KernelError('input 0 (shape) must be a constant to infer the output shape');
    return [{ dtype: fillValue(attrs).dtype, dims: outputDims(shape) }];
  },
  run(inputs, attrs) {
    const value = fillValue(attrs);
    const dims = outputDims(required(inputs, 0, 'input'));
    const data = allocData(value.dtype, sizeOf(dims));
    // fill() takes a bigint for bigint arrays and a number otherwise; the value's own type matches.
    (data as Float64Array).fill(value.data[0] as number);
    return [{ dtype: value.dtype, dims, data }];
  },
};
