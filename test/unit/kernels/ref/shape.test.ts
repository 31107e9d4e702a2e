/**
 * Unit tests for the shape and data-movement reference kernels, with hand-computed values for
 * every attribute, negative axes and the cases where `infer` needs a constant input.
 */
import assert from 'node:assert/strict';
import { Concat } from '../../../../runtime/kernels/ref/Concat.js';
import { Constant } from '../../../../runtime/kernels/ref/Constant.js';
import { ConstantOfShape } from '../../../../runtime/kernels/ref/ConstantOfShape.js';
import { Dropout } from '../../../../runtime/kernels/ref/Dropout.js';
import { Flatten } from '../../../../runtime/kernels/ref/Flatten.js';
import { Gather } from '../../../../runtime/kernels/ref/Gather.js';
import { Identity } from '../../../../runtime/kernels/ref/Identity.js';
import { Pad } from '../../../../runtime/kernels/ref/Pad.js';
import { Reshape } from '../../../../runtime/kernels/ref/Reshape.js';
import { Shape } from '../../../../runtime/kernels/ref/Shape.js';
import { Slice } from '../../../../runtime/kernels/ref/Slice.js';
import { Split } from '../../../../runtime/kernels/ref/Split.js';
import { Squeeze } from '../../../../runtime/kernels/ref/Squeeze.js';
import { Transpose } from '../../../../runtime/kernels/ref/Transpose.js';
import { Unsqueeze } from '../../../../runtime/kernels/ref/Unsqueeze.js';
import { KernelError } from '../../../../runtime/errors/errors.js';
import type { InputInfo } from '../../../../runtime/kernels/kernel.js';
import type { DType, Tensor } from '../../../../runtime/tensor/tensor.js';
import { fromNumbers, toNumbers } from '../../../../runtime/tensor/tensor.js';

function tensor(dtype: DType, dims: number[], values: number[]): Tensor {
  return fromNumbers(dtype, dims, values);
}

/** 0, 1, 2, ... in float32 with the given dims. */
function iota(dims: number[]): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return tensor('float32', dims, Array.from({ length: n }, (_, i) => i));
}

function ints(values: number[]): Tensor {
  return tensor('int64', [values.length], values);
}

/** An InputInfo for a constant tensor. */
function constant(t: Tensor): InputInfo {
  return { dtype: t.dtype, dims: t.dims, value: t };
}

