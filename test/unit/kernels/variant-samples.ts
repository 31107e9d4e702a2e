/**
 * One or more sample steps per kernel variant of the catalogue (by id), which
 * variants.test.ts runs and compares with the reference kernels: the guard that no variant ships
 * untested. A new variant needs its entry here (its own property tests go beside it, under wasm/).
 * Inputs are dims (filled with seeded random values) or given tensors (Clip's bounds).
 */
import type { Attributes } from '../../../runtime/kernels/kernel.js';
import { fromNumbers, type Tensor } from '../../../runtime/tensor/tensor.js';

export interface VariantSample {
  readonly attrs?: Attributes;
  readonly inputs: readonly (readonly number[] | Tensor | undefined)[];
  /** The step lists only the op's first output (MaxPool without Indices). */
  readonly firstOutputOnly?: boolean;
  /** Looser than the fast kernels' rtol 1e-4 / atol 1e-5 (Winograd F(4,3), F(6,3): ConvWinograd.test.ts says why). */
  readonly tolerance?: { readonly rtol: number; readonly atol: number };
}

const conv = (kernel: number, stride: number, pad: number, group = 1, dilation = 1): Attributes => ({
  kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad], group, dilations: [dilation, dilation],
});
const pool = (kernel: number, stride: number, pad: number): Attributes => ({
  kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad],
});
const bound = (value: number): Tensor => fromNumbers('float32', [], [value]);

/** A plain 3×3 stride-1 convolution with bias, with odd sizes so every tile has a ragged edge. */
const conv3x3: VariantSample[] = [
  { attrs: conv(3, 1, 1), inputs: [[1, 5, 11, 9], [7, 5, 3, 3], [7]] },
  { attrs: conv(3, 1, 0), inputs: [[1, 16, 14, 13], [13, 16, 3, 3], undefined] },
];
const winograd = conv3x3.map((s) => ({ ...s, tolerance: { rtol: 1e-3, atol: 1e-4 } }));
const depthwise = (kernel: number, stride: number): VariantSample[] => [
  { attrs: conv(kernel, stride, kernel >> 1, 6), inputs: [[1, 6, 13, 11], [6, 1, kernel, kernel], [6]] },
  { attrs: conv(kernel, stride, kernel >> 1, 9), inputs: [[1, 9, 7, 17], [9, 1, kernel, kernel], undefined] },
];
const unary: VariantSample[] = [{ inputs: [[1, 7, 5, 3]] }, { inputs: [[2, 3, 1, 37]] }];
const binary: VariantSample[] = [
  { inputs: [[1, 6, 5, 7], [1, 6, 5, 7]] },
  { inputs: [[1, 6, 5, 7], [1, 6, 1, 1]] },
  { inputs: [[2, 3, 4, 5], []] },
  // Attention's mask over its scores, and the same with the operand first and broadcast over a leading axis.
  { inputs: [[3, 5, 7], [3, 1, 7]] },
  { inputs: [[1, 4, 1, 6], [2, 4, 5, 6]] },
];
const c4Binary: VariantSample[] = [{ inputs: [[1, 6, 5, 7], [1, 6, 5, 7]] }, { inputs: [[1, 9, 3, 2], [1, 9, 3, 2]] }];

