/**
 * Property tests of the wasm elementwise variants (Add, Sub, Mul, Div, Sum, the standalone
 * activations, Concat) against the reference kernels: seeded random shapes with ragged sizes,
 * every broadcast the variants claim (same shape, per channel both ways round, per row, scalar,
 * squeeze-excite gating, batch > 1), every fused activation, and the broadcasts they must refuse.
 */
import assert from 'node:assert/strict';
import { addSimd } from '../../../../runtime/kernels/wasm/Add.js';
import { subSimd } from '../../../../runtime/kernels/wasm/Sub.js';
import { mulSimd } from '../../../../runtime/kernels/wasm/Mul.js';
import { divSimd } from '../../../../runtime/kernels/wasm/Div.js';
import { sumSimd } from '../../../../runtime/kernels/wasm/Sum.js';
import { concatCopy } from '../../../../runtime/kernels/wasm/Concat.js';
import {
  clipSimd, hardSigmoidSimd, hardSwishSimd, leakyReluSimd, reluSimd, sigmoidSimd, tanhSimd,
} from '../../../../runtime/kernels/wasm/Activations.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { fromNumbers, type DType, type Tensor } from '../../../../runtime/tensor/tensor.js';
import { randomTensor, seededRandom, uniformTensor } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, type FusedSpec } from '../../../support/variant-harness.js';

const activations: (FusedSpec | undefined)[] = [
  undefined, { op: 'Relu' }, { op: 'Clip', min: 0, max: 6 }, { op: 'LeakyRelu', attrs: { alpha: 0.1 } },
  { op: 'HardSwish' }, { op: 'HardSigmoid', attrs: { alpha: 0.3, beta: 0.4 } }, { op: 'Sigmoid' }, { op: 'Tanh' },
];

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const size = (random: Random, max: number) => 1 + Math.floor(random() * max);

function check(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[], fused: FusedSpec | undefined, what: string): void {
  const expected = referenceOutputs(variant.op, attrs, inputs, fused)[0];
  const actual = runVariant(variant, attrs, inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-5, 1e-6);
  assert.equal(mismatch, undefined, `${variant.id} ${what} ${fused?.op ?? ''}: ${mismatch?.reason}`);
}

const dimsText = (ts: readonly (Tensor | undefined)[]) => ts.map((t) => (t ? `[${t.dims}]` : '-')).join(' ');

/** A random NCHW-ish output shape and an operand shape of a broadcast kind the variants claim. */
function operandPair(random: Random): [number[], number[]] {
  const N = pick(random, [1, 1, 1, 2, 3]);
  const C = size(random, 19);
  const H = size(random, 9);
  const W = size(random, 13);
  const full = [N, C, H, W];
  const part = pick(random, [
    [N, C, H, W], [C, H, W], [1, C, 1, 1], [C, 1, 1], [], [1], [1, 1, 1, 1], [W], [1, 1, H, W], [N, C, 1, 1], [H, 1], [1, C, H, 1],
    [C, 1, W], [N, 1, H, 1], [1, C, 1, W],
  ]);
  return [full, part];
}

function checkBinary(variant: KernelVariant, seed: number, cases: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const [fullDims, partDims] = operandPair(random);
    const full = randomTensor(random, fullDims);
    // Divisors away from zero keep quotients in range; the kernels divide exactly either way.
    const part = variant.op === 'Div' ? uniformTensor(random, partDims, 0.25, 2) : randomTensor(random, partDims);
    const inputs = random() < 0.5 ? [full, part] : [part, variant.op === 'Div' ? uniformTensor(random, fullDims, 0.25, 2) : full];
    assert.ok(variant.appliesTo(shapesOf(variant.op, {}, inputs)), `${variant.id} should apply to ${dimsText(inputs)}`);
    check(variant, {}, inputs, activations[i % activations.length], `case ${i} ${dimsText(inputs)}`);
  }
}

