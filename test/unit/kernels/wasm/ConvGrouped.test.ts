/**
 * Property tests of the wasm grouped Conv variants against the reference Conv: seeded random
 * groups (2 to C, ragged channels per group, channel multipliers > 1 on depthwise groups), odd
 * sizes, strides, dilations, pads, 1×1 in-place, every fused activation, the split across lanes,
 * and the packing transform giving byte-identical weights run twice.
 */
import assert from 'node:assert/strict';
import { convGrouped, convGroupedPacked } from '../../../../runtime/kernels/wasm/ConvGrouped.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import type { KernelVariant, StepShapes } from '../../../../runtime/kernels/variant.js';
import { instantiateKernels, kernelStaticBytes } from '../../../../runtime/kernels/wasm/module.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, fusedActivations, inLanes, guarded } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

interface GroupedCase { attrs: Attributes; dims: number[]; weightDims: number[]; bias: boolean }

function randomCase(random: Random): GroupedCase {
  const group = pick(random, [2, 2, 3, 4, 5, 8]);
  const Cg = pick(random, [1, 1, 2, 3, 5, 7]);
  // Depthwise groups (Cg = 1) get a channel multiplier of at least 2.
  const Mg = Cg === 1 ? pick(random, [2, 3, 4]) : pick(random, [1, 2, 3, 5, 6, 7, 13]);
  const inPlace = random() < 0.15;
  const KH = inPlace ? 1 : pick(random, [1, 3, 3, 5]);
  const KW = inPlace || random() < 0.8 ? KH : pick(random, [1, 3]);
  const stride = inPlace ? [1, 1] : [pick(random, [1, 1, 2, 3]), pick(random, [1, 1, 2, 3])];
  const dilation = inPlace ? [1, 1] : [pick(random, [1, 1, 2]), pick(random, [1, 1, 2])];
  const pad = (k: number) => (inPlace ? 0 : Math.floor(random() * k));
  const pads = [pad(KH), pad(KW), pad(KH), pad(KW)];
  const extent = [(KH - 1) * dilation[0] + 1, (KW - 1) * dilation[1] + 1];
  const size = (e: number, before: number, after: number) =>
    Math.max(pick(random, [1, 2, 7, 13, 17, 1 + Math.floor(random() * 20)]), e - before - after);
  return {
    attrs: { group, kernel_shape: [KH, KW], strides: stride, dilations: dilation, pads },
    dims: [1, group * Cg, size(extent[0], pads[0], pads[2]), size(extent[1], pads[1], pads[3])],
    weightDims: [group * Mg, Cg, KH, KW],
    bias: random() < 0.7,
  };
}

function tensorsOf(random: Random, c: GroupedCase) {
  return [randomTensor(random, c.dims), randomTensor(random, c.weightDims, 0.5), c.bias ? randomTensor(random, [c.weightDims[0]], 0.5) : undefined];
}

function checkVariant(variant: KernelVariant, seed: number, cases: number, lanes = 1): void {
  const random = seededRandom(seed);
  const runnable = guarded(lanes > 1 ? inLanes(variant, lanes) : variant);
  for (let i = 0; i < cases; i++) {
    const c = randomCase(random);
    const inputs = tensorsOf(random, c);
    assert.ok(variant.appliesTo(shapesOf('Conv', c.attrs, inputs)), `${variant.id} case ${i} does not apply: ${JSON.stringify(c)}`);
    const fused = fusedActivations[i % fusedActivations.length];
    const expected = referenceOutputs('Conv', c.attrs, inputs, fused)[0];
    const actual = runVariant(runnable, c.attrs, inputs, fused)[0];
    const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
    assert.equal(mismatch, undefined, `${variant.id} case ${i} ${JSON.stringify(c)} ${fused?.op ?? ''}: ${mismatch?.reason}`);
  }
}

describe('wasm grouped Conv variants against the reference', () => {
  for (const [variant, seed] of [[convGrouped, 31], [convGroupedPacked, 32]] as const) {
    it(`${variant.id}: 60 seeded random grouped convolutions`, () => checkVariant(variant, seed, 60));
    it(`${variant.id}: rows (or columns) split across 3 lanes`, () => checkVariant(variant, seed + 100, 12, 3));
  }

  it('wasm.Conv.grouped-packed: the transform is pure and deterministic', () => {
    const random = seededRandom(33);
    const weights = randomTensor(random, [12, 3, 3, 3], 0.5);
    const shapes: StepShapes = shapesOf('Conv', { group: 4, kernel_shape: [3, 3] }, [randomTensor(random, [1, 12, 9, 9]), weights]);
    const transform = convGroupedPacked.transform!;
    const packedBytes = transform.packedBytes(shapes);
    // Different poison each time: every packed byte must be written, from the raw weights alone.
    const packOnce = (poison: number): Uint8Array => {
      const raw = kernelStaticBytes;
      const packed = raw + Math.ceil((weights.data.byteLength + 64) / 64) * 64;
      const { memory, exports } = instantiateKernels(packed + packedBytes);
      const bytes = new Uint8Array(memory.buffer);
      bytes.fill(poison, kernelStaticBytes);
      bytes.set(new Uint8Array(weights.data.buffer), raw);
      transform.run({ buffer: memory.buffer, wasm: exports }, shapes, raw, packed);
      assert.deepEqual(bytes.slice(raw, raw + weights.data.byteLength), new Uint8Array(weights.data.buffer), 'raw weights unchanged');
      return bytes.slice(packed, packed + packedBytes);
    };
    assert.deepEqual(packOnce(0xa5), packOnce(0x5a));
  });

  it('applies to grouped convolutions and channel multipliers, not to depthwise or group 1', () => {
    const applies = (C: number, M: number, group: number) => convGrouped.appliesTo(shapesOf('Conv', { group, kernel_shape: [3, 3] },
      [randomTensor(Math.random, [1, C, 9, 9]), randomTensor(Math.random, [M, C / group, 3, 3])]));
    assert.ok(applies(8, 12, 4));
    assert.ok(applies(8, 16, 8), 'channel multiplier 2');
    assert.ok(!applies(8, 8, 8), 'depthwise');
    assert.ok(!applies(8, 8, 1), 'group 1');
  });
});
