/**
 * Shape: the input's dims as a 1-D int64 tensor, optionally only dims[start:end] (attributes
 * `start`, default 0, and `end`, default rank; negative counts from the end, out-of-range values
 * are clamped). Any input dtype; only its dims are read.
 */
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrInt, required } from '../kernel.js';
import { fromNumbers } from '../../tensor/tensor.js';

function selectedDims(dims: readonly number[], attrs: Attributes): number[] {
  const rank = dims.length;
  const clampIndex = (i: number): number => Math.min(rank, Math.max(0, i < 0 ? i + rank : i));
  return dims.slice(clampIndex(attrInt(attrs, 'start', 0)), clampIndex(attrInt(attrs, 'end', rank)));
}

export const Shape: ReferenceKernel = {
  op: 'Shape',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    return [{ dtype: 'int64', dims: [selectedDims(x.dims, attrs).length] }];
  },
  run(inputs, attrs) {
    const dims = selectedDims(required(inputs, 0, 'data').dims, attrs);
    return [fromNumbers('int64', [dims.length], dims)];
  },
};
