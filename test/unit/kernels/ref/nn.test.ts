/**
 * Unit tests for the neural-network reference kernels: Conv, Gemm, MatMul, BatchNormalization,
 * MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, LRN, Softmax, ReduceMean and the
 * window arithmetic they share. Expected values are worked out by hand or by naive loops written
 * here, independently of the kernels' loop structure.
 */
import assert from 'node:assert/strict';
import { KernelError } from '../../../../runtime/errors/errors.js';
import type { Attributes, ReferenceKernel } from '../../../../runtime/kernels/kernel.js';
import { AveragePool } from '../../../../runtime/kernels/ref/AveragePool.js';
import { BatchNormalization } from '../../../../runtime/kernels/ref/BatchNormalization.js';
import { Conv } from '../../../../runtime/kernels/ref/Conv.js';
import { Gemm } from '../../../../runtime/kernels/ref/Gemm.js';
import { GlobalAveragePool } from '../../../../runtime/kernels/ref/GlobalAveragePool.js';
import { GlobalMaxPool } from '../../../../runtime/kernels/ref/GlobalMaxPool.js';
import { LRN } from '../../../../runtime/kernels/ref/LRN.js';
import { MatMul } from '../../../../runtime/kernels/ref/MatMul.js';
import { MaxPool } from '../../../../runtime/kernels/ref/MaxPool.js';
import { ReduceMean } from '../../../../runtime/kernels/ref/ReduceMean.js';
import { Softmax } from '../../../../runtime/kernels/ref/Softmax.js';
import { windowGeometry } from '../../../../runtime/kernels/ref/window.js';
import { fromNumbers, sizeOf, toNumbers, type DType, type Tensor } from '../../../../runtime/tensor/tensor.js';

function f32(dims: number[], values: ArrayLike<number>): Tensor {
  return fromNumbers('float32', dims, values);
}

function iota(n: number, from = 1): number[] {
  return Array.from({ length: n }, (_, i) => i + from);
}

/** Deterministic values in [-1, 1). */
function randoms(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Runs `kernel`, checks that `infer` agreed with `run`, and returns output `index`. */
function run(kernel: ReferenceKernel, inputs: (Tensor | undefined)[], attrs: Attributes = {}, index = 0): Tensor {
  const infos = kernel.infer(inputs.map((t) => t && { dtype: t.dtype, dims: t.dims, value: t }), attrs);
  const outputs = kernel.run(inputs, attrs);
  assert.equal(outputs[index].dtype, infos[index].dtype, 'infer dtype');
  assert.deepEqual(outputs[index].dims, infos[index].dims, 'infer dims');
  return outputs[index];
}

function assertClose(actual: Tensor, dims: number[], expected: ArrayLike<number>, tolerance = 1e-5): void {
  assert.deepEqual(actual.dims, dims);
  const got = toNumbers(actual);
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) {
    const ok = Math.abs(got[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i]));
    assert.ok(ok, `element ${i}: got ${got[i]}, expected ${expected[i]}`);
  }
}

describe('window geometry', () => {
  it('computes floor and ceil output sizes with explicit pads', () => {
    const floor = windowGeometry([4, 4], [3, 3], { strides: [2, 2] });
    assert.deepEqual(floor.outputSize, [1, 1]);
    const ceil = windowGeometry([4, 4], [3, 3], { strides: [2, 2], ceil_mode: 1 });
    assert.deepEqual(ceil.outputSize, [2, 2]);
  });

  it('drops a ceil_mode window that would start in the end padding', () => {
    // (3 + 1 - 1) / 2 = 1.5 -> ceil gives 3 windows, but the third starts at 4, past input + pad begin.
    assert.deepEqual(windowGeometry([3], [1], { strides: [2], pads: [0, 1], ceil_mode: 1 }).outputSize, [2]);
  });

  it('splits SAME padding with the odd cell at the end (UPPER) or begin (LOWER)', () => {
    const upper = windowGeometry([6], [3], { strides: [2], auto_pad: 'SAME_UPPER' });
    assert.deepEqual([upper.outputSize, upper.padsBegin, upper.padsEnd], [[3], [0], [1]]);
    const lower = windowGeometry([6], [3], { strides: [2], auto_pad: 'SAME_LOWER' });
    assert.deepEqual([lower.outputSize, lower.padsBegin, lower.padsEnd], [[3], [1], [0]]);
  });

  it('uses dilated extent for SAME and VALID', () => {
    const same = windowGeometry([5], [3], { dilations: [2], auto_pad: 'SAME_UPPER' });
    assert.deepEqual([same.outputSize, same.padsBegin, same.padsEnd], [[5], [2], [2]]);
    assert.deepEqual(windowGeometry([7], [3], { dilations: [2], strides: [2], auto_pad: 'VALID' }).outputSize, [2]);
  });

  it('rejects bad attributes', () => {
    assert.throws(() => windowGeometry([4], [3], { pads: [1] }), KernelError);
    assert.throws(() => windowGeometry([4], [3], { strides: [0] }), KernelError);
    assert.throws(() => windowGeometry([4], [3], { auto_pad: 'SAME' }), KernelError);
    assert.throws(() => windowGeometry([2], [3], {}), KernelError);
  });
});

