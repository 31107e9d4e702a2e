/**
 * Transpose: permutes dims by attribute `perm` (output dim i is input dim perm[i]; default reverses
 * them). Any dtype.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrInts, required } from '../kernel.js';
import { allocData, formatDims, stridesOf } from '../../tensor/tensor.js';
import { copyStrided } from './broadcast.js';

export function permutation(rank: number, attrs: Attributes): number[] {
  const reversed = Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const perm = [...attrInts(attrs, 'perm', reversed)];
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    throw new KernelError(`perm ${formatDims(perm)} is not a permutation of ${rank} axes`);
  }
  return perm;
}

export const Transpose: ReferenceKernel = {
  op: 'Transpose',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    return [{ dtype: x.dtype, dims: permutation(x.dims.length, attrs).map((p) => x.dims[p]) }];
  },
  run(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    const perm = permutation(x.dims.length, attrs);
    const inStrides = stridesOf(x.dims);
    const dims = perm.map((p) => x.dims[p]);
    const out = allocData(x.dtype, x.data.length);
    copyStrided(x.data, 0, perm.map((p) => inStrides[p]), dims, out);
    return [{ dtype: x.dtype, dims, data: out }];
  },
};
