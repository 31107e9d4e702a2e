/**
 * Identity: gives the input back unchanged (any tensor dtype). The output is the input tensor
 * itself; kernels never write into their inputs, so sharing is safe. Optional and sequence
 * values are not tensors and are not supported.
 */
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';

export const Identity: ReferenceKernel = {
  op: 'Identity',
  infer(inputs) {
    const x = required(inputs, 0, 'input');
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },
  run: (inputs) => [required(inputs, 0, 'input')],
};
