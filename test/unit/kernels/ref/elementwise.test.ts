/**
 * Unit tests for the elementwise reference kernels: activations, Clip, Add/Sub/Mul/Div and Sum,
 * with hand-computed values for broadcasting, integer wrapping and truncating division.
 */
import assert from 'node:assert/strict';
import { Add } from '../../../../runtime/kernels/ref/Add.js';
import { Clip } from '../../../../runtime/kernels/ref/Clip.js';
import { Div } from '../../../../runtime/kernels/ref/Div.js';
import { HardSigmoid } from '../../../../runtime/kernels/ref/HardSigmoid.js';
import { HardSwish } from '../../../../runtime/kernels/ref/HardSwish.js';
import { LeakyRelu } from '../../../../runtime/kernels/ref/LeakyRelu.js';
import { Mul } from '../../../../runtime/kernels/ref/Mul.js';
import { Relu } from '../../../../runtime/kernels/ref/Relu.js';
import { Sigmoid } from '../../../../runtime/kernels/ref/Sigmoid.js';
import { Sub } from '../../../../runtime/kernels/ref/Sub.js';
import { Sum } from '../../../../runtime/kernels/ref/Sum.js';
import { Tanh } from '../../../../runtime/kernels/ref/Tanh.js';
import { broadcastDims } from '../../../../runtime/kernels/ref/broadcast.js';
import { KernelError } from '../../../../runtime/errors/errors.js';
import type { DType, Tensor } from '../../../../runtime/tensor/tensor.js';
import { fromNumbers, toNumbers } from '../../../../runtime/tensor/tensor.js';

function tensor(dtype: DType, dims: number[], values: number[]): Tensor {
  return fromNumbers(dtype, dims, values);
}

function int64(dims: number[], values: bigint[]): Tensor {
  return { dtype: 'int64', dims, data: BigInt64Array.from(values) };
}

function assertClose(actual: Tensor, expected: number[], tolerance = 1e-6): void {
  const got = toNumbers(actual);
  assert.equal(got.length, expected.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `element ${i}: ${v} vs ${expected[i]}`));
}

