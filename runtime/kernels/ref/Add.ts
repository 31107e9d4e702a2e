/**
 * Add: C = A + B with numpy broadcasting, for float and integer dtypes (equal dtypes in, same
 * dtype out). Integer results wrap like C; int64 is added exactly as BigInt. `addTensors` is
 * shared with Sum.
 */
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { isBigIntType } from '../../tensor/tensor.js';
import type { BigIntArray, BinaryLoops, NumberArray } from './broadcast.js';
import { broadcastBinary, inferArithmetic } from './broadcast.js';

const addNumbers: BinaryLoops<NumberArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] + b[bi + i * bStep];
  },
};

const addBigInts: BinaryLoops<BigIntArray> = {
  same(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  },
  strided(out, a, b, o, ai, aStep, bi, bStep, n) {
    for (let i = 0; i < n; i++) out[o + i] = a[ai + i * aStep] + b[bi + i * bStep];
  },
};

export function addTensors(a: Tensor, b: Tensor): Tensor {
  return isBigIntType(a.dtype) ? broadcastBinary(a, b, addBigInts) : broadcastBinary(a, b, addNumbers);
}

export const Add: ReferenceKernel = {
  op: 'Add',
  infer: inferArithmetic,
  run: (inputs) => [addTensors(required(inputs, 0, 'A'), required(inputs, 1, 'B'))],
};