function info(t: Tensor): InputInfo {
  return { dtype: t.dtype, dims: t.dims };
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

describe('ref shape kernels', () => {
  describe('Flatten', () => {
    it('splits dims at axis (default 1, negative, 0 and rank)', () => {
      const x = iota([2, 3, 4]);
      assert.deepEqual(Flatten.run([x], {})[0].dims, [2, 12]);
      assert.deepEqual(Flatten.run([x], { axis: -1 })[0].dims, [6, 4]);
      assert.deepEqual(Flatten.run([x], { axis: 0 })[0].dims, [1, 24]);
      assert.deepEqual(Flatten.infer([info(x)], { axis: 3 })[0].dims, [24, 1]);
      assert.deepEqual(toNumbers(Flatten.run([x], { axis: 2 })[0]), toNumbers(x));
      assert.throws(() => Flatten.infer([info(x)], { axis: 4 }), KernelError);
      assert.throws(() => Flatten.infer([info(x)], { axis: -4 }), KernelError);
    });
  });

  describe('Reshape', () => {
    const x = iota([2, 3, 4]);

    it('copies 0 dims and infers -1', () => {
      assert.deepEqual(Reshape.run([x, ints([0, -1])], {})[0].dims, [2, 12]);
      assert.deepEqual(Reshape.run([x, ints([-1, 0, 2])], {})[0].dims, [4, 3, 2]);
      assert.deepEqual(Reshape.infer([info(x), constant(ints([4, 6]))], {})[0], { dtype: 'float32', dims: [4, 6] });
    });

    it('takes 0 literally with allowzero = 1', () => {
      const empty = tensor('float32', [0, 3], []);
      assert.deepEqual(Reshape.run([empty, ints([3, 0])], { allowzero: 1 })[0].dims, [3, 0]);
      assert.throws(() => Reshape.run([x, ints([0, 24])], { allowzero: 1 }), KernelError);
    });

    it('rejects bad shapes and a non-constant shape in infer', () => {
      assert.throws(() => Reshape.run([x, ints([5, -1])], {}), /no integer value/);
      assert.throws(() => Reshape.run([x, ints([-1, -1])], {}), /more than one -1/);
      assert.throws(() => Reshape.run([x, ints([25])], {}), KernelError);
      assert.throws(() => Reshape.infer([info(x), { dtype: 'int64', dims: [2] }], {}), /must be a constant/);
    });
  });

  describe('Transpose', () => {
    it('reverses dims by default', () => {
      const [y] = Transpose.run([iota([2, 3])], {});
      assert.deepEqual(y.dims, [3, 2]);
      assert.deepEqual(toNumbers(y), [0, 3, 1, 4, 2, 5]);
    });

    it('follows perm, for any dtype', () => {
      const x = tensor('int64', [2, 2, 3], Array.from({ length: 12 }, (_, i) => i));
      const [y] = Transpose.run([x], { perm: [1, 0, 2] });
      assert.deepEqual(y.dims, [2, 2, 3]);
      assert.deepEqual(toNumbers(y), [0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11]);
      const [z] = Transpose.run([x], { perm: [0, 2, 1] });
      assert.deepEqual(toNumbers(z), [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]);
      assert.throws(() => Transpose.infer([info(x)], { perm: [0, 0, 1] }), KernelError);
    });
  });

  describe('Concat', () => {
    it('joins on a negative axis', () => {
      const [y] = Concat.run([iota([2, 2]), tensor('float32', [2, 1], [9, 8])], { axis: -1 });
      assert.deepEqual(y.dims, [2, 3]);
      assert.deepEqual(toNumbers(y), [0, 1, 9, 2, 3, 8]);
    });

    it('joins int64 on axis 0 and accepts empty inputs', () => {
      const [y] = Concat.run([ints([1, 2]), ints([]), ints([3])], { axis: 0 });
      assert.deepEqual([...(y.data as BigInt64Array)], [1n, 2n, 3n]);
    });

    it('rejects mismatched dims, dtypes and a missing axis', () => {
      assert.throws(() => Concat.infer([info(iota([2, 2])), info(iota([3, 3]))], { axis: 0 }), /cannot concatenate/);
      assert.throws(() => Concat.infer([info(iota([2])), info(ints([1]))], { axis: 0 }), /different dtypes/);
      assert.throws(() => Concat.infer([info(iota([2]))], {}), /axis/);
    });
  });

  describe('Split', () => {
    const x = iota([2, 5]);

    it('uses the split input on a negative axis', () => {
      const parts = Split.run([x, ints([2, 0, 3])], { axis: -1 });
      assert.deepEqual(parts.map((p) => p.dims), [[2, 2], [2, 0], [2, 3]]);
      assert.deepEqual(toNumbers(parts[0]), [0, 1, 5, 6]);
      assert.deepEqual(toNumbers(parts[2]), [2, 3, 4, 7, 8, 9]);
    });

    it('splits into num_outputs parts, the last smaller, on axis 0 by default', () => {
      const parts = Split.run([x], { axis: 1, num_outputs: 2 });
      assert.deepEqual(parts.map((p) => p.dims), [[2, 3], [2, 2]]);
      assert.deepEqual(toNumbers(parts[1]), [3, 4, 8, 9]);
      assert.deepEqual(Split.infer([info(x)], { num_outputs: 2 }).map((p) => p.dims), [[1, 5], [1, 5]]);
    });

    it('rejects sizes that do not add up, no sizes at all, and a non-constant split in infer', () => {
      assert.throws(() => Split.run([x, ints([1, 1])], { axis: 1 }), /do not add up/);
      assert.throws(() => Split.run([x], {}), /num_outputs/);
      assert.throws(() => Split.infer([info(x), { dtype: 'int64', dims: [2] }], {}), /must be a constant/);
    });
  });

  describe('Slice', () => {
    const x = iota([3, 4]);

    it('slices with default axes and steps', () => {
      const [y] = Slice.run([x, ints([1, 1]), ints([3, 3])], {});
      assert.deepEqual(y.dims, [2, 2]);
      assert.deepEqual(toNumbers(y), [5, 6, 9, 10]);
    });

    it('walks negative steps and clamps INT64_MIN / INT64_MAX ends', () => {
      const reverse = { dtype: 'int64' as const, dims: [1], data: BigInt64Array.from([INT64_MIN]) };
      const [y] = Slice.run([x, ints([-1]), reverse, ints([1]), ints([-1])], {});
      assert.deepEqual(y.dims, [3, 4]);
      assert.deepEqual(toNumbers(y), [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]);
      const toEnd = { dtype: 'int64' as const, dims: [1], data: BigInt64Array.from([INT64_MAX]) };
      assert.deepEqual(toNumbers(Slice.run([x, ints([2]), toEnd, ints([1])], {})[0]), [2, 3, 6, 7, 10, 11]);
    });

    it('takes every second element backwards on a negative axis', () => {
      const [y] = Slice.run([x, ints([3]), ints([-5]), ints([-1]), ints([-2])], {});
      assert.deepEqual(y.dims, [3, 2]);
      assert.deepEqual(toNumbers(y), [3, 1, 7, 5, 11, 9]);
    });

    it('clamps out-of-range starts to an empty result and accepts int32 indices', () => {
      assert.deepEqual(Slice.run([x, ints([10]), ints([20]), ints([0])], {})[0].dims, [0, 4]);
      const i32 = (v: number) => tensor('int32', [1], [v]);
      assert.deepEqual(toNumbers(Slice.run([x, i32(1), i32(2), i32(0), i32(1)], {})[0]), [4, 5, 6, 7]);
    });

    it('rejects step 0, repeated axes and non-constant inputs in infer', () => {
      assert.throws(() => Slice.run([x, ints([0]), ints([1]), ints([0]), ints([0])], {}), /step cannot be 0/);
      assert.throws(() => Slice.run([x, ints([0, 0]), ints([1, 1]), ints([1, -1])], {}), /appears twice/);
      assert.throws(() => Slice.infer([info(x), constant(ints([0])), { dtype: 'int64', dims: [1] }], {}), /input 2 \(ends\) must be a constant/);
      assert.deepEqual(Slice.infer([info(x), constant(ints([1])), constant(ints([3])), constant(ints([-1]))], {})[0].dims, [3, 2]);
    });
  });

  describe('Pad', () => {
    const x = tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]);

    it('pads with a constant value', () => {
      const [y] = Pad.run([x, ints([1, 0, 0, 1]), tensor('float32', [], [9])], { mode: 'constant' });
      assert.deepEqual(y.dims, [3, 4]);
      assert.deepEqual(toNumbers(y), [9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6, 9]);
      assert.deepEqual(toNumbers(Pad.run([x, ints([0, 1, 0, 0])], {})[0]), [0, 1, 2, 3, 0, 4, 5, 6]);
    });

    it('reflects and repeats edges', () => {
      const row = tensor('float32', [1, 3], [1, 2, 3]);
      assert.deepEqual(toNumbers(Pad.run([row, ints([0, 2, 0, 2])], { mode: 'reflect' })[0]), [3, 2, 1, 2, 3, 2, 1]);
      assert.deepEqual(toNumbers(Pad.run([row, ints([0, 2, 0, 1])], { mode: 'edge' })[0]), [1, 1, 1, 2, 3, 3]);
      assert.deepEqual(toNumbers(Pad.run([row, ints([0, 2, 0, 1])], { mode: 'wrap' })[0]), [2, 3, 1, 2, 3, 1]);
    });

    it('crops with negative pads and pads only the listed axes', () => {
      assert.deepEqual(toNumbers(Pad.run([x, ints([0, -1, 0, -1])], {})[0]), [2, 5]);
      const [y] = Pad.run([x, ints([1, 0]), undefined, ints([-1])], { mode: 'edge' });
      assert.deepEqual(y.dims, [2, 4]);
      assert.deepEqual(toNumbers(y), [1, 1, 2, 3, 4, 4, 5, 6]);
    });

    it('pads int64 with a bigint constant', () => {
      const [y] = Pad.run([ints([1, 2]), ints([1, 1]), tensor('int64', [], [-1])], {});
      assert.deepEqual([...(y.data as BigInt64Array)], [-1n, 1n, 2n, -1n]);
    });

    it('rejects an unknown mode, bad pads and a non-constant pads input in infer', () => {
      assert.throws(() => Pad.run([x, ints([0, 0, 0, 0])], { mode: 'mirror' }), /mode/);
      assert.throws(() => Pad.run([x, ints([1, 1])], {}), /pads has 2 values/);
      assert.throws(() => Pad.infer([info(x), { dtype: 'int64', dims: [4] }], {}), /must be a constant/);
      assert.deepEqual(Pad.infer([info(x), constant(ints([1, 1, 1, 1]))], {})[0].dims, [4, 5]);
    });
  });

  describe('Gather', () => {
    const data = iota([3, 2]);

    it('gathers rows with negative indices on axis 0', () => {
      const [y] = Gather.run([data, ints([2, -3])], {});
      assert.deepEqual(y.dims, [2, 2]);
      assert.deepEqual(toNumbers(y), [4, 5, 0, 1]);
    });

    it('gathers along axis 1 with 2-D int32 indices and a scalar index', () => {
      const [y] = Gather.run([data, tensor('int32', [2, 2], [1, 0, 1, 1])], { axis: -1 });
      assert.deepEqual(y.dims, [3, 2, 2]);
      assert.deepEqual(toNumbers(y), [1, 0, 1, 1, 3, 2, 3, 3, 5, 4, 5, 5]);
      const [z] = Gather.run([data, tensor('int64', [], [1])], { axis: 0 });
      assert.deepEqual(z.dims, [2]);
      assert.deepEqual(toNumbers(z), [2, 3]);
    });

    it('rejects out-of-range indices and float indices', () => {
      assert.throws(() => Gather.run([data, ints([3])], {}), /out of range/);
      assert.throws(() => Gather.infer([info(data), { dtype: 'float32', dims: [1] }], {}), KernelError);
    });
  });

  describe('Shape', () => {
    const x = iota([2, 3, 4, 5]);

    it('gives all dims as int64 by default', () => {
      const [y] = Shape.run([x], {});
      assert.equal(y.dtype, 'int64');
      assert.deepEqual([...(y.data as BigInt64Array)], [2n, 3n, 4n, 5n]);
    });

    it('honours start and end, negative and clamped', () => {
      assert.deepEqual(toNumbers(Shape.run([x], { start: 1, end: -1 })[0]), [3, 4]);
      assert.deepEqual(toNumbers(Shape.run([x], { start: -1 })[0]), [5]);
      assert.deepEqual(toNumbers(Shape.run([x], { start: -10, end: 10 })[0]), [2, 3, 4, 5]);
      assert.deepEqual(Shape.infer([info(x)], { start: 3, end: 1 }), [{ dtype: 'int64', dims: [0] }]);
    });
  });

  describe('Squeeze and Unsqueeze', () => {
    it('Squeeze removes listed (negative) axes or every 1', () => {
      const x = iota([1, 3, 1, 2]);
      assert.deepEqual(Squeeze.run([x, ints([-2])], {})[0].dims, [1, 3, 2]);
      assert.deepEqual(Squeeze.run([x], {})[0].dims, [3, 2]);
      assert.deepEqual(Squeeze.infer([info(x), constant(ints([0, 2]))], {})[0].dims, [3, 2]);
      assert.throws(() => Squeeze.run([x, ints([1])], {}), /size is not 1/);
      assert.throws(() => Squeeze.infer([info(x), { dtype: 'int64', dims: [1] }], {}), /must be a constant/);
    });

    it('Unsqueeze inserts at output positions, unsorted and negative', () => {
      const x = iota([3, 4]);
      assert.deepEqual(Unsqueeze.run([x, ints([0])], {})[0].dims, [1, 3, 4]);
      assert.deepEqual(Unsqueeze.run([x, ints([3, 0])], {})[0].dims, [1, 3, 4, 1]);
      assert.deepEqual(Unsqueeze.run([x, ints([-1])], {})[0].dims, [3, 4, 1]);
      assert.deepEqual(Unsqueeze.infer([info(x), constant(ints([1, -2]))], {})[0].dims, [3, 1, 1, 4]);
      assert.throws(() => Unsqueeze.run([x, ints([1, -3])], {}), /twice/);
      assert.throws(() => Unsqueeze.infer([info(x), { dtype: 'int64', dims: [1] }], {}), /must be a constant/);
    });
  });

  describe('Identity and Dropout', () => {
    it('Identity gives the input back', () => {
      const x = ints([1, 2]);
      assert.equal(Identity.run([x], {})[0], x);
      assert.deepEqual(Identity.infer([info(x)], {}), [{ dtype: 'int64', dims: [2] }]);
    });

    it('Dropout is the identity at inference with an all-true mask', () => {
      const x = iota([2, 2]);
      const [y, mask] = Dropout.run([x, tensor('float32', [], [0.3])], {});
      assert.deepEqual(toNumbers(y), [0, 1, 2, 3]);
      assert.equal(mask.dtype, 'bool');
      assert.deepEqual([...mask.data], [1, 1, 1, 1]);
      assert.deepEqual(Dropout.infer([info(x)], {}).map((i) => i.dtype), ['float32', 'bool']);
    });

    it('Dropout refuses a random training mask but allows ratio 0 in training', () => {
      const x = iota([2]);
      const on = tensor('bool', [], [1]);
      assert.throws(() => Dropout.run([x, undefined, on], {}), /random mask/);
      assert.throws(() => Dropout.infer([info(x), undefined, constant(on)], {}), /random mask/);
      assert.deepEqual(toNumbers(Dropout.run([x, tensor('float32', [], [0]), on], {})[0]), [0, 1]);
    });
  });

  describe('Constant and ConstantOfShape', () => {
    it('Constant gives each kind of value attribute', () => {
      const t = ints([4, 5]);
      assert.equal(Constant.run([], { value: t })[0], t);
      const [f] = Constant.run([], { value_float: 1.5 });
      assert.deepEqual([f.dtype, f.dims, toNumbers(f)], ['float32', [], [1.5]]);
      const [fs] = Constant.run([], { value_floats: [1, 2] });
      assert.deepEqual([fs.dtype, fs.dims, toNumbers(fs)], ['float32', [2], [1, 2]]);
      const [i] = Constant.run([], { value_int: 7 });
      assert.deepEqual([i.dtype, i.dims, toNumbers(i)], ['int64', [], [7]]);
      const [is] = Constant.run([], { value_ints: [3, -1] });
      assert.deepEqual([is.dtype, is.dims, toNumbers(is)], ['int64', [2], [3, -1]]);
      assert.deepEqual(Constant.infer([], { value_ints: [1, 2, 3] }), [{ dtype: 'int64', dims: [3] }]);
    });

    it('Constant rejects strings, several values or none', () => {
      assert.throws(() => Constant.run([], { value_string: 'x' }), /not supported/);
      assert.throws(() => Constant.run([], { value_int: 1, value_float: 1 }), /exactly one/);
      assert.throws(() => Constant.run([], {}), /exactly one/);
    });

    it('ConstantOfShape fills with float32 0 by default or the value tensor', () => {
      const [z] = ConstantOfShape.run([ints([2, 1])], {});
      assert.deepEqual([z.dtype, z.dims, toNumbers(z)], ['float32', [2, 1], [0, 0]]);
      const [v] = ConstantOfShape.run([ints([3])], { value: tensor('int64', [1], [7]) });
      assert.deepEqual([...(v.data as BigInt64Array)], [7n, 7n, 7n]);
      const [s] = ConstantOfShape.run([ints([])], { value: tensor('float64', [1], [2]) });
      assert.deepEqual([s.dtype, s.dims, toNumbers(s)], ['float64', [], [2]]);
      assert.deepEqual(ConstantOfShape.infer([constant(ints([0, 3]))], {}), [{ dtype: 'float32', dims: [0, 3] }]);
      assert.throws(() => ConstantOfShape.infer([{ dtype: 'int64', dims: [2] }], {}), /must be a constant/);
      assert.throws(() => ConstantOfShape.run([ints([-1])], {}), KernelError);
    });
  });
});
