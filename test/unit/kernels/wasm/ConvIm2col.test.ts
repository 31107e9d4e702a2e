/**
 * Property tests of `wasm.Conv.im2col-sgemm` against the reference Conv: seeded random shapes
 * (ragged channel counts, odd sizes, strides, dilations, every pad combination), every fused
 * activation, 1×1 convs read in place, shapes large enough to span several panel blocks, the
 * lane split, and the transform giving byte-identical packed weights run twice.
 */
import assert from 'node:assert/strict';
import { convIm2colSgemm } from '../../../../runtime/kernels/wasm/ConvIm2col.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, type FusedSpec, fusedActivations, inLanes, packedWeights } from '../../../support/variant-harness.js';

interface ConvCase {
  C: number; H: number; W: number; M: number; KH: number; KW: number;
  stride: [number, number]; dilation: [number, number]; pads: [number, number, number, number]; bias: boolean;
}

function randomCase(random: () => number): ConvCase {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const KH = pick([1, 1, 3, 3, 5, 7]);
  const KW = random() < 0.8 ? KH : pick([1, 2, 3]);
  const pad = (k: number) => Math.floor(random() * k);
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

const attrsOf = (c: ConvCase) => ({ kernel_shape: [c.KH, c.KW], strides: c.stride, dilations: c.dilation, pads: c.pads });

function checkCase(variant: KernelVariant, c: ConvCase, random: () => number, fused: FusedSpec | undefined, label: string): void {
  const inputs = tensors(random, c);
  assert.ok(variant.appliesTo(shapesOf('Conv', attrsOf(c), inputs)), `${variant.id} should apply to ${JSON.stringify(c)}`);
  const expected = referenceOutputs('Conv', attrsOf(c), inputs, fused)[0];
  const actual = runVariant(variant, attrsOf(c), inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
  assert.equal(mismatch, undefined, `${variant.id} ${label} ${JSON.stringify(c)} ${fused?.op ?? ''}: ${mismatch?.reason}`);
}

describe('wasm.Conv.im2col-sgemm against the reference', () => {
  it('100 seeded random convolutions', () => {
    const random = seededRandom(21);
    let ran = 0;
    for (let i = 0; i < 100; i++) {
      const c = randomCase(random);
      const extent = (k: number, d: number) => (k - 1) * d + 1;
      if (c.H + c.pads[0] + c.pads[2] < extent(c.KH, c.dilation[0]) || c.W + c.pads[1] + c.pads[3] < extent(c.KW, c.dilation[1])) continue;
      checkCase(convIm2colSgemm, c, random, fusedActivations[i % fusedActivations.length], `case ${i}`);
      ran++;
    }
    assert.ok(ran >= 70, `only ${ran} of 100 cases were valid convolutions`);
  });

  it('every pad combination of a 3×3 conv, stride 1 and 2', () => {
    const random = seededRandom(22);
    for (let mask = 0; mask < 81; mask++) {
      const pads = [0, 1, 2, 3].map((axis) => Math.floor(mask / 3 ** axis) % 3) as [number, number, number, number];
      const stride: [number, number] = mask % 3 === 0 ? [2, 2] : [1, 1];
      const c: ConvCase = { C: 3, H: 7 + (mask % 4), W: 9 + (mask % 5), M: 7, KH: 3, KW: 3, stride, dilation: [1, 1], pads, bias: mask % 2 === 0 };
      checkCase(convIm2colSgemm, c, random, fusedActivations[mask % fusedActivations.length], `pads ${pads}`);
    }
  });

  it('1×1 convs (read in place when unpadded with stride 1)', () => {
    const random = seededRandom(24);
    const c: ConvCase = { C: 17, H: 13, W: 11, M: 23, KH: 1, KW: 1, stride: [1, 1], dilation: [1, 1], pads: [0, 0, 0, 0], bias: true };
    checkCase(convIm2colSgemm, c, random, { op: 'Relu' }, 'in place');
    checkCase(convIm2colSgemm, { ...c, pads: [1, 0, 0, 1] }, random, undefined, 'padded');
    checkCase(convIm2colSgemm, { ...c, stride: [2, 1] }, random, { op: 'Sigmoid' }, 'strided');
  });

  it('several panel blocks, split over 1, 2 and 3 lanes', () => {
    const random = seededRandom(23);
    const c: ConvCase = { C: 70, H: 19, W: 23, M: 13, KH: 3, KW: 3, stride: [1, 1], dilation: [1, 1], pads: [1, 1, 1, 1], bias: true };
    for (const lanes of [1, 2, 3]) checkCase(inLanes(convIm2colSgemm, lanes), c, random, { op: 'Relu' }, `${lanes} lanes`);
    const strided: ConvCase = { ...c, C: 9, H: 30, W: 31, KH: 5, KW: 5, stride: [2, 2], pads: [2, 2, 1, 1] };
    for (const lanes of [2, 5]) checkCase(inLanes(convIm2colSgemm, lanes), strided, random, undefined, `${lanes} lanes, strided`);
  });

  it('the transform is deterministic', () => {
    const random = seededRandom(5);
    const c: ConvCase = { C: 5, H: 9, W: 9, M: 7, KH: 3, KW: 3, stride: [1, 1], dilation: [1, 1], pads: [1, 1, 1, 1], bias: true };
    const inputs = tensors(random, c);
    assert.deepEqual(packedWeights(convIm2colSgemm, attrsOf(c), inputs), packedWeights(convIm2colSgemm, attrsOf(c), inputs));
  });
});
