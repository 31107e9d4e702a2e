/**
 * Sum: the elementwise sum of one or more inputs with numpy broadcasting (all of one dtype; the
 * output has it). Folds Add pairwise, since broadcast shapes compose left to right.
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo, ReferenceKernel } from '../kernel.js';
import { expectDType } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { addTensors } from './Add.js';
import { arithmeticTypes, broadcastDims } from './broadcast.js';

function presentInputs<T extends InputInfo | Tensor>(inputs: readonly (T | undefined)[]): T[] {
  const present = inputs.filter((t): t is T => t !== undefined);
  if (present.length === 0) throw new KernelError('Sum needs at least one input');
  const dtype = present[0].dtype;
  expectDType(dtype, arithmeticTypes, 'input 0');
  for (const t of present) {
    if (t.dtype !== dtype) throw new KernelError(`inputs have different dtypes: ${dtype} and ${t.dtype}`);
  }
  return present;
}

export const Sum: ReferenceKernel = {
  op: 'Sum',
  infer(inputs) {
    const present = presentInputs(inputs);
    const dims = present.reduce<number[]>((acc, t) => broadcastDims(acc, t.dims), []);
    return [{ dtype: present[0].dtype, dims }];
  },
  run(inputs) {
    const [first, ...rest] = presentInputs(inputs);
    if (rest.length === 0) return [{ dtype: first.dtype, dims: [...first.dims], data: first.data.slice() }];
    return [rest.reduce(addTensors, first)];
  },
};