describe('ref elementwise kernels', () => {
  describe('activations', () => {
    it('Relu zeroes negatives and keeps NaN', () => {
      const [y] = Relu.run([tensor('float32', [2, 2], [-1, 0, 2.5, NaN])], {});
      assert.deepEqual(y.dims, [2, 2]);
      assert.equal(y.dtype, 'float32');
      assert.deepEqual(toNumbers(y).slice(0, 3), [0, 0, 2.5]);
      assert.ok(Number.isNaN(toNumbers(y)[3]));
    });

    it('LeakyRelu uses alpha 0.01 by default and the attribute otherwise', () => {
      assertClose(LeakyRelu.run([tensor('float32', [3], [-2, 0, 3])], {})[0], [-0.02, 0, 3]);
      assertClose(LeakyRelu.run([tensor('float64', [2], [-2, 3])], { alpha: 0.5 })[0], [-1, 3]);
    });

    it('Sigmoid and Tanh match their formulas', () => {
      assertClose(Sigmoid.run([tensor('float32', [3], [0, 2, -2])], {})[0], [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))]);
      assertClose(Tanh.run([tensor('float64', [2], [0, 1])], {})[0], [0, Math.tanh(1)], 1e-15);
    });

    it('HardSigmoid defaults to alpha 0.2, beta 0.5 and honours both attributes', () => {
      assertClose(HardSigmoid.run([tensor('float32', [4], [-3, 0, 1, 3])], {})[0], [0, 0.5, 0.7, 1]);
      assertClose(HardSigmoid.run([tensor('float32', [3], [-1, 0, 1])], { alpha: 0.5, beta: 0.6 })[0], [0.1, 0.6, 1]);
    });

    it('HardSwish is x * hardsigmoid(x; 1/6, 1/2)', () => {
      assertClose(HardSwish.run([tensor('float32', [4], [-4, -1, 1, 4])], {})[0], [0, -1 / 3, 2 / 3, 4]);
    });

    it('activations reject integer inputs', () => {
      assert.throws(() => Relu.infer([{ dtype: 'int32', dims: [2] }], {}), KernelError);
      assert.throws(() => Sigmoid.run([tensor('int64', [1], [1])], {}), KernelError);
    });
  });

  describe('Clip', () => {
    it('clamps to optional min and max inputs', () => {
      const x = tensor('float32', [4], [-2, 0.5, 1, 3]);
      const lo = tensor('float32', [], [0]);
      const hi = tensor('float32', [], [1]);
      assertClose(Clip.run([x, lo, hi], {})[0], [0, 0.5, 1, 1]);
      assertClose(Clip.run([x, undefined, hi], {})[0], [-2, 0.5, 1, 1]);
      assertClose(Clip.run([x, lo], {})[0], [0, 0.5, 1, 3]);
      assertClose(Clip.run([x], {})[0], [-2, 0.5, 1, 3]);
    });

    it('gives max everywhere when min > max, as numpy.clip does', () => {
      const [y] = Clip.run([tensor('float32', [3], [-5, 0, 5]), tensor('float32', [], [2]), tensor('float32', [], [1])], {});
      assert.deepEqual(toNumbers(y), [1, 1, 1]);
    });

    it('works on int8 and int64', () => {
      const [y8] = Clip.run([tensor('int8', [3], [-100, 5, 100]), tensor('int8', [], [-10]), tensor('int8', [], [10])], {});
      assert.equal(y8.dtype, 'int8');
      assert.deepEqual(toNumbers(y8), [-10, 5, 10]);
      const [y64] = Clip.run([int64([3], [-(2n ** 62n), 7n, 2n ** 62n]), undefined, int64([], [9n])], {});
      assert.deepEqual([...(y64.data as BigInt64Array)], [-(2n ** 62n), 7n, 9n]);
    });

    it('rejects bounds of another dtype', () => {
      assert.throws(() => Clip.run([tensor('float32', [1], [1]), tensor('float64', [], [0])], {}), KernelError);
    });
  });

  describe('broadcasting', () => {
    it('computes numpy output dims', () => {
      assert.deepEqual(broadcastDims([2, 3, 4], [4]), [2, 3, 4]);
      assert.deepEqual(broadcastDims([2, 1, 4], [3, 1]), [2, 3, 4]);
      assert.deepEqual(broadcastDims([], [2, 2]), [2, 2]);
      assert.deepEqual(broadcastDims([0, 1], [1, 5]), [0, 5]);
      assert.throws(() => broadcastDims([2, 3], [4]), KernelError);
    });

    it('Add broadcasts a row, a column and both', () => {
      const m = tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(toNumbers(Add.run([m, tensor('float32', [3], [10, 20, 30])], {})[0]), [11, 22, 33, 14, 25, 36]);
      assert.deepEqual(toNumbers(Add.run([m, tensor('float32', [2, 1], [100, 200])], {})[0]), [101, 102, 103, 204, 205, 206]);
      const [outer] = Add.run([tensor('float32', [2, 1], [1, 2]), tensor('float32', [1, 3], [10, 20, 30])], {});
      assert.deepEqual(outer.dims, [2, 3]);
      assert.deepEqual(toNumbers(outer), [11, 21, 31, 12, 22, 32]);
    });

    it('Add broadcasts a per-channel bias over NCHW and a scalar on either side', () => {
      const x = tensor('float32', [1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
      const bias = tensor('float32', [1, 2, 1, 1], [10, 20]);
      assert.deepEqual(toNumbers(Add.run([x, bias], {})[0]), [10, 11, 12, 13, 24, 25, 26, 27]);
      const scalar = tensor('float32', [], [0.5]);
      assert.deepEqual(toNumbers(Add.run([scalar, x], {})[0]), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
      assert.deepEqual(Add.run([scalar, scalar], {})[0].dims, []);
    });

    it('Sub keeps operand order under broadcasting in a middle dim', () => {
      const a = tensor('float64', [2, 1, 2], [1, 2, 3, 4]);
      const b = tensor('float64', [3, 1], [10, 20, 30]);
      const [y] = Sub.run([a, b], {});
      assert.deepEqual(y.dims, [2, 3, 2]);
      assert.deepEqual(toNumbers(y), [-9, -8, -19, -18, -29, -28, -7, -6, -17, -16, -27, -26]);
    });

    it('handles empty outputs', () => {
      const [y] = Mul.run([tensor('float32', [0, 3], []), tensor('float32', [3], [1, 2, 3])], {});
      assert.deepEqual(y.dims, [0, 3]);
      assert.equal(y.data.length, 0);
    });

    it('infer gives broadcast dims and rejects mismatches', () => {
      assert.deepEqual(Add.infer([{ dtype: 'int32', dims: [4, 1] }, { dtype: 'int32', dims: [3] }], {}), [{ dtype: 'int32', dims: [4, 3] }]);
      assert.throws(() => Add.infer([{ dtype: 'float32', dims: [2] }, { dtype: 'float64', dims: [2] }], {}), /different dtypes/);
      assert.throws(() => Mul.infer([{ dtype: 'float32', dims: [2] }, { dtype: 'float32', dims: [3] }], {}), /cannot be broadcast/);
      assert.throws(() => Div.run([tensor('float32', [1], [1]), tensor('int32', [1], [1])], {}), KernelError);
      assert.throws(() => Add.infer([{ dtype: 'bool', dims: [1] }, { dtype: 'bool', dims: [1] }], {}), KernelError);
    });
  });

  describe('integer arithmetic', () => {
    it('wraps uint8 and int32 like C', () => {
      assert.deepEqual(toNumbers(Sub.run([tensor('uint8', [2], [1, 200]), tensor('uint8', [2], [2, 100])], {})[0]), [255, 100]);
      assert.deepEqual(toNumbers(Add.run([tensor('uint8', [1], [200]), tensor('uint8', [1], [100])], {})[0]), [44]);
      const [product] = Mul.run([tensor('int32', [1], [123456789]), tensor('int32', [1], [987654321])], {});
      assert.deepEqual(toNumbers(product), [Number(BigInt.asIntN(32, 123456789n * 987654321n))]);
      const [unsigned] = Mul.run([tensor('uint32', [1], [4000000000]), tensor('uint32', [1], [3])], {});
      assert.deepEqual(toNumbers(unsigned), [Number((4000000000n * 3n) % 2n ** 32n)]);
    });

    it('Div truncates toward zero for every integer dtype', () => {
      const a = [7, -7, 7, -7];
      const b = [2, 2, -2, -2];
      for (const dtype of ['int8', 'int16', 'int32'] as const) {
        assert.deepEqual(toNumbers(Div.run([tensor(dtype, [4], a), tensor(dtype, [4], b)], {})[0]), [3, -3, -3, 3]);
      }
      assert.deepEqual(toNumbers(Div.run([tensor('uint8', [2], [255, 7]), tensor('uint8', [], [2])], {})[0]), [127, 3]);
      const [big] = Div.run([int64([4], [7n, -7n, 2n ** 62n + 1n, -9n]), int64([1], [2n])], {});
      assert.deepEqual([...(big.data as BigInt64Array)], [3n, -3n, 2n ** 61n, -4n]);
    });

    it('Div by an integer zero is a KernelError; float division gives Infinity', () => {
      assert.throws(() => Div.run([tensor('int32', [2], [1, 2]), tensor('int32', [2], [1, 0])], {}), /division by zero/);
      assert.throws(() => Div.run([int64([1], [1n]), int64([], [0n])], {}), /division by zero/);
      assert.deepEqual(toNumbers(Div.run([tensor('float32', [2], [1, -3]), tensor('float32', [2], [0, 2])], {})[0]), [Infinity, -1.5]);
    });

    it('int64 arithmetic stays exact beyond 2^53 and wraps at 2^63', () => {
      const a = int64([2], [2n ** 60n + 1n, 2n ** 62n]);
      const b = int64([2], [3n, 2n]);
      assert.deepEqual([...(Add.run([a, b], {})[0].data as BigInt64Array)], [2n ** 60n + 4n, 2n ** 62n + 2n]);
      assert.deepEqual([...(Mul.run([a, b], {})[0].data as BigInt64Array)], [3n * 2n ** 60n + 3n, -(2n ** 63n)]);
      assert.deepEqual([...(Sub.run([b, int64([], [5n])], {})[0].data as BigInt64Array)], [-2n, -3n]);
    });
  });

  describe('Sum', () => {
    it('adds several inputs with broadcasting', () => {
      const [y] = Sum.run([tensor('float32', [2, 1], [1, 2]), tensor('float32', [3], [10, 20, 30]), tensor('float32', [], [100])], {});
      assert.deepEqual(y.dims, [2, 3]);
      assert.deepEqual(toNumbers(y), [111, 121, 131, 112, 122, 132]);
      assert.deepEqual(Sum.infer([{ dtype: 'float32', dims: [2, 1] }, { dtype: 'float32', dims: [3] }], {}), [{ dtype: 'float32', dims: [2, 3] }]);
    });

    it('copies a single input and rejects none or mixed dtypes', () => {
      const x = tensor('int64', [2], [1, 2]);
      const [y] = Sum.run([x], {});
      assert.notEqual(y.data, x.data);
      assert.deepEqual(toNumbers(y), [1, 2]);
      assert.throws(() => Sum.run([], {}), KernelError);
      assert.throws(() => Sum.infer([{ dtype: 'float32', dims: [1] }, { dtype: 'int32', dims: [1] }], {}), KernelError);
    });
  });
});