interface NaiveConv {
  x: Tensor;
  w: Tensor;
  bias?: Tensor;
  group: number;
  strides: number[];
  dilations: number[];
  pads: number[];
}

/** Direct definition of Conv for 1-3 spatial axes: every output sums its in-bounds taps. */
function naiveConv({ x, w, bias, group, strides, dilations, pads }: NaiveConv): { dims: number[]; data: number[] } {
  const rank = x.dims.length - 2;
  const widen = (v: readonly number[], fill: number) => [...new Array<number>(3 - rank).fill(fill), ...v];
  const [N, C] = x.dims;
  const [M, Cg] = w.dims;
  const inSize = widen(x.dims.slice(2), 1);
  const kSize = widen(w.dims.slice(2), 1);
  const s = widen(strides, 1);
  const d = widen(dilations, 1);
  const pb = widen(pads.slice(0, rank), 0);
  const pe = widen(pads.slice(rank), 0);
  const outSize = [0, 1, 2].map((a) => Math.floor((inSize[a] + pb[a] + pe[a] - (kSize[a] - 1) * d[a] - 1) / s[a]) + 1);
  const xv = toNumbers(x);
  const wv = toNumbers(w);
  const out: number[] = [];
  const Mg = M / group;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      for (let o0 = 0; o0 < outSize[0]; o0++) {
        for (let o1 = 0; o1 < outSize[1]; o1++) {
          for (let o2 = 0; o2 < outSize[2]; o2++) {
            let sum = bias ? toNumbers(bias)[m] : 0;
            for (let c = 0; c < Cg; c++) {
              const ic = Math.floor(m / Mg) * Cg + c;
              for (let k0 = 0; k0 < kSize[0]; k0++) {
                for (let k1 = 0; k1 < kSize[1]; k1++) {
                  for (let k2 = 0; k2 < kSize[2]; k2++) {
                    const i0 = o0 * s[0] - pb[0] + k0 * d[0];
                    const i1 = o1 * s[1] - pb[1] + k1 * d[1];
                    const i2 = o2 * s[2] - pb[2] + k2 * d[2];
                    if (i0 < 0 || i0 >= inSize[0] || i1 < 0 || i1 >= inSize[1] || i2 < 0 || i2 >= inSize[2]) continue;
                    const xi = (((n * C + ic) * inSize[0] + i0) * inSize[1] + i1) * inSize[2] + i2;
                    const wi = (((m * Cg + c) * kSize[0] + k0) * kSize[1] + k1) * kSize[2] + k2;
                    sum += xv[xi] * wv[wi];
                  }
                }
              }
            }
            out.push(sum);
          }
        }
      }
    }
  }
  return { dims: [N, M, ...outSize.slice(3 - rank)], data: out };
}

