/**
 * Div: C = A / B with numpy broadcasting, for float and integer dtypes (equal dtypes in, same
 * dtype out). Integer division truncates toward zero, as in C; an integer divisor of zero is a
 * KernelError rather than C's undefined behaviour. int64 is exact as BigInt.
 */
import { KernelError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import type { DType, Tensor } from '../../tensor/tensor.js';
import { isBigIntType, isFloatType } from '../../tensor/tensor.js';
import type { BigIntArray, BinaryLoops, NumberArray } from './broadcast.js';
import { broadcastBinary, inferArithmetic } from './broadcast.js';

const divFloats: BinaryLoops<NumberArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] / b[bi + i * bStep];
  },
};

function divisionByZero(): never {
  throw new KernelError('integer division by zero');
}

// For operands below 2^32 the double quotient never rounds across an integer, so truncating
// it gives the exact C quotient.
const divInts: BinaryLoops<NumberArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) {
      const d = b[i];
      if (d === 0) divisionByZero();
      out[i] = Math.trunc(a[i] / d);
    }
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) {
      const d = b[bi + i * bStep];
      if (d === 0) divisionByZero();
      out[o + i] = Math.trunc(a[ai + i * aStep] / d);
    }
  },
};

// BigInt division already truncates toward zero.
const divBigInts: BinaryLoops<BigIntArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) {
      const d = b[i];
      if (d === 0n) divisionByZero();
      out[i] = a[i] / d;
    }
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) {
      const d = b[bi + i * bStep];
      if (d === 0n) divisionByZero();
      out[o + i] = a[ai + i * aStep] / d;
    }
  },
};

function divide(a: Tensor, b: Tensor, dtype: DType): Tensor {
  if (isBigIntType(dtype)) return broadcastBinary(a, b, divBigInts);
  if (isFloatType(dtype)) return broadcastBinary(a, b, divFloats);
  return broadcastBinary(a, b, divInts);
}

export const Div: ReferenceKernel = {
  op: 'Div',
  infer: inferArithmetic,
  run(inputs) {
    const a = required(inputs, 0, 'A');
    return [divide(a, required(inputs, 1, 'B'), a.dtype)];
  },
};