export const variantSamples: Readonly<Record<string, readonly VariantSample[]>> = {
  'wasm.Conv.winograd-f43': winograd,
  'wasm.Conv.winograd-f23': conv3x3,
  'wasm.Conv.winograd-f63': winograd,
  'wasm.Conv.direct-packed': [...conv3x3, { attrs: conv(1, 1, 0), inputs: [[1, 19, 6, 5], [11, 19, 1, 1], [11]] },
    { attrs: conv(3, 2, 1, 1, 2), inputs: [[1, 4, 12, 10], [9, 4, 3, 3], [9]] }],
  'wasm.Conv.direct': [...conv3x3, { attrs: conv(5, 2, 2), inputs: [[1, 3, 15, 12], [5, 3, 5, 5], [5]] }],
  'wasm.Conv.im2col-sgemm': [...conv3x3, { attrs: conv(3, 2, 1), inputs: [[1, 7, 13, 9], [10, 7, 3, 3], [10]] }],
  'wasm.Conv.first-c3-nc4hw4': [{ attrs: conv(3, 2, 1), inputs: [[1, 3, 17, 15], [10, 3, 3, 3], [10]] },
    { attrs: conv(3, 1, 1), inputs: [[1, 3, 9, 8], [4, 3, 3, 3], undefined] }],
  'wasm.Conv.pointwise-c4': [{ attrs: conv(1, 1, 0), inputs: [[1, 6, 7, 5], [10, 6, 1, 1], [10]] },
    { attrs: conv(1, 1, 0), inputs: [[1, 16, 3, 3], [8, 16, 1, 1], undefined] }],
  'wasm.Conv.depthwise-3x3-nc4hw4': [...depthwise(3, 1), ...depthwise(3, 2)],
  'wasm.Conv.depthwise-3x3-c4': [...depthwise(3, 1), ...depthwise(3, 2)],
  'wasm.Conv.depthwise-3x3s1': depthwise(3, 1),
  'wasm.Conv.depthwise-3x3s2': depthwise(3, 2),
  'wasm.Conv.depthwise-5x5s1': depthwise(5, 1),
  'wasm.Conv.depthwise-5x5s2': depthwise(5, 2),
  'wasm.Conv.depthwise': [...depthwise(3, 1), { attrs: conv(3, 1, 2, 5, 2), inputs: [[1, 5, 9, 9], [5, 1, 3, 3], [5]] },
    { attrs: conv(7, 3, 3, 4), inputs: [[1, 4, 16, 15], [4, 1, 7, 7], undefined] }],
  'wasm.Conv.grouped-packed': [{ attrs: conv(3, 1, 1, 4), inputs: [[1, 16, 9, 7], [24, 4, 3, 3], [24]] },
    { attrs: conv(1, 2, 0, 2), inputs: [[1, 6, 8, 8], [4, 3, 1, 1], undefined] }],
  'wasm.Conv.grouped': [{ attrs: conv(3, 1, 1, 4), inputs: [[1, 16, 9, 7], [24, 4, 3, 3], [24]] },
    { attrs: conv(3, 2, 1, 3), inputs: [[1, 6, 10, 11], [9, 2, 3, 3], undefined] }],
  'wasm.Gemm.packed': [{ attrs: { transB: 1 }, inputs: [[3, 37], [13, 37], [13]] }, { inputs: [[1, 20], [20, 9]] }],
  'wasm.Gemm.naive': [{ attrs: { transB: 1 }, inputs: [[3, 37], [13, 37], [13]] }, { inputs: [[1, 20], [20, 9]] }],
  'wasm.MatMul.packed': [{ inputs: [[5, 19], [19, 11]] }, { inputs: [[2, 3, 8], [8, 6]] }],
  'wasm.MatMul.naive': [{ inputs: [[5, 19], [19, 11]] }, { inputs: [[2, 3, 8], [8, 6]] }],
  // Attention's Q·Kᵀ and P·V shapes, B broadcast over A's batches, A broadcast over B's, one row.
  'wasm.MatMul.batched': [{ inputs: [[3, 13, 8], [3, 8, 13]] }, { inputs: [[2, 3, 7, 5], [5, 17]] },
    { inputs: [[1, 9, 6], [4, 6, 19]] }, { inputs: [[2, 1, 5], [2, 5, 3]] }],
  'wasm.MaxPool.simd': [{ attrs: pool(3, 2, 1), inputs: [[1, 5, 13, 11]], firstOutputOnly: true },
    { attrs: { ...pool(2, 2, 0), ceil_mode: 1 }, inputs: [[1, 3, 8, 9]], firstOutputOnly: true }],
  'wasm.AveragePool.simd': [{ attrs: pool(3, 1, 1), inputs: [[1, 5, 9, 7]] }, { attrs: pool(2, 2, 0), inputs: [[1, 3, 8, 9]] }],
  'wasm.GlobalMaxPool.simd': unary,
  'wasm.GlobalAveragePool.simd': unary,
  'wasm.GlobalAveragePool.simd-c4': [{ inputs: [[1, 6, 7, 5]] }, { inputs: [[1, 8, 1, 3]] }],
  'wasm.Add.simd': binary,
  'wasm.Add.simd-c4': c4Binary,
  'wasm.Sub.simd': binary,
  'wasm.Mul.simd': binary,
  'wasm.Mul.simd-c4': [...c4Binary, { inputs: [[1, 10, 5, 7], [1, 10, 1, 1]] }, { inputs: [[2, 3, 1, 1], [2, 3, 4, 9]] },
    { inputs: [[1, 64, 3, 3], [1, 64, 1, 1]] }],
  'wasm.Div.simd': binary,
  'wasm.Sum.simd': [{ inputs: [[1, 6, 5, 7], [1, 6, 5, 7], [1, 6, 5, 7]] }, { inputs: [[2, 9], [2, 9]] }],
  'wasm.Relu.simd': unary,
  'wasm.Relu.simd-c4': [{ inputs: [[1, 6, 5, 7]] }],
  'wasm.LeakyRelu.simd': [{ attrs: { alpha: 0.2 }, inputs: [[1, 7, 5, 3]] }],
  'wasm.Sigmoid.simd': unary,
  'wasm.HardSigmoid.simd': [{ attrs: { alpha: 0.3, beta: 0.4 }, inputs: [[1, 7, 5, 3]] }],
  'wasm.HardSwish.simd': unary,
  'wasm.Tanh.simd': unary,
  'wasm.Silu.simd': unary,
  'wasm.Gelu.simd': [...unary, { attrs: { approximate: 'tanh' }, inputs: [[2, 3, 1, 37]] }],
  'wasm.Softmax.rows': [{ inputs: [[3, 5, 37]] }, { attrs: { axis: 1, coerce_2d: 1 }, inputs: [[2, 3, 4]] }],
  // Self-attention with a key-padding mask [H, 1, S], a full [Sq, Skv] mask broadcast over batches, none.
  'wasm.ScaledDotProductAttention.tiles': [
    { attrs: { scale: 0.35 }, inputs: [[3, 13, 8], [3, 8, 13], [3, 13, 8], [3, 1, 13]] },
    { attrs: { scale: 1 }, inputs: [[2, 2, 7, 5], [2, 2, 5, 9], [2, 2, 9, 6], [7, 9]] },
    { inputs: [[1, 5, 4], [1, 4, 17], [1, 17, 3]] }],
  'wasm.LayerNormalization.rows': [{ attrs: { epsilon: 1e-5 }, inputs: [[2, 7, 38], [38], [38]], firstOutputOnly: true },
    { attrs: { axis: 1 }, inputs: [[3, 2, 5], [2, 5], undefined], firstOutputOnly: true }],
  'wasm.Clip.simd': [{ inputs: [[1, 7, 5, 3], bound(-0.25), bound(0.5)] }],
  'wasm.Clip.simd-c4': [{ inputs: [[1, 6, 5, 7], bound(0), bound(0.5)] }],
  // Attention's head split and K transpose, a move of size-1 axes only, and a full reversal.
  'wasm.Transpose.permute': [{ attrs: { perm: [1, 0, 2] }, inputs: [[7, 3, 5]] }, { attrs: { perm: [1, 2, 0] }, inputs: [[7, 3, 5]] },
    { attrs: { perm: [1, 0, 2] }, inputs: [[1, 6, 5]] }, { inputs: [[2, 3, 4, 5]] }, { attrs: { perm: [0, 2, 1, 3] }, inputs: [[2, 3, 1, 4]] }],
  'wasm.Concat.copy': [{ attrs: { axis: 1 }, inputs: [[1, 3, 4, 5], [1, 6, 4, 5]] }, { attrs: { axis: 3 }, inputs: [[1, 2, 3, 4], [1, 2, 3, 7]] }],
  'wasm.ToNC4HW4.simd': [{ inputs: [[1, 6, 5, 7]] }, { inputs: [[2, 3, 2, 2]] }],
  'wasm.ToNCHW.simd': [{ inputs: [[1, 6, 5, 7]] }, { inputs: [[2, 3, 2, 2]] }],
};
