/**
 * Property tests of the wasm Conv variants against the reference Conv: seeded random shapes
 * (ragged channel counts, odd sizes, strides, dilations, pads, 1×1 in-place), every fused
 * activation, and the transform giving byte-identical packed weights run twice.
 */
import assert from 'node:assert/strict';
import { convDirect, convDirectPacked } from '../../../../runtime/kernels/wasm/Conv.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, fusedActivations, inLanes, guarded } from '../../../support/variant-harness.js';

interface ConvCase {
  C: number; H: number; W: number; M: number; KH: number; KW: number;
  stride: [number, number]; dilation: [number, number]; pads: [number, number, number, number]; bias: boolean;
}

function randomCase(random: () => number): ConvCase {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const KH = pick([1, 1, 3, 3, 5, 7]);
  const KW = random() < 0.8 ? KH : pick([1, 3]);
  const pad = (k: number) => Math.floor(random() * (k + 1) / 2 + 0.5) % k;
  return {
    C: 1 + Math.floor(random() * 13), H: KH + Math.floor(random() * 14), W: KW + Math.floor(random() * 21),
    M: 1 + Math.floor(random() * 20), KH, KW,
    stride: [pick([1, 1, 2, 3]), pick([1, 1, 2, 3])], dilation: [pick([1, 1, 2]), pick([1, 1, 2])],
    pads: [pad(KH), pad(KW), pad(KH), pad(KW)], bias: random() < 0.7,
  };
}

function tensors(random: () => number, c: ConvCase) {
  return [
    randomTensor(random, [1, c.C, c.H, c.W]),
    randomTensor(random, [c.M, c.C, c.KH, c.KW], 0.5),
    c.bias ? randomTensor(random, [c.M], 0.5) : undefined,
  ];
}

function checkVariant(variant: KernelVariant, seed: number, cases: number, lanes = 1): void {
  const random = seededRandom(seed);
  const runnable = guarded(lanes > 1 ? inLanes(variant, lanes) : variant);
  let ran = 0;
  for (let i = 0; i < cases; i++) {
    const c = randomCase(random);
    const attrs = { kernel_shape: [c.KH, c.KW], strides: c.stride, dilations: c.dilation, pads: c.pads };
    const inputs = tensors(random, c);
    const extent = (k: number, d: number) => (k - 1) * d + 1;
    if (c.H + c.pads[0] + c.pads[2] < extent(c.KH, c.dilation[0]) || c.W + c.pads[1] + c.pads[3] < extent(c.KW, c.dilation[1])) continue;
    if (!variant.appliesTo(shapesOf('Conv', attrs, inputs))) continue;
    const fused = fusedActivations[i % fusedActivations.length];
    const expected = referenceOutputs('Conv', attrs, inputs, fused)[0];
    const actual = runVariant(runnable, attrs, inputs, fused)[0];
    const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
    assert.equal(mismatch, undefined, `${variant.id} case ${i} ${JSON.stringify(c)} ${fused?.op ?? ''}: ${mismatch?.reason}`);
    ran++;
  }
  assert.ok(ran >= cases / 2, `only ${ran} of ${cases} cases applied`);
}

describe('wasm Conv variants against the reference', () => {
  for (const [variant, seed] of [[convDirect, 11], [convDirectPacked, 12]] as const) {
    it(`${variant.id}: 60 seeded random convolutions`, () => checkVariant(variant, seed, 60));
    it(`${variant.id}: 30 seeded random convolutions on 3 lanes, writing nothing outside the output`, () => checkVariant(variant, seed + 100, 30, 3));
  }

  it('wasm.Conv.direct-packed: 1×1 rows ending in 1 to 7 columns past whole tiles, ragged output channels, every activation', () => {
    const random = seededRandom(13);
    for (let cols = 49; cols <= 55; cols++) {
      for (const M of [1, 5, 6, 16, 13]) {
        const c: ConvCase = { C: 1 + (cols % 5) * 4, H: 1, W: cols, M, KH: 1, KW: 1, stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0], bias: M % 2 === 0 };
        const inputs = tensors(random, c);
        const attrs = { kernel_shape: [1, 1] };
        const fused = fusedActivations[(cols + M) % fusedActivations.length];
        const expected = referenceOutputs('Conv', attrs, inputs, fused)[0];
        const actual = runVariant(guarded(convDirectPacked), attrs, inputs, fused)[0];
        const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
        assert.equal(mismatch, undefined, `cols ${cols} M ${M} ${fused?.op ?? ''}: ${mismatch?.reason}`);
      }
    }
  });

  it('wasm.Conv.direct-packed: the transform is deterministic', () => {
    const random = seededRandom(5);
    const inputs = tensors(random, { C: 5, H: 9, W: 9, M: 7, KH: 3, KW: 3, stride: [1, 1], dilation: [1, 1], pads: [1, 1, 1, 1], bias: true });
    const attrs = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
    const first = runVariant(convDirectPacked, attrs, inputs)[0];
    const second = runVariant(convDirectPacked, attrs, inputs)[0];
    assert.deepEqual(first.data, second.data);
  });
});
