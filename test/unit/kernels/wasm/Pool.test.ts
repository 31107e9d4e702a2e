/**
 * Property tests of the wasm pooling variants against the reference kernels: seeded random 1-D
 * and 2-D windows (ragged planes, non-square kernels, strides 1 to 3, dilations, explicit and
 * auto pads, ceil_mode, count_include_pad, batch > 1), and global pools on ragged planes.
 */
import assert from 'node:assert/strict';
import { averagePoolSimd, globalAveragePoolSimd, globalMaxPoolSimd, maxPoolSimd } from '../../../../runtime/kernels/wasm/Pool.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import type { KernelVariant, StepShapes } from '../../../../runtime/kernels/variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { firstOutputOnly, referenceOutputs, runVariant, shapesOf } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

interface WindowCase { dims: number[]; attrs: Attributes }

function randomWindow(random: Random, op: string): WindowCase {
  const rank = random() < 0.2 ? 1 : 2;
  const kernel = Array.from({ length: rank }, () => pick(random, [1, 2, 3, 3, 3, 4, 5]));
  const strides = Array.from({ length: rank }, () => pick(random, [1, 1, 2, 2, 3]));
  const dilations = Array.from({ length: rank }, () => (random() < 0.2 ? 2 : 1));
  const extent = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
  const spatial = extent.map((e) => e + Math.floor(random() * 17));
  const attrs: Record<string, Attributes[string]> = { kernel_shape: kernel, strides, dilations };
  const autoPad = pick(random, ['NOTSET', 'NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
  if (autoPad === 'NOTSET') {
    const pad = () => Array.from({ length: rank }, (_, i) => Math.floor(random() * kernel[i]));
    attrs.pads = [...pad(), ...pad()];
    attrs.ceil_mode = random() < 0.4 ? 1 : 0;
  } else {
    attrs.auto_pad = autoPad;
  }
  if (op === 'AveragePool') attrs.count_include_pad = random() < 0.5 ? 1 : 0;
  const N = pick(random, [1, 1, 2]);
  const C = 1 + Math.floor(random() * 9);
  return { dims: [N, C, ...spatial], attrs };
}

function checkWindows(variant: KernelVariant, seed: number, cases: number): void {
  const random = seededRandom(seed);
  const runnable = variant.op === 'MaxPool' ? firstOutputOnly(variant) : variant;
  for (let i = 0; i < cases; i++) {
    const c = randomWindow(random, variant.op);
    const inputs = [randomTensor(random, c.dims)];
    const expected = referenceOutputs(variant.op, c.attrs, inputs)[0];
    const actual = runVariant(runnable, c.attrs, inputs)[0];
    const mismatch = compareTensors(actual, expected, 1e-5, 1e-6);
    assert.equal(mismatch, undefined, `${variant.id} case ${i} [${c.dims}] ${JSON.stringify(c.attrs)}: ${mismatch?.reason}`);
  }
}

function checkGlobal(variant: KernelVariant, seed: number, cases: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const spatial = Array.from({ length: pick(random, [1, 2, 2, 3]) }, () => 1 + Math.floor(random() * 15));
    const dims = [pick(random, [1, 1, 2]), 1 + Math.floor(random() * 20), ...spatial];
    const inputs = [randomTensor(random, dims, 3)];
    const expected = referenceOutputs(variant.op, {}, inputs)[0];
    const actual = runVariant(variant, {}, inputs)[0];
    const mismatch = compareTensors(actual, expected, 1e-5, 1e-6);
    assert.equal(mismatch, undefined, `${variant.id} case ${i} [${dims}]: ${mismatch?.reason}`);
  }
}

describe('wasm pooling variants against the reference', () => {
  it('wasm.MaxPool.simd: 120 seeded random windows', () => checkWindows(maxPoolSimd, 31, 120));
  it('wasm.AveragePool.simd: 120 seeded random windows', () => checkWindows(averagePoolSimd, 32, 120));
  it('wasm.GlobalMaxPool.simd: 40 seeded random planes', () => checkGlobal(globalMaxPoolSimd, 33, 40));
  it('wasm.GlobalAveragePool.simd: 40 seeded random planes', () => checkGlobal(globalAveragePoolSimd, 34, 40));

  it('the CNN shapes: MaxPool 3×3 s2 (ResNet pads, SqueezeNet ceil_mode), GlobalAveragePool', () => {
    const random = seededRandom(35);
    const cases: [KernelVariant, number[], Attributes][] = [
      [maxPoolSimd, [1, 64, 112, 112], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
      [maxPoolSimd, [1, 96, 109, 109], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }],
      [globalAveragePoolSimd, [1, 512, 7, 7], {}],
      [globalAveragePoolSimd, [1, 1000, 13, 13], {}],
    ];
    for (const [variant, dims, attrs] of cases) {
      const inputs = [randomTensor(random, dims)];
      const actual = runVariant(variant.op === 'MaxPool' ? firstOutputOnly(variant) : variant, attrs, inputs)[0];
      const mismatch = compareTensors(actual, referenceOutputs(variant.op, attrs, inputs)[0], 1e-5, 1e-6);
      assert.equal(mismatch, undefined, `${variant.id} [${dims}]: ${mismatch?.reason}`);
    }
  });

  it('refuses MaxPool with Indices, 3-D windows and non-float32 inputs', () => {
    const random = seededRandom(36);
    const attrs = { kernel_shape: [2, 2] };
    assert.equal(maxPoolSimd.appliesTo(shapesOf('MaxPool', attrs, [randomTensor(random, [1, 2, 5, 5])])), false, 'Y and Indices');
    const yAlone = (s: StepShapes) => ({ ...s, outputs: s.outputs.slice(0, 1) });
    assert.equal(maxPoolSimd.appliesTo(yAlone(shapesOf('MaxPool', attrs, [randomTensor(random, [1, 2, 5, 5])]))), true);
    assert.equal(maxPoolSimd.appliesTo(yAlone(shapesOf('MaxPool', { kernel_shape: [2, 2, 2] }, [randomTensor(random, [1, 2, 4, 4, 4])]))), false);
    const f64 = { dtype: 'float64' as const, dims: [1, 2, 5, 5], data: new Float64Array(50) };
    assert.equal(averagePoolSimd.appliesTo(shapesOf('AveragePool', attrs, [f64])), false);
    assert.equal(globalAveragePoolSimd.appliesTo(shapesOf('GlobalAveragePool', {}, [f64])), false);
  });
});