describe('Conv', () => {
  it('computes a 3x3 convolution by hand', () => {
    // All-ones 3x3 kernel over 1..16 with pad 1: each output is the sum of its 3x3 neighbourhood.
    const y = run(Conv, [f32([1, 1, 4, 4], iota(16)), f32([1, 1, 3, 3], new Array(9).fill(1))], { pads: [1, 1, 1, 1] });
    assertClose(y, [1, 1, 4, 4], [14, 24, 30, 22, 33, 54, 63, 45, 57, 90, 99, 69, 46, 72, 78, 54]);
  });

  const cases: { name: string; x: number[]; w: number[]; attrs: Record<string, number | number[] | string>; pads?: number[] }[] = [
    { name: 'plain 2-D with bias', x: [2, 3, 6, 5], w: [4, 3, 3, 3], attrs: {} },
    { name: 'strides and asymmetric pads', x: [1, 2, 7, 6], w: [3, 2, 3, 2], attrs: { strides: [2, 3], pads: [1, 0, 2, 1] } },
    { name: 'dilations', x: [1, 2, 8, 9], w: [2, 2, 3, 3], attrs: { dilations: [2, 3], pads: [2, 1, 0, 3] } },
    { name: 'groups', x: [1, 4, 5, 5], w: [6, 2, 3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] } },
    { name: 'depthwise with stride', x: [2, 3, 6, 6], w: [3, 1, 3, 3], attrs: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] } },
    { name: '1x1 kernel', x: [1, 5, 3, 4], w: [2, 5, 1, 1], attrs: {} },
    { name: 'kernel larger than padded input', x: [1, 1, 2, 2], w: [1, 1, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
    { name: '1-D', x: [1, 2, 9], w: [3, 2, 3], attrs: { strides: [2], pads: [1, 2], dilations: [2] } },
    { name: '3-D', x: [1, 2, 4, 5, 3], w: [2, 2, 2, 3, 2], attrs: { strides: [1, 2, 1], pads: [1, 0, 1, 0, 1, 1] } },
    { name: 'SAME_UPPER', x: [1, 1, 6, 6], w: [1, 1, 3, 3], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, pads: [0, 0, 1, 1] },
    { name: 'SAME_LOWER', x: [1, 1, 6, 6], w: [1, 1, 3, 3], attrs: { auto_pad: 'SAME_LOWER', strides: [2, 2] }, pads: [1, 1, 0, 0] },
    { name: 'VALID', x: [1, 1, 6, 7], w: [1, 1, 3, 2], attrs: { auto_pad: 'VALID', strides: [2, 2] }, pads: [0, 0, 0, 0] },
  ];
  for (const c of cases) {
    it(`matches the naive definition: ${c.name}`, () => {
      const x = f32(c.x, randoms(sizeOf(c.x), 1));
      const w = f32(c.w, randoms(sizeOf(c.w), 2));
      const bias = f32([c.w[0]], randoms(c.w[0], 3));
      const rank = c.x.length - 2;
      const attr = (name: string, fill: number) => (c.attrs[name] as number[] | undefined) ?? new Array(rank).fill(fill);
      const expected = naiveConv({
        x, w, bias,
        group: (c.attrs.group as number | undefined) ?? 1,
        strides: attr('strides', 1),
        dilations: attr('dilations', 1),
        pads: c.pads ?? (c.attrs.pads as number[] | undefined) ?? new Array(2 * rank).fill(0),
      });
      assertClose(run(Conv, [x, w, bias], c.attrs), expected.dims, expected.data, 1e-5);
    });
  }

  it('accepts a kernel_shape that matches W and rejects one that does not', () => {
    const x = f32([1, 1, 3, 3], iota(9));
    const w = f32([1, 1, 2, 2], [1, 0, 0, 1]);
    assertClose(run(Conv, [x, w], { kernel_shape: [2, 2] }), [1, 1, 2, 2], [6, 8, 12, 14]);
    assert.throws(() => run(Conv, [x, w], { kernel_shape: [3, 3] }), KernelError);
  });

  it('rejects mismatched groups, bias and dtypes', () => {
    const x = f32([1, 4, 3, 3], new Array(36).fill(1));
    assert.throws(() => run(Conv, [x, f32([3, 2, 1, 1], new Array(6).fill(1))], { group: 2 }), KernelError);
    assert.throws(() => run(Conv, [x, f32([2, 4, 1, 1], new Array(8).fill(1)), f32([3], [0, 0, 0])]), KernelError);
    const x64 = fromNumbers('float64', [1, 1, 2, 2], [1, 2, 3, 4]);
    assert.throws(() => run(Conv, [x64, fromNumbers('float64', [1, 1, 1, 1], [1])]), KernelError);
  });
});

