/**
 * Sub: C = A - B with numpy broadcasting, for float and integer dtypes (equal dtypes in, same
 * dtype out). Integer results wrap like C (uint8 1 - 2 = 255); int64 is exact as BigInt.
 */
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import { isBigIntType } from '../../tensor/tensor.js';
import type { BigIntArray, BinaryLoops, NumberArray } from './broadcast.js';
import { broadcastBinary, inferArithmetic } from './broadcast.js';

const subNumbers: BinaryLoops<NumberArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] - b[bi + i * bStep];
  },
};

const subBigInts: BinaryLoops<BigIntArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] - b[bi + i * bStep];
  },
};

export const Sub: ReferenceKernel = {
  op: 'Sub',
  infer: inferArithmetic,
  run(inputs) {
    const a = required(inputs, 0, 'A');
    const b = required(inputs, 1, 'B');
    return [isBigIntType(a.dtype) ? broadcastBinary(a, b, subBigInts) : broadcastBinary(a, b, subNumbers)];
  },
};
