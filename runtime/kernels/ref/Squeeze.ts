/**
 * Squeeze: removes size-1 dims, those listed in the optional int64 input 1 (`axes`, negative
 * allowed) or, without it, all of them. `infer` needs `axes` to be a constant. Any dtype; the
 * output shares the input's data.
 */
import { KernelError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import { normaliseAxis, required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatDims, reshaped, toNumbers } from '../../tensor/tensor.js';

function squeezedDims(dims: readonly number[], axesTensor: Tensor | undefined): number[] {
  if (axesTensor === undefined) return dims.filter((d) => d !== 1);
  const axes = new Set(toNumbers(axesTensor).map((a) => normaliseAxis(a, dims.length)));
  for (const axis of axes) {
    if (dims[axis] !== 1) throw new KernelError(`cannot squeeze axis ${axis} of ${formatDims(dims)}: its size is not 1`);
  }
  return dims.filter((_, i) => !axes.has(i));
}

export const Squeeze: ReferenceKernel = {
  op: 'Squeeze',
  infer(inputs) {
    const x = required(inputs, 0, 'data');
    const axes = inputs[1];
    if (axes !== undefined && axes.value === undefined) throw new KernelError('input 1 (axes) must be a constant to infer the output shape');
    return [{ dtype: x.dtype, dims: squeezedDims(x.dims, axes?.value) }];
  },
  run(inputs) {
    const x = required(inputs, 0, 'data');
    return [reshaped(x, squeezedDims(x.dims, inputs[1]))];
  },
};
