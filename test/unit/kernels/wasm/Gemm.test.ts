/**
 * Property tests of the wasm Gemm and MatMul variants against the reference: seeded random
 * products (ragged M, K, N; one row and several; transA, transB, alpha, beta, every broadcast of
 * C, every fused activation), MatMul's folded leading dims, the classifier shapes, refusals, and
 * the transform giving byte-identical packed weights run twice.
 */
import assert from 'node:assert/strict';
import { gemmNaive, gemmPacked } from '../../../../runtime/kernels/wasm/Gemm.js';
import { matMulNaive, matMulPacked } from '../../../../runtime/kernels/wasm/MatMul.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import type { Tensor } from '../../../../runtime/tensor/tensor.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, type FusedSpec } from '../../../support/variant-harness.js';

const activations: (FusedSpec | undefined)[] = [
  undefined, { op: 'Relu' }, { op: 'Clip', min: 0, max: 6 }, { op: 'LeakyRelu', attrs: { alpha: 0.1 } },
  { op: 'HardSwish' }, { op: 'HardSigmoid', attrs: { alpha: 0.3, beta: 0.4 } }, { op: 'Sigmoid' }, { op: 'Tanh' },
];

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const dimsText = (ts: readonly (Tensor | undefined)[]) => ts.map((t) => (t ? `[${t.dims}]` : '-')).join(' ');

function check(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[], fused: FusedSpec | undefined, what: string): void {
  assert.ok(variant.appliesTo(shapesOf(variant.op, attrs, inputs)), `${variant.id} should apply to ${what}`);
  const expected = referenceOutputs(variant.op, attrs, inputs, fused)[0];
  const actual = runVariant(variant, attrs, inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
  assert.equal(mismatch, undefined, `${variant.id} ${what} ${fused?.op ?? ''}: ${mismatch?.reason}`);
}

function checkGemm(variant: KernelVariant, seed: number, cases: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const M = pick(random, [1, 1, 1, 2, 3, 5, 6, 7, 13]);
    const K = 1 + Math.floor(random() * 70);
    const N = 1 + Math.floor(random() * 50);
    const transA = random() < 0.3 ? 1 : 0;
    const transB = random() < 0.5 ? 1 : 0;
    const cDims = pick(random, [undefined, [N], [1, N], [M, 1], [M, N], [1], [], [1, 1]]);
    const attrs = { transA, transB, alpha: pick(random, [1, 1, 0.5, -1.5]), beta: pick(random, [1, 1, 0.25]) };
    const inputs = [
      randomTensor(random, transA ? [K, M] : [M, K]),
      randomTensor(random, transB ? [N, K] : [K, N], 0.5),
      cDims ? randomTensor(random, cDims) : undefined,
    ];
    check(variant, attrs, inputs, activations[i % activations.length], `case ${i} ${dimsText(inputs)} ${JSON.stringify(attrs)}`);
  }
}

function checkMatMul(variant: KernelVariant, seed: number, cases: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const M = pick(random, [1, 1, 2, 3, 7, 12]);
    const K = 1 + Math.floor(random() * 70);
    const N = 1 + Math.floor(random() * 50);
    const aDims = pick(random, [[M, K], [1, M, K], [2, M, K], [K]]);
    const bDims = pick(random, [[K, N], [1, K, N]]);
    const inputs = [randomTensor(random, aDims), randomTensor(random, bDims, 0.5)];
    check(variant, {}, inputs, activations[i % activations.length], `case ${i} ${dimsText(inputs)}`);
  }
}

describe('wasm Gemm and MatMul variants against the reference', () => {
  for (const [variant, seed] of [[gemmNaive, 41], [gemmPacked, 42]] as const) {
    it(`${variant.id}: 100 seeded random products`, () => checkGemm(variant, seed, 100));
  }
  for (const [variant, seed] of [[matMulNaive, 43], [matMulPacked, 44]] as const) {
    it(`${variant.id}: 60 seeded random products`, () => checkMatMul(variant, seed, 60));
  }

  it('the classifier shapes: 1×512→1000 and 1×1280→1000 with bias, both B layouts', () => {
    const random = seededRandom(45);
    for (const K of [512, 1280]) {
      for (const transB of [1, 0]) {
        const inputs = [randomTensor(random, [1, K]), randomTensor(random, transB ? [1000, K] : [K, 1000], 0.05), randomTensor(random, [1000])];
        for (const variant of [gemmNaive, gemmPacked]) check(variant, { transB }, inputs, undefined, `K ${K} transB ${transB}`);
      }
    }
  });

  it('refuses other dtypes, batched B and C that does not broadcast', () => {
    const random = seededRandom(46);
    const f64 = (dims: number[]): Tensor => ({ dtype: 'float64', dims, data: new Float64Array(dims.reduce((a, b) => a * b, 1)) });
    for (const variant of [gemmNaive, gemmPacked]) {
      assert.equal(variant.appliesTo(shapesOf('Gemm', {}, [f64([2, 3]), f64([3, 4])])), false);
      const shapes = shapesOf('Gemm', {}, [randomTensor(random, [2, 3]), randomTensor(random, [3, 4])]);
      const badC = { ...shapes, inputs: [...shapes.inputs, { dtype: 'float32' as const, dims: [3, 4] }] };
      assert.equal(variant.appliesTo(badC), false);
    }
    for (const variant of [matMulNaive, matMulPacked]) {
      assert.equal(variant.appliesTo(shapesOf('MatMul', {}, [randomTensor(random, [2, 3, 4]), randomTensor(random, [2, 4, 5])])), false);
      assert.equal(variant.appliesTo(shapesOf('MatMul', {}, [randomTensor(random, [3, 4]), randomTensor(random, [4])])), false);
    }
  });

  it('the packed transforms are deterministic', () => {
    const random = seededRandom(47);
    const inputs = [randomTensor(random, [3, 37]), randomTensor(random, [29, 37]), randomTensor(random, [29])];
    const first = runVariant(gemmPacked, { transB: 1 }, inputs)[0];
    const second = runVariant(gemmPacked, { transB: 1 }, inputs)[0];
    assert.deepEqual(first.data, second.data);
  });
});