describe('Gemm', () => {
  const a = f32([2, 3], [1, 2, 3, 4, 5, 6]);
  const b = f32([3, 2], [1, 0, 0, 1, 1, 1]);
  const ab = [4, 5, 10, 11];

  it('multiplies without C', () => {
    assertClose(run(Gemm, [a, b]), [2, 2], ab);
  });

  it('honours transA and transB', () => {
    const aT = f32([3, 2], [1, 4, 2, 5, 3, 6]);
    const bT = f32([2, 3], [1, 0, 1, 0, 1, 1]);
    assertClose(run(Gemm, [aT, b], { transA: 1 }), [2, 2], ab);
    assertClose(run(Gemm, [a, bT], { transB: 1 }), [2, 2], ab);
    assertClose(run(Gemm, [aT, bT], { transA: 1, transB: 1 }), [2, 2], ab);
  });

  it('scales by alpha and beta and broadcasts C one way', () => {
    const attrs = { alpha: 0.5, beta: 2 };
    const scaled = ab.map((v) => v / 2);
    const withC = (c: Tensor, add: number[]) => assertClose(run(Gemm, [a, b, c], attrs), [2, 2], scaled.map((v, i) => v + 2 * add[i]));
    withC(f32([], [1]), [1, 1, 1, 1]);
    withC(f32([1], [3]), [3, 3, 3, 3]);
    withC(f32([2], [1, 2]), [1, 2, 1, 2]);
    withC(f32([1, 2], [1, 2]), [1, 2, 1, 2]);
    withC(f32([2, 1], [1, 2]), [1, 1, 2, 2]);
    withC(f32([2, 2], [1, 2, 3, 4]), [1, 2, 3, 4]);
  });

  it('rejects C that does not broadcast and mismatched inner dims', () => {
    assert.throws(() => run(Gemm, [a, b, f32([3], [1, 2, 3])]), KernelError);
    assert.throws(() => run(Gemm, [a, a]), KernelError);
  });
});

describe('MatMul', () => {
  function naiveMatMul(a: number[], b: number[], m: number, k: number, n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * n + j];
        out.push(s);
      }
    }
    return out;
  }

  it('multiplies 2-D matrices', () => {
    assertClose(run(MatMul, [f32([2, 3], iota(6)), f32([3, 2], iota(6))]), [2, 2], [22, 28, 49, 64]);
  });

  it('treats 1-D operands as a row or column vector and drops the added axis', () => {
    const v = f32([3], [1, 2, 3]);
    const m = f32([3, 2], iota(6));
    assertClose(run(MatMul, [v, m]), [2], [22, 28]);
    assertClose(run(MatMul, [f32([2, 3], iota(6)), v]), [2], [14, 32]);
    assertClose(run(MatMul, [v, v]), [], [14]);
    assertClose(run(MatMul, [v, f32([2, 3, 2], iota(12))]), [2, 2], [22, 28, 58, 64]);
  });

  it('broadcasts batch axes', () => {
    const a = randoms(2 * 1 * 2 * 3, 5);
    const b = randoms(3 * 3 * 4, 6);
    const y = run(MatMul, [f32([2, 1, 2, 3], a), f32([3, 3, 4], b)]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) expected.push(...naiveMatMul(a.slice(i * 6, i * 6 + 6), b.slice(j * 12, j * 12 + 12), 2, 3, 4));
    }
    assertClose(y, [2, 3, 2, 4], expected);
  });

  it('handles float64, int32 (wrapping) and int64', () => {
    const check = (dtype: DType, a: number[], b: number[], expected: number[]) => {
      const y = run(MatMul, [fromNumbers(dtype, [1, 2], a), fromNumbers(dtype, [2, 1], b)]);
      assert.equal(y.dtype, dtype);
      assert.deepEqual(toNumbers(y), expected);
    };
    check('float64', [0.5, 0.25], [2, 4], [2]);
    check('int32', [2 ** 30, 3], [4, 5], [15]);
    check('int64', [2 ** 40, 3], [4, 5], [2 ** 42 + 15]);
  });

  it('rejects mismatched inner dims and dtypes', () => {
    assert.throws(() => run(MatMul, [f32([2, 3], iota(6)), f32([2, 3], iota(6))]), KernelError);
    assert.throws(() => run(MatMul, [f32([1, 1], [1]), fromNumbers('float64', [1, 1], [1])]), KernelError);
    assert.throws(() => run(MatMul, [f32([2, 2, 2], iota(8)), f32([3, 2, 2], iota(12))]), KernelError);
  });
});

