/**
 * Property tests of `wasm.Conv.first-c3-nc4hw4` against the reference Conv (the harness unpacks
 * its NC4HW4 output): seeded random first layers with 1–4 input channels, ragged output channel
 * counts, kernels 1×1 to 7×7, strides 1–3, pads (asymmetric, past the kernel) and auto_pad,
 * planes from 1×1 up, every fused activation, output rows split across lanes; the transform
 * giving byte-identical packed weights run twice.
 */
import assert from 'node:assert/strict';
import { convFirstC3NC4HW4 } from '../../../../runtime/kernels/wasm/ConvFirst.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { padLanesChecked } from '../../../support/pad-lanes.js';
import { referenceOutputs, runVariant, shapesOf, fusedActivations, inLanes, guarded, packedWeights, runsOn } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const variant = convFirstC3NC4HW4;

interface FirstCase { attrs: Attributes; C: number; M: number; H: number; W: number; KH: number; KW: number }

function randomCase(random: Random): FirstCase {
  const KH = pick(random, [1, 2, 3, 3, 3, 5, 7, 7]);
  const KW = random() < 0.8 ? KH : pick(random, [1, 3, 7]);
  const stride = [pick(random, [1, 2, 2, 3]), pick(random, [1, 2, 2, 3])];
  const C = pick(random, [3, 3, 3, 1, 2, 4]);
  const M = pick(random, [1, 3, 4, 5, 8, 13, 16, 32, 1 + Math.floor(random() * 40)]);
  const size = (k: number) => pick(random, [1, 2, 5, k, k + Math.floor(random() * 30)]);
  const attrs: Record<string, Attributes[string]> = { kernel_shape: [KH, KW], strides: stride };
  let H = size(KH), W = size(KW);
  const autoPad = pick(random, ['NOTSET', 'NOTSET', 'NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
  if (autoPad === 'NOTSET') {
    const pad = (k: number) => Math.floor(random() * (k + (random() < 0.15 ? 2 : 0)));
    const pads = [pad(KH), pad(KW), pad(KH), pad(KW)];
    H = Math.max(H, KH - pads[0] - pads[2]);
    W = Math.max(W, KW - pads[1] - pads[3]);
    attrs.pads = pads;
  } else {
    attrs.auto_pad = autoPad;
    if (autoPad === 'VALID') [H, W] = [Math.max(H, KH), Math.max(W, KW)];
  }
  return { attrs, C, M, H, W, KH, KW };
}

function check(c: FirstCase, random: Random, i: number, lanes: number): void {
  const runnable = padLanesChecked(guarded(lanes > 1 ? inLanes(variant, lanes) : variant));
  const inputs = [
    randomTensor(random, [1, c.C, c.H, c.W]),
    randomTensor(random, [c.M, c.C, c.KH, c.KW], 0.5),
    random() < 0.7 ? randomTensor(random, [c.M], 0.5) : undefined,
  ];
  assert.ok(runsOn(variant, shapesOf('Conv', c.attrs, inputs, variant.layout)), `case ${i} does not apply: ${JSON.stringify(c)}`);
  const fused = fusedActivations[i % fusedActivations.length];
  const expected = referenceOutputs('Conv', c.attrs, inputs, fused)[0];
  const actual = runVariant(runnable, c.attrs, inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
  assert.equal(mismatch, undefined, `case ${i} ${JSON.stringify(c)} ${fused?.op ?? ''} ${lanes} lanes: ${mismatch?.reason}`);
}

function checkRandom(seed: number, cases: number, lanes: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) check(randomCase(random), random, i, lanes);
}

describe('wasm.Conv.first-c3-nc4hw4 against the reference', () => {
  it('80 seeded random first layers', () => checkRandom(51, 80, 1));
  it('output rows split across 2 lanes', () => checkRandom(52, 16, 2));
  it('output rows split across 3 lanes', () => checkRandom(53, 16, 3));

  it("MobileNetV2's, SqueezeNet1.1's and ResNet-18's first layers on small images, every activation, 1 and 3 lanes", () => {
    const random = seededRandom(54);
    let i = 0;
    for (const [M, k, pad] of [[32, 3, 1], [64, 3, 0], [64, 7, 3]]) {
      for (const HW of [17, 30]) {
        for (const lanes of [1, 3]) {
          const attrs = { kernel_shape: [k, k], strides: [2, 2], pads: [pad, pad, pad, pad] };
          check({ attrs, C: 3, M, H: HW, W: HW + 1, KH: k, KW: k }, random, i++, lanes);
        }
      }
    }
  });

  it('the transform gives byte-identical packed weights, zero past M', () => {
    const random = seededRandom(55);
    const attrs = { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] };
    const inputs = [randomTensor(random, [1, 3, 9, 9]), randomTensor(random, [13, 3, 3, 3])];
    const first = packedWeights(variant, attrs, inputs);
    assert.deepEqual(packedWeights(variant, attrs, inputs), first);
    const floats = new Float32Array(first.buffer, first.byteOffset, first.byteLength / 4);
    // Pair 1 holds channels 8–15: lanes 5–7 of each tap's 8 are past M = 13.
    for (let k = 0; k < 27; k++) for (let j = 5; j < 8; j++) assert.equal(floats[(27 + k) * 8 + j], 0);
  });

  it('applies only to group-1 convolutions of at most 4 input channels, kernels up to 7×7, dilation 1, into NC4HW4', () => {
    const shapes = (C: number, k: number, dilation = 1, layout = variant.layout) => shapesOf('Conv',
      { kernel_shape: [k, k], dilations: [dilation, dilation], pads: [1, 1, 1, 1] },
      [randomTensor(Math.random, [1, C, 16, 16]), randomTensor(Math.random, [8, C, k, k])], layout);
    assert.ok(runsOn(variant, shapes(3, 3)) && runsOn(variant, shapes(4, 7)) && runsOn(variant, shapes(1, 1)));
    assert.ok(!runsOn(variant, shapes(5, 3)), '5 input channels');
    assert.ok(!runsOn(variant, shapes(3, 9)), '9×9');
    assert.ok(!runsOn(variant, shapes(3, 3, 2)), 'dilation 2');
    assert.ok(!runsOn(variant, shapes(3, 3, 1, { input: 'NCHW', output: 'NCHW' })), 'NCHW output');
  });
});
