/**
 * Size: the input's element count as an int64 scalar. Any input dtype; only its dims are read,
 * so constant folding computes it from the planned shape like Shape.
 */
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import { fromNumbers } from '../../tensor/tensor.js';

export const Size: ReferenceKernel = {
  op: 'Size',
  infer: () => [{ dtype: 'int64', dims: [] }],
  run(inputs) {
    const count = required(inputs, 0, 'data').dims.reduce((a, b) => a * b, 1);
    return [fromNumbers('int64', [], [count])];
  },
};