describe('BatchNormalization', () => {
  const channelParams = [f32([2], [1, 2]), f32([2], [0, 1]), f32([2], [1, -1]), f32([2], [4, 0.25])];

  it('normalises each channel with its own statistics', () => {
    const x = f32([1, 2, 1, 2], [1, 3, -1, 0]);
    // channel 0: (x - 1) / 2 * 1 + 0; channel 1: (x + 1) / 0.5 * 2 + 1  (epsilon 0)
    assertClose(run(BatchNormalization, [x, ...channelParams], { epsilon: 0 }), [1, 2, 1, 2], [0, 1, 1, 5]);
  });

  it('adds epsilon to the variance and accepts rank-2 input', () => {
    const x = f32([2, 2], [1, 3, 2, -1]);
    const f0 = 1 / Math.sqrt(4.5);
    const f1 = 2 / Math.sqrt(0.75);
    assertClose(run(BatchNormalization, [x, ...channelParams], { epsilon: 0.5 }), [2, 2], [0, 4 * f1 + 1, f0, 1]);
  });

  it('rejects training mode and mis-sized parameters', () => {
    const x = f32([1, 2, 1, 1], [1, 2]);
    assert.throws(() => run(BatchNormalization, [x, ...channelParams], { training_mode: 1 }), KernelError);
    assert.throws(() => run(BatchNormalization, [x, f32([3], [1, 1, 1]), ...channelParams.slice(1)]), KernelError);
  });
});

describe('MaxPool', () => {
  const x4 = f32([1, 1, 4, 4], [
    1, 5, 2, 0,
    3, 4, 8, 6,
    7, 0, 9, 2,
    1, 6, 3, 4,
  ]);

  it('pools 2x2 windows and reports row-major indices', () => {
    const attrs = { kernel_shape: [2, 2], strides: [2, 2] };
    assertClose(run(MaxPool, [x4], attrs), [1, 1, 2, 2], [5, 8, 7, 9]);
    const indices = run(MaxPool, [x4], attrs, 1);
    assert.equal(indices.dtype, 'int64');
    assert.deepEqual(toNumbers(indices), [1, 6, 8, 10]);
  });

  it('reports column-major indices with storage_order 1', () => {
    const attrs = { kernel_shape: [2, 2], strides: [2, 2], storage_order: 1 };
    // (h, w) -> h + w * 4
    assert.deepEqual(toNumbers(run(MaxPool, [x4], attrs, 1)), [4, 9, 2, 10]);
  });

  it('offsets indices by batch and channel', () => {
    const x = f32([2, 1, 1, 2], [1, 2, 4, 3]);
    assert.deepEqual(toNumbers(run(MaxPool, [x], { kernel_shape: [1, 2] }, 1)), [1, 2]);
  });

  it('adds a partial window in ceil_mode', () => {
    const attrs = { kernel_shape: [3, 3], strides: [2, 2] };
    assertClose(run(MaxPool, [x4], attrs), [1, 1, 1, 1], [9]);
    assertClose(run(MaxPool, [x4], { ...attrs, ceil_mode: 1 }), [1, 1, 2, 2], [9, 9, 9, 9]);
  });

  it('never lets padding win', () => {
    const x = f32([1, 1, 2, 2], [-1, -2, -3, -4]);
    assertClose(run(MaxPool, [x], { kernel_shape: [2, 2], pads: [1, 1, 1, 1] }), [1, 1, 3, 3], [-1, -1, -2, -1, -1, -2, -3, -3, -4]);
  });

  it('applies dilations', () => {
    assertClose(run(MaxPool, [x4], { kernel_shape: [2, 2], dilations: [2, 2] }), [1, 1, 2, 2], [9, 5, 8, 6]);
  });

  it('pads SAME_LOWER at the start', () => {
    const x = f32([1, 1, 4], [1, 3, 2, 0]);
    assertClose(run(MaxPool, [x], { kernel_shape: [2], auto_pad: 'SAME_LOWER' }), [1, 1, 4], [1, 3, 3, 2]);
    assertClose(run(MaxPool, [x], { kernel_shape: [2], auto_pad: 'SAME_UPPER' }), [1, 1, 4], [3, 3, 2, 0]);
  });

  it('pools uint8 and 3-D input', () => {
    const u8 = fromNumbers('uint8', [1, 1, 3], [200, 7, 255]);
    const y = run(MaxPool, [u8], { kernel_shape: [2] });
    assert.equal(y.dtype, 'uint8');
    assert.deepEqual(toNumbers(y), [200, 255]);
    assertClose(run(MaxPool, [f32([1, 1, 2, 2, 2], iota(8))], { kernel_shape: [2, 2, 2] }), [1, 1, 1, 1, 1], [8]);
  });

  it('requires kernel_shape', () => {
    assert.throws(() => run(MaxPool, [x4], {}), KernelError);
  });
});

