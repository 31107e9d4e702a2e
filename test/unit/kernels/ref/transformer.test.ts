/**
 * Unit tests for the reference kernels transformers and text encoders need: LayerNormalization,
 * Gelu, Erf, the float math (Pow, Sqrt, Exp, Reciprocal, Neg, Ceil), comparisons and Where,
 * Expand, Range, Cast, Size and the reductions, with hand-computed values.
 */
import assert from 'node:assert/strict';
import { Cast } from '../../../../runtime/kernels/ref/Cast.js';
import { Ceil } from '../../../../runtime/kernels/ref/Ceil.js';
import { Equal } from '../../../../runtime/kernels/ref/Equal.js';
import { Erf, erf } from '../../../../runtime/kernels/ref/Erf.js';
import { Exp } from '../../../../runtime/kernels/ref/Exp.js';
import { Expand } from '../../../../runtime/kernels/ref/Expand.js';
import { Gelu } from '../../../../runtime/kernels/ref/Gelu.js';
import { Greater } from '../../../../runtime/kernels/ref/Greater.js';
import { LayerNormalization } from '../../../../runtime/kernels/ref/LayerNormalization.js';
import { Less } from '../../../../runtime/kernels/ref/Less.js';
import { Neg } from '../../../../runtime/kernels/ref/Neg.js';
import { Pow } from '../../../../runtime/kernels/ref/Pow.js';
import { Range } from '../../../../runtime/kernels/ref/Range.js';
import { Reciprocal } from '../../../../runtime/kernels/ref/Reciprocal.js';
import { ReduceMax } from '../../../../runtime/kernels/ref/ReduceMax.js';
import { ReduceSum } from '../../../../runtime/kernels/ref/ReduceSum.js';
import { Size } from '../../../../runtime/kernels/ref/Size.js';
import { Sqrt } from '../../../../runtime/kernels/ref/Sqrt.js';
import { Where } from '../../../../runtime/kernels/ref/Where.js';
import { KernelError, UnsupportedError } from '../../../../runtime/errors/errors.js';
import type { Tensor } from '../../../../runtime/tensor/tensor.js';
import { fromNumbers, toNumbers } from '../../../../runtime/tensor/tensor.js';

const f32 = (dims: number[], values: number[]): Tensor => fromNumbers('float32', dims, values);
const i64 = (dims: number[], values: number[]): Tensor => fromNumbers('int64', dims, values);
const bool = (dims: number[], values: number[]): Tensor => fromNumbers('bool', dims, values);

function assertClose(actual: Tensor, expected: number[], tolerance = 1e-6): void {
  const got = toNumbers(actual);
  assert.equal(got.length, expected.length, `length ${got.length} vs ${expected.length}`);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `element ${i}: ${v} vs ${expected[i]}`));
}

