/**
 * Range: the 1-D sequence start, start + delta, … up to (not including) limit, from three
 * scalars of one numeric dtype; max(ceil((limit - start) / delta), 0) elements. The output's
 * length depends on the values, so `infer` needs all three to be constants (they usually come
 * from folded shape arithmetic).
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo, ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import { allocData, isBigIntType, numberAt, type Tensor } from '../../tensor/tensor.js';
import { arithmeticTypes } from './broadcast.js';

function scalars(inputs: readonly (Tensor | undefined)[]): [number, number, number] {
  const named = ['start', 'limit', 'delta'].map((what, i) => {
    const t = required(inputs, i, what);
    if (t.data.length !== 1) throw new KernelError(`Range ${what} must be a scalar, got ${t.data.length} elements`);
    return numberAt(t, 0);
  });
  if (named[2] === 0) throw new KernelError('Range delta must not be 0');
  return named as [number, number, number];
}

function lengthOf(start: number, limit: number, delta: number): number {
  return Math.max(Math.ceil((limit - start) / delta), 0);
}

export const Range: ReferenceKernel = {
  op: 'Range',
  infer(inputs) {
    const start = required(inputs, 0, 'start');
    expectDType(start.dtype, arithmeticTypes, 'Range start');
    for (const [i, what] of [[1, 'limit'], [2, 'delta']] as const) {
      if (required(inputs, i, what).dtype !== start.dtype) throw new KernelError(`Range ${what} has dtype ${inputs[i]!.dtype}; start has ${start.dtype}`);
    }
    const values = inputs.slice(0, 3).map((i: InputInfo | undefined) => i?.value);
    if (values.some((v) => v === undefined)) {
      throw new KernelError('Range start, limit and delta must be constants to plan the output length',
        'bind the dimensions they come from (--dim) so that they fold at compile time');
    }
    return [{ dtype: start.dtype, dims: [lengthOf(...scalars(values))] }];
  },
  run(inputs) {
    const [start, limit, delta] = scalars(inputs);
    const dtype = required(inputs, 0, 'start').dtype;
    const n = lengthOf(start, limit, delta);
    const out = allocData(dtype, n);
    if (isBigIntType(dtype)) {
      const s = BigInt(start), d = BigInt(delta);
      for (let i = 0; i < n; i++) (out as BigInt64Array)[i] = s + BigInt(i) * d;
    } else {
      for (let i = 0; i < n; i++) (out as Float64Array)[i] = start + i * delta;
    }
    return [{ dtype, dims: [n], data: out }];
  },
};
