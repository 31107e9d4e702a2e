/**
 * Unsqueeze: inserts size-1 dims at the positions in int64 input 1 (`axes`), which index the
 * output (negative counts from its end; any order; no repeats). `infer` needs `axes` to be a
 * constant. Any dtype; the output shares the input's data.
 */
import { KernelError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import { normaliseAxis, required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formatDims, reshaped, toNumbers } from '../../tensor/tensor.js';

function unsqueezedDims(dims: readonly number[], axesTensor: Tensor): number[] {
  const requested = toNumbers(axesTensor);
  const rank = dims.length + requested.length;
  const axes = new Set(requested.map((a) => normaliseAxis(a, rank)));
  if (axes.size !== requested.length) throw new KernelError(`axes ${formatDims(requested)} name one axis twice`);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(axes.has(i) ? 1 : dims[next++]);
  return out;
}

export const Unsqueeze: ReferenceKernel = {
  op: 'Unsqueeze',
  infer(inputs) {
    const x = required(inputs, 0, 'data');
    const axes = required(inputs, 1, 'axes').value;
    if (axes === undefined) throw new KernelError('input 1 (axes) must be a constant to infer the output shape');
    return [{ dtype: x.dtype, dims: unsqueezedDims(x.dims, axes) }];
  },
  run(inputs) {
    const x = required(inputs, 0, 'data');
    return [reshaped(x, unsqueezedDims(x.dims, required(inputs, 1, 'axes')))];
  },
};
