/**
 * Reshape: gives the data a new shape from the int64 `shape` input (input 1). A 0 copies the
 * input's dim at that position (unless attribute `allowzero` = 1, where 0 means an empty dim);
 * one -1 is inferred from the element count. `infer` needs `shape` to be a constant. Any dtype;
 * the output shares the input's data.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrInt, required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatDims, reshaped, sizeOf, toNumbers } from '../../tensor/tensor.js';

function targetDims(inDims: readonly number[], shape: Tensor, attrs: Attributes): number[] {
  const allowZero = attrInt(attrs, 'allowzero', 0) === 1;
  const requested = toNumbers(shape);
  const dims = requested.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= inDims.length) throw new KernelError(`shape ${formatDims(requested)} copies dim ${i}, but the input has rank ${inDims.length}`);
      return inDims[i];
    }
    if (d < -1) throw new KernelError(`shape ${formatDims(requested)} has invalid dim ${d}`);
    return d;
  });
  const inferred = dims.indexOf(-1);
  if (inferred !== dims.lastIndexOf(-1)) throw new KernelError(`shape ${formatDims(requested)} has more than one -1`);
  const count = sizeOf(inDims);
  if (inferred >= 0) {
    const known = sizeOf(dims.filter((_, i) => i !== inferred));
    if (known === 0 || count % known !== 0) {
      throw new KernelError(`cannot reshape ${formatDims(inDims)} to ${formatDims(requested)}: -1 has no integer value`);
    }
    dims[inferred] = count / known;
  }
  if (sizeOf(dims) !== count) throw new KernelError(`cannot reshape ${formatDims(inDims)} (${count} elements) to ${formatDims(dims)}`);
  return dims;
}

export const Reshape: ReferenceKernel = {
  op: 'Reshape',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    const shape = required(inputs, 1, 'shape').value;
    if (shape === undefined) throw new KernelError('input 1 (shape) must be a constant to infer the output shape');
    return [{ dtype: x.dtype, dims: targetDims(x.dims, shape, attrs) }];
  },
  run(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    return [reshaped(x, targetDims(x.dims, required(inputs, 1, 'shape'), attrs))];
  },
};