describe('wasm elementwise variants against the reference', () => {
  for (const [variant, seed] of [[addSimd, 21], [subSimd, 22], [mulSimd, 23], [divSimd, 24]] as const) {
    it(`${variant.id}: 80 seeded random broadcasts, every fused activation`, () => checkBinary(variant, seed, 80));
  }

  it('binary variants refuse the broadcasts they do not serve', () => {
    const refused: [number[], number[], DType][] = [
      [[4, 1], [1, 6], 'float32'], // both operands broadcast
      [[1, 4, 1, 1], [1, 1, 5, 6], 'float32'],
      [[2, 3], [2, 3], 'int32'],
      [[2, 3], [2, 3], 'float64'],
    ];
    for (const variant of [addSimd, subSimd, mulSimd, divSimd]) {
      for (const [a, b, dtype] of refused) {
        const inputs = [fromNumbers(dtype, a, new Array(a.reduce((x, y) => x * y, 1)).fill(1)), fromNumbers(dtype, b, new Array(b.reduce((x, y) => x * y, 1)).fill(1))];
        assert.equal(variant.appliesTo(shapesOf(variant.op, {}, inputs)), false, `${variant.id} [${a}] [${b}] ${dtype}`);
      }
    }
  });

  it('wasm.Sum.simd: 1 to 4 same-shape inputs, every fused activation', () => {
    const random = seededRandom(25);
    for (let i = 0; i < 32; i++) {
      const dims = [1, size(random, 17), size(random, 7), size(random, 11)];
      const inputs = Array.from({ length: 1 + (i % 4) }, () => randomTensor(random, dims));
      check(sumSimd, {}, inputs, activations[i % activations.length], `case ${i} ${dimsText(inputs)}`);
    }
    const broadcast = [randomTensor(random, [1, 3, 4, 5]), randomTensor(random, [1, 3, 1, 1])];
    assert.equal(sumSimd.appliesTo(shapesOf('Sum', {}, broadcast)), false);
  });

  const standalone: [KernelVariant, Attributes][] = [
    [reluSimd, {}], [leakyReluSimd, { alpha: 0.07 }], [leakyReluSimd, {}], [sigmoidSimd, {}], [hardSigmoidSimd, {}],
    [hardSigmoidSimd, { alpha: 0.25, beta: 0.6 }], [hardSwishSimd, {}], [tanhSimd, {}],
  ];
  for (const [variant, attrs] of standalone) {
    it(`${variant.id} ${JSON.stringify(attrs)}: 12 seeded random shapes`, () => {
      const random = seededRandom(26);
      for (let i = 0; i < 12; i++) {
        const dims = Array.from({ length: size(random, 4) }, () => size(random, 13));
        const inputs = [randomTensor(random, dims, 5)];
        check(variant, attrs, inputs, undefined, `case ${i} ${dimsText(inputs)}`);
      }
    });
  }

  it('wasm.Sigmoid.simd, wasm.Tanh.simd (vector exp) and wasm.Relu.simd: saturation, tiny values, the 0.625 switch, ±inf, NaN', () => {
    const special = [-1000, -100, -88.8, -88.5, -87.4, -20, -9, -0.625, -0.6249, -1e-3, -1e-8, 0, -0, 1e-8, 1e-4, 0.3, 0.6249,
      0.625, 0.7, 1, 3, 9, 20, 44.4, 87.4, 88.5, 88.8, 100, 1000, Infinity, -Infinity, NaN];
    const inputs = [fromNumbers('float32', [special.length], special)];
    for (const variant of [sigmoidSimd, tanhSimd, reluSimd]) check(variant, {}, inputs, undefined, 'special values');
    const random = seededRandom(29);
    const wide = [randomTensor(random, [4099], 30)];
    for (const variant of [sigmoidSimd, tanhSimd]) check(variant, {}, wide, undefined, 'wide range');
  });

  it('wasm.Clip.simd: bounds given, one omitted, both omitted', () => {
    const random = seededRandom(27);
    const scalar = (v: number) => fromNumbers('float32', [], [v]);
    const bounds: (Tensor | undefined)[][] = [
      [scalar(-1), scalar(2)], [scalar(0), scalar(6)], [undefined, scalar(0.5)], [scalar(-0.5)], [], [scalar(3), scalar(1)],
    ];
    bounds.forEach((b, i) => {
      const dims = [1, size(random, 9), size(random, 9), size(random, 9)];
      const inputs = [randomTensor(random, dims, 4), ...b];
      check(clipSimd, {}, inputs, undefined, `case ${i} ${dimsText(inputs)}`);
    });
    const vectorBound = [randomTensor(random, [2, 3]), randomTensor(random, [3])];
    assert.equal(clipSimd.appliesTo(shapesOf('Clip', {}, vectorBound)), false);
  });

  it('wasm.Concat.copy: any axis, 1 to 4 inputs, several dtypes', () => {
    const random = seededRandom(28);
    const dtypes: DType[] = ['float32', 'int64', 'uint8', 'int32', 'float64'];
    for (let i = 0; i < 40; i++) {
      const rank = size(random, 4);
      const dims = Array.from({ length: rank }, () => size(random, 6));
      const axis = Math.floor(random() * rank);
      const dtype = dtypes[i % dtypes.length];
      const inputs = Array.from({ length: size(random, 4) }, () => {
        const d = [...dims];
        d[axis] = Math.floor(random() * 5) + (i % 7 === 0 ? 0 : 1);
        const n = d.reduce((x, y) => x * y, 1);
        return fromNumbers(dtype, d, Array.from({ length: n }, () => Math.floor(random() * 200) - (dtype === 'uint8' ? 0 : 100)));
      });
      const attrs = { axis: random() < 0.3 ? axis - rank : axis };
      const expected = referenceOutputs('Concat', attrs, inputs)[0];
      const actual = runVariant(concatCopy, attrs, inputs)[0];
      assert.deepEqual(actual, expected, `case ${i} ${dimsText(inputs)} axis ${attrs.axis} ${dtype}`);
    }
  });
});
