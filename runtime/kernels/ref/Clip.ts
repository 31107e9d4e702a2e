/**
 * Clip: y = min(max(x, min), max), with `min` and `max` as optional scalar inputs 1 and 2 (the
 * importer turns opset < 11 attributes into inputs). Works on float and integer dtypes; when
 * min > max every element becomes max, as numpy.clip gives.
 */
import { KernelError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { allocData, isBigIntType } from '../../tensor/tensor.js';
import type { BigIntArray, NumberArray } from './broadcast.js';
import { arithmeticTypes } from './broadcast.js';

// Math.min/max compile branch-free, which matters on activations of random sign; they also
// pass NaN through and give `high` everywhere when low > high.
function clipNumbers(src: NumberArray, dst: NumberArray, low: number, high: number): void {
  for (let i = 0; i < src.length; i++) dst[i] = Math.min(Math.max(src[i], low), high);
}

function clipBigInts(src: BigIntArray, dst: BigIntArray, low: bigint | undefined, high: bigint | undefined): void {
  for (let i = 0; i < src.length; i++) {
    let v = src[i];
    if (low !== undefined && v < low) v = low;
    if (high !== undefined && v > high) v = high;
    dst[i] = v;
  }
}

/** The single value of a min/max input, checked against the data's dtype. */
function bound(x: Tensor, t: Tensor | undefined, what: string): number | bigint | undefined {
  if (t === undefined) return undefined;
  if (t.dtype !== x.dtype) throw new KernelError(`${what} has dtype ${t.dtype} but input has ${x.dtype}`);
  if (t.data.length !== 1) throw new KernelError(`${what} must be a scalar, got ${t.data.length} elements`);
  return t.data[0];
}

export const Clip: ReferenceKernel = {
  op: 'Clip',
  infer(inputs) {
    const x = required(inputs, 0, 'input');
    expectDType(x.dtype, arithmeticTypes, 'input');
    for (const [index, what] of [[1, 'min'], [2, 'max']] as const) {
      const t = inputs[index];
      if (t !== undefined && t.dtype !== x.dtype) throw new KernelError(`${what} has dtype ${t.dtype} but input has ${x.dtype}`);
    }
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },
  run(inputs) {
    const x = required(inputs, 0, 'input');
    expectDType(x.dtype, arithmeticTypes, 'input');
    const low = bound(x, inputs[1], 'min');
    const high = bound(x, inputs[2], 'max');
    const out = allocData(x.dtype, x.data.length);
    if (isBigIntType(x.dtype)) {
      clipBigInts(x.data as BigIntArray, out as BigIntArray, low as bigint | undefined, high as bigint | undefined);
    } else {
      clipNumbers(x.data as NumberArray, out as NumberArray, (low as number | undefined) ?? -Infinity, (high as number | undefined) ?? Infinity);
    }
    return [{ dtype: x.dtype, dims: [...x.dims], data: out }];
  },
};
