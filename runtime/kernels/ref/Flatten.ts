/**
 * Flatten: reshapes the input to 2-D [prod(dims[:axis]), prod(dims[axis:])], attribute `axis`
 * (default 1, range [-rank, rank]). Any dtype; the output shares the input's data.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrInt, required } from '../kernel.js';
import { reshaped, sizeOf } from '../../tensor/tensor.js';

function flattenedDims(dims: readonly number[], attrs: Attributes): number[] {
  const axis = attrInt(attrs, 'axis', 1);
  // Unlike most axes, rank itself is valid here: it puts every dim in the first factor.
  const split = axis < 0 ? axis + dims.length : axis;
  if (split < 0 || split > dims.length) {
    throw new KernelError(`axis ${axis} is out of range for rank ${dims.length}`);
  }
  return [sizeOf(dims.slice(0, split)), sizeOf(dims.slice(split))];
}

export const Flatten: ReferenceKernel = {
  op: 'Flatten',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    return [{ dtype: x.dtype, dims: flattenedDims(x.dims, attrs) }];
  },
  run(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    return [reshaped(x, flattenedDims(x.dims, attrs))];
  },
};
