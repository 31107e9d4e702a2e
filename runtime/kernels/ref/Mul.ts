/**
 * Mul: C = A * B with numpy broadcasting, for float and integer dtypes (equal dtypes in, same
 * dtype out). Integer results wrap like C; int64 is exact as BigInt.
 */
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import type { DType, Tensor } from '../../tensor/tensor.js';
import { isBigIntType } from '../../tensor/tensor.js';
import type { BigIntArray, BinaryLoops, NumberArray } from './broadcast.js';
import { broadcastBinary, inferArithmetic } from './broadcast.js';

const mulNumbers: BinaryLoops<NumberArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] * b[bi + i * bStep];
  },
};

// A 32-bit product can pass 2^53, where a double drops the low bits that wrapping keeps;
// Math.imul keeps them (and the store into a Uint32Array reinterprets the sign).
const mul32BitInts: BinaryLoops<NumberArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = Math.imul(a[i], b[i]);
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = Math.imul(a[ai + i * aStep], b[bi + i * bStep]);
  },
};

const mulBigInts: BinaryLoops<BigIntArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] * b[bi + i * bStep];
  },
};

function multiply(a: Tensor, b: Tensor, dtype: DType): Tensor {
  if (isBigIntType(dtype)) return broadcastBinary(a, b, mulBigInts);
  if (dtype === 'int32' || dtype === 'uint32') return broadcastBinary(a, b, mul32BitInts);
  return broadcastBinary(a, b, mulNumbers);
}

export const Mul: ReferenceKernel = {
  op: 'Mul',
  infer: inferArithmetic,
  run(inputs) {
    const a = required(inputs, 0, 'A');
    return [multiply(a, required(inputs, 1, 'B'), a.dtype)];
  },
};
