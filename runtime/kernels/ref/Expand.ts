/**
 * Expand: broadcasts `input` with the int64 `shape` (numpy rules, both ways: a 1 in `shape`
 * keeps the input's dim, and `shape` may be shorter than the input's rank). Any dtype. The shape
 * must be a constant for `infer`.
 */
import { KernelError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import { formatDims, toNumbers, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { broadcastDims, expandTo } from './broadcast.js';

function outputDims(input: ValueInfo, shape: Tensor | undefined): number[] {
  if (shape === undefined) throw new KernelError('Expand shape must be a constant to plan the output', 'bind the dimensions it comes from (--dim)');
  expectDType(shape.dtype, ['int64'], 'Expand shape');
  if (shape.dims.length !== 1) throw new KernelError(`Expand shape must be 1-D, got ${formatDims(shape.dims)}`);
  return broadcastDims(input.dims, toNumbers(shape));
}

export const Expand: ReferenceKernel = {
  op: 'Expand',
  infer: (inputs) => {
    const input = required(inputs, 0, 'input');
    return [{ dtype: input.dtype, dims: outputDims(input, required(inputs, 1, 'shape').value) }];
  },
  run(inputs) {
    const input = required(inputs, 0, 'input');
    return [expandTo(input, outputDims(input, required(inputs, 1, 'shape')))];
  },
};
