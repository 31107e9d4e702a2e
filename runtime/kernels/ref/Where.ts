/**
 * Where: picks X where the bool `condition` is true and Y elsewhere, all three broadcast
 * together (numpy rules). X and Y share one dtype, which the output takes.
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo, ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import type { ValueInfo } from '../../tensor/tensor.js';
import { allocData, sizeOf } from '../../tensor/tensor.js';
import { broadcastDims, expandTo } from './broadcast.js';

function infer(inputs: readonly (InputInfo | undefined)[]): ValueInfo[] {
  const condition = required(inputs, 0, 'condition');
  const x = required(inputs, 1, 'X');
  const y = required(inputs, 2, 'Y');
  expectDType(condition.dtype, ['bool'], 'Where condition');
  if (x.dtype !== y.dtype) throw new KernelError(`Where X has dtype ${x.dtype} and Y ${y.dtype}; they must match`);
  return [{ dtype: x.dtype, dims: broadcastDims(condition.dims, broadcastDims(x.dims, y.dims)) }];
}

export const Where: ReferenceKernel = {
  op: 'Where',
  infer,
  run(inputs) {
    const [info] = infer(inputs);
    const [condition, x, y] = [0, 1, 2].map((i) => expandTo(inputs[i]!, info.dims));
    const out = allocData(info.dtype, sizeOf(info.dims)) as Float64Array; // element kind is irrelevant to picking
    const xs = x.data as Float64Array;
    const ys = y.data as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = condition.data[i] ? xs[i] : ys[i];
    return [{ ...info, data: out }];
  },
};