describe('ref transformer kernels', () => {
  describe('Erf and Gelu', () => {
    it('erf matches tabulated values to 1e-12 on both sides of the series/continued-fraction switch', () => {
      const table: [number, number][] = [
        [0, 0], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
        [2, 0.9953222650189527], [2.4, 0.9993114861033549], [2.6, 0.9997639655834707], [3.5, 0.9999992569016276],
        [6, 1],
      ];
      for (const [x, y] of table) {
        assert.ok(Math.abs(erf(x) - y) < 1e-12, `erf(${x}) = ${erf(x)}, want ${y}`);
        assert.ok(Math.abs(erf(-x) + y) < 1e-12, `erf is odd at ${x}`);
      }
      assert.ok(Number.isNaN(erf(NaN)));
      assertClose(Erf.run([f32([2], [1, -0.5])], {})[0], [0.8427007929497149, -0.5204998778130465]);
    });

    it('Gelu is exact by default and honours approximate = "tanh"', () => {
      const x = [-1, 0, 1, 3];
      const exact = x.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
      const tanh = x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
      assertClose(Gelu.run([f32([4], x)], {})[0], exact);
      assertClose(Gelu.run([f32([4], x)], { approximate: 'tanh' })[0], tanh);
      assert.notEqual(exact[0], tanh[0]);
      assert.throws(() => Gelu.run([f32([1], [1])], { approximate: 'sigmoid' }), KernelError);
    });
  });

  describe('LayerNormalization', () => {
    it('normalises over the last axis with scale and bias, and returns Mean and InvStdDev', () => {
      const x = f32([2, 3], [1, 2, 3, 2, 4, 6]);
      const [y, mean, invStd] = LayerNormalization.run([x, f32([3], [1, 2, 1]), f32([3], [0, 0, 1])], { epsilon: 0 });
      const s = Math.sqrt(2 / 3);
      assertClose(y, [-1 / s, 0, 1 / s + 1, -1 / s, 0, 1 / s + 1], 1e-5);
      assert.deepEqual(mean.dims, [2, 1]);
      assertClose(mean, [2, 4]);
      assertClose(invStd, [1 / s, 1 / (2 * s)], 1e-5);
    });

    it('normalises from axis on, with the default epsilon, and refuses a scale of the wrong shape', () => {
      const x = f32([2, 2], [0, 2, 4, 6]);
      const [y] = LayerNormalization.run([x, f32([2, 2], [1, 1, 1, 1])], { axis: 0 });
      const std = Math.sqrt(5 + 1e-5);
      assertClose(y, [-3 / std, -1 / std, 1 / std, 3 / std], 1e-6);
      assert.throws(() => LayerNormalization.infer([x, f32([3], [1, 1, 1])], {}), KernelError);
    });
  });

  describe('float math', () => {
    it('Pow broadcasts, squares exactly and takes an integer exponent', () => {
      assertClose(Pow.run([f32([2, 2], [1.5, -2, 3, 0.5]), f32([], [2])], {})[0], [2.25, 4, 9, 0.25], 0);
      assertClose(Pow.run([f32([2], [2, 9]), i64([2], [3, 0])], {})[0], [8, 1], 0);
      assertClose(Pow.run([f32([1], [4]), f32([1], [0.5])], {})[0], [2], 0);
    });

    it('Sqrt, Exp, Reciprocal and Ceil follow their formulas, NaN included', () => {
      const sqrt = toNumbers(Sqrt.run([f32([3], [4, 2, -1])], {})[0]);
      assert.deepEqual(sqrt.slice(0, 1), [2]);
      assert.ok(Math.abs(sqrt[1] - Math.SQRT2) < 1e-6 && Number.isNaN(sqrt[2]));
      assertClose(Exp.run([f32([2], [0, 1])], {})[0], [1, Math.E]);
      assertClose(Reciprocal.run([f32([2], [4, -0.5])], {})[0], [0.25, -2], 0);
      assertClose(Ceil.run([f32([4], [1.2, -1.2, 3, -0.5])], {})[0], [2, -1, 3, -0], 0);
    });

    it('Neg negates floats and int64 exactly, and refuses bool', () => {
      assertClose(Neg.run([f32([2], [1.5, -2])], {})[0], [-1.5, 2], 0);
      const big: Tensor = { dtype: 'int64', dims: [2], data: BigInt64Array.from([2n ** 60n + 1n, -3n]) };
      const [y] = Neg.run([big], {});
      assert.deepEqual([...(y.data as BigInt64Array)], [-(2n ** 60n) - 1n, 3n]);
      assert.throws(() => Neg.infer([bool([1], [1])], {}), KernelError);
    });
  });

  describe('comparisons and Where', () => {
    it('Equal, Less and Greater broadcast to bool', () => {
      const a = i64([2, 2], [1, 2, 3, 4]);
      const b = i64([2], [2, 2]);
      for (const [kernel, expected] of [[Equal, [0, 1, 0, 0]], [Less, [1, 0, 0, 0]], [Greater, [0, 0, 1, 1]]] as const) {
        const [y] = kernel.run([a, b], {});
        assert.equal(y.dtype, 'bool', kernel.op);
        assert.deepEqual(y.dims, [2, 2]);
        assert.deepEqual(toNumbers(y), expected, kernel.op);
      }
      assert.deepEqual(toNumbers(Equal.run([bool([2], [1, 0]), bool([2], [1, 1])], {})[0]), [1, 0]);
      assert.throws(() => Less.infer([a, f32([2], [1, 2])], {}), KernelError);
    });

    it('Where broadcasts condition, X and Y together (the attention mask shape)', () => {
      const condition = bool([1, 3], [1, 0, 1]);
      const [y] = Where.run([condition, f32([2, 1], [10, 20]), f32([], [-1])], {});
      assert.deepEqual(y.dims, [2, 3]);
      assert.deepEqual(toNumbers(y), [10, -1, 10, 20, -1, 20]);
      assert.throws(() => Where.infer([f32([1], [1]), f32([1], [1]), f32([1], [1])], {}), KernelError);
    });
  });

  describe('shape producers', () => {
    it('Expand broadcasts both ways and refuses incompatible shapes', () => {
      const [y] = Expand.run([f32([3, 1], [1, 2, 3]), i64([2], [1, 2])], {});
      assert.deepEqual(y.dims, [3, 2]);
      assert.deepEqual(toNumbers(y), [1, 1, 2, 2, 3, 3]);
      const [z] = Expand.run([f32([1, 2], [5, 6]), i64([3], [2, 1, 1])], {});
      assert.deepEqual(z.dims, [2, 1, 2]);
      assert.deepEqual(toNumbers(z), [5, 6, 5, 6]);
      assert.throws(() => Expand.run([f32([3], [1, 2, 3]), i64([1], [2])], {}), KernelError);
    });

    it('Range counts up and down in the start dtype, empty when the limit is behind', () => {
      const [up] = Range.run([i64([], [0]), i64([], [5]), i64([], [2])], {});
      assert.equal(up.dtype, 'int64');
      assert.deepEqual(toNumbers(up), [0, 2, 4]);
      assertClose(Range.run([f32([], [1]), f32([], [0]), f32([], [-0.25])], {})[0], [1, 0.75, 0.5, 0.25], 0);
      assert.deepEqual(Range.run([i64([], [3]), i64([], [1]), i64([], [1])], {})[0].dims, [0]);
      assert.throws(() => Range.infer([i64([], [0]), i64([], [5]), i64([], [1])], {}), KernelError);
    });

    it('Size counts elements of any dtype as an int64 scalar', () => {
      const [n] = Size.run([bool([2, 3, 4], new Array(24).fill(0))], {});
      assert.equal(n.dtype, 'int64');
      assert.deepEqual(n.dims, []);
      assert.deepEqual(toNumbers(n), [24]);
    });
  });

  describe('Cast', () => {
    const to = (dtype: number) => ({ to: dtype });
    it('truncates floats toward zero, maps anything to bool as x != 0, and bool to 0/1', () => {
      assert.deepEqual(toNumbers(Cast.run([f32([4], [1.9, -1.9, 0, 2.5])], to(7))[0]), [1, -1, 0, 2]);
      assert.deepEqual(toNumbers(Cast.run([f32([3], [0, -0.5, 3])], to(9))[0]), [0, 1, 1]);
      const [back] = Cast.run([bool([2], [1, 0])], to(1));
      assert.equal(back.dtype, 'float32');
      assert.deepEqual(toNumbers(back), [1, 0]);
    });

    it('keeps int64 beyond 2^53 exact between integer types', () => {
      const big: Tensor = { dtype: 'int64', dims: [1], data: BigInt64Array.from([2n ** 60n + 1n]) };
      const [y] = Cast.run([big], to(7));
      assert.equal((y.data as BigInt64Array)[0], 2n ** 60n + 1n);
    });

    it('refuses float16 and unknown targets by name', () => {
      assert.throws(() => Cast.run([f32([1], [1])], to(10)), (e: unknown) => e instanceof UnsupportedError && /FLOAT16/.test(String(e)));
      assert.throws(() => Cast.infer([f32([1], [1])], to(99)), KernelError);
    });
  });

  describe('reductions', () => {
    const x = f32([2, 3], [1, 5, 3, 4, 2, 6]);
    it('ReduceSum takes axes as an input, keeps dims by default, and honours noop_with_empty_axes', () => {
      const [rows] = ReduceSum.run([x, i64([1], [-1])], {});
      assert.deepEqual(rows.dims, [2, 1]);
      assert.deepEqual(toNumbers(rows), [9, 12]);
      const [all] = ReduceSum.run([x], { keepdims: 0 });
      assert.deepEqual([all.dims, toNumbers(all)], [[], [21]]);
      const [same] = ReduceSum.run([x], { noop_with_empty_axes: 1 });
      assert.deepEqual(toNumbers(same), toNumbers(x));
    });

    it('ReduceMax takes axes as an attribute and refuses an axis twice', () => {
      const [cols] = ReduceMax.run([x], { axes: [0], keepdims: 0 });
      assert.deepEqual([cols.dims, toNumbers(cols)], [[3], [4, 5, 6]]);
      assert.throws(() => ReduceMax.run([x], { axes: [1, -1] }), KernelError);
    });
  });
});