describe('AveragePool', () => {
  const x3 = f32([1, 1, 3, 3], iota(9));

  it('averages only real elements by default', () => {
    const y = run(AveragePool, [x3], { kernel_shape: [2, 2], pads: [1, 1, 0, 0] });
    assertClose(y, [1, 1, 3, 3], [1, 1.5, 2.5, 2.5, 3, 4, 5.5, 6, 7]);
  });

  it('divides by the padded window size with count_include_pad', () => {
    const y = run(AveragePool, [x3], { kernel_shape: [2, 2], pads: [1, 1, 0, 0], count_include_pad: 1 });
    assertClose(y, [1, 1, 3, 3], [0.25, 0.75, 1.25, 1.25, 3, 4, 2.75, 6, 7]);
  });

  it('does not count ceil_mode overhang as padding', () => {
    const x = f32([1, 1, 4], [1, 2, 3, 4]);
    const attrs = { kernel_shape: [3], strides: [2], ceil_mode: 1 };
    assertClose(run(AveragePool, [x], attrs), [1, 1, 2], [2, 3.5]);
    assertClose(run(AveragePool, [x], { ...attrs, count_include_pad: 1 }), [1, 1, 2], [2, 3.5]);
    assertClose(run(AveragePool, [x], { ...attrs, pads: [0, 1], count_include_pad: 1 }), [1, 1, 2], [2, 7 / 3]);
  });

  it('counts auto_pad cells as padding with count_include_pad', () => {
    const x = f32([1, 1, 3], [3, 6, 9]);
    const attrs = { kernel_shape: [2], auto_pad: 'SAME_UPPER' };
    assertClose(run(AveragePool, [x], attrs), [1, 1, 3], [4.5, 7.5, 9]);
    assertClose(run(AveragePool, [x], { ...attrs, count_include_pad: 1 }), [1, 1, 3], [4.5, 7.5, 4.5]);
  });

  it('pools 3-D input with strides', () => {
    const y = run(AveragePool, [f32([1, 1, 2, 2, 4], iota(16))], { kernel_shape: [2, 2, 2], strides: [1, 1, 2] });
    assertClose(y, [1, 1, 1, 1, 2], [7.5, 9.5]);
  });
});

describe('GlobalAveragePool and GlobalMaxPool', () => {
  const x = f32([1, 2, 2, 2], [1, 2, 3, 4, -5, -6, -7, -8]);

  it('reduce each channel plane to one value', () => {
    assertClose(run(GlobalAveragePool, [x]), [1, 2, 1, 1], [2.5, -6.5]);
    assertClose(run(GlobalMaxPool, [x]), [1, 2, 1, 1], [4, -5]);
  });

  it('keep one unit axis per spatial axis', () => {
    const x3 = f32([2, 1, 3], [1, 2, 6, 0, 0, -3]);
    assertClose(run(GlobalAveragePool, [x3]), [2, 1, 1], [3, -1]);
    assertClose(run(GlobalMaxPool, [x3]), [2, 1, 1], [6, 0]);
  });

  it('reject inputs without spatial axes', () => {
    assert.throws(() => run(GlobalAveragePool, [f32([2, 2], [1, 2, 3, 4])]), KernelError);
  });
});

describe('LRN', () => {
  it('normalises across neighbouring channels (odd size)', () => {
    const x = f32([1, 3, 1, 1], [1, 2, 3]);
    const attrs = { size: 3, alpha: 3, beta: 1, bias: 1 };
    // alpha / size = 1; sums of squares: c0: 1+4, c1: 1+4+9, c2: 4+9
    assertClose(run(LRN, [x], attrs), [1, 3, 1, 1], [1 / 6, 2 / 15, 3 / 14]);
  });

  it('looks one channel further up than down for even sizes', () => {
    const x = f32([1, 3, 1, 1], [1, 2, 3]);
    const attrs = { size: 2, alpha: 2, beta: 0.5, bias: 0 };
    // window c..c+1; alpha / size = 1
    assertClose(run(LRN, [x], attrs), [1, 3, 1, 1], [1 / Math.sqrt(5), 2 / Math.sqrt(13), 3 / 3]);
  });

  it('uses the default alpha, beta and bias', () => {
    const x = f32([1, 1, 1, 2], [10, -20]);
    const expected = [10, -20].map((v) => v / Math.pow(1 + (1e-4 / 5) * v * v, 0.75));
    assertClose(run(LRN, [x], { size: 5 }), [1, 1, 1, 2], expected);
  });
});

describe('Softmax', () => {
  const softmax = (values: number[]) => {
    const max = Math.max(...values);
    const e = values.map((v) => Math.exp(v - max));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const x = f32([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);

  it('normalises along the last axis by default', () => {
    const [a, b] = softmax([0, 1]);
    assertClose(run(Softmax, [x]), [2, 2, 2], [a, b, a, b, a, b, a, b]);
  });

  it('normalises along a given axis', () => {
    const [a, b] = softmax([0, 4]);
    assertClose(run(Softmax, [x], { axis: 0 }), [2, 2, 2], [a, a, a, a, b, b, b, b]);
    const [c, d] = softmax([0, 2]);
    assertClose(run(Softmax, [x], { axis: -2 }), [2, 2, 2], [c, c, d, d, c, c, d, d]);
  });

  it('normalises the flattened tail with coerce_2d (opset < 13)', () => {
    const row = softmax([0, 1, 2, 3]);
    assertClose(run(Softmax, [x], { coerce_2d: 1 }), [2, 2, 2], [...row, ...row]);
    assertClose(run(Softmax, [x], { coerce_2d: 1, axis: 0 }), [2, 2, 2], softmax(iota(8, 0)));
    assertClose(run(Softmax, [x], { coerce_2d: 1, axis: 2 }), [2, 2, 2], softmax([0, 1]).concat(...new Array(3).fill(softmax([0, 1]))));
  });

  it('stays finite for large inputs', () => {
    assertClose(run(Softmax, [f32([1, 3], [1000, 1001, 1002])]), [1, 3], softmax([0, 1, 2]));
  });

  it('rejects an axis out of range', () => {
    assert.throws(() => run(Softmax, [x], { axis: 3 }), KernelError);
  });
});

describe('ReduceMean', () => {
  const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);

  it('averages over axes, keeping them by default', () => {
    assertClose(run(ReduceMean, [x], { axes: [0] }), [1, 3], [2.5, 3.5, 4.5]);
    assertClose(run(ReduceMean, [x], { axes: [-1] }), [2, 1], [2, 5]);
  });

  it('drops reduced axes with keepdims 0 and reduces all axes when none are given', () => {
    assertClose(run(ReduceMean, [x], { axes: [1], keepdims: 0 }), [2], [2, 5]);
    assertClose(run(ReduceMean, [x]), [1, 1], [3.5]);
    assertClose(run(ReduceMean, [x], { keepdims: 0 }), [], [3.5]);
  });

  it('reduces non-adjacent axes', () => {
    const y = run(ReduceMean, [f32([2, 2, 2], iota(8))], { axes: [0, 2] });
    assertClose(y, [1, 2, 1], [3.5, 5.5]);
  });

  it('takes axes as an input (opset 18) and honours noop_with_empty_axes', () => {
    const axes = fromNumbers('int64', [1], [1]);
    assertClose(run(ReduceMean, [x, axes], { keepdims: 0 }), [2], [2, 5]);
    assertClose(run(ReduceMean, [x, fromNumbers('int64', [0], [])], { noop_with_empty_axes: 1 }), [2, 3], iota(6));
  });

  it('rejects repeated or out-of-range axes', () => {
    assert.throws(() => run(ReduceMean, [x], { axes: [1, -1] }), KernelError);
    assert.throws(() => run(ReduceMean, [x], { axes: [2] }), KernelError);
  });
});
