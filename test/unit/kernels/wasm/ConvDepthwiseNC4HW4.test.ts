/**
 * Property tests of `wasm.Conv.depthwise-3x3-nc4hw4` against the reference Conv (the harness packs
 * its NCHW inputs to NC4HW4 and unpacks the output): seeded random 3×3 depthwise convolutions at
 * strides 1–2 with ragged channel counts, planes from 1×1 up, pads (asymmetric, past the kernel)
 * and auto_pad, every fused activation, blocks split across lanes, garbage in the input's pad lanes.
 */
import assert from 'node:assert/strict';
import { convDepthwise3x3NC4HW4 } from '../../../../runtime/kernels/wasm/ConvDepthwise.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { padLanesChecked } from '../../../support/pad-lanes.js';
import { referenceOutputs, runVariant, shapesOf, fusedActivations, inLanes, guarded, runsOn } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const variant = convDepthwise3x3NC4HW4;

function randomCase(random: Random): { attrs: Attributes; dims: number[] } {
  const stride = [pick(random, [1, 2]), pick(random, [1, 2])];
  const size = () => pick(random, [1, 2, 3, 7, 13, 17, 3 + Math.floor(random() * 30)]);
  const C = pick(random, [1, 2, 3, 4, 5, 8, 13, 1 + Math.floor(random() * 40)]);
  const attrs: Record<string, Attributes[string]> = { group: C, kernel_shape: [3, 3], strides: stride };
  const autoPad = pick(random, ['NOTSET', 'NOTSET', 'NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
  let H = size(), W = size();
  if (autoPad === 'NOTSET') {
    const pad = () => Math.floor(random() * (random() < 0.15 ? 5 : 3));
    const pads = [pad(), pad(), pad(), pad()];
    H = Math.max(H, 3 - pads[0] - pads[2]);
    W = Math.max(W, 3 - pads[1] - pads[3]);
    attrs.pads = pads;
  } else {
    attrs.auto_pad = autoPad;
    if (autoPad === 'VALID') [H, W] = [Math.max(H, 3), Math.max(W, 3)];
  }
  return { attrs, dims: [1, C, H, W] };
}

function check(attrs: Attributes, dims: number[], random: Random, i: number, lanes: number | 'each block', bias = random() < 0.7): void {
  const C = dims[1];
  const laneCount = lanes === 'each block' ? Math.ceil(C / 4) : lanes;
  const runnable = padLanesChecked(guarded(laneCount > 1 ? inLanes(variant, laneCount) : variant));
  const inputs = [randomTensor(random, dims), randomTensor(random, [C, 1, 3, 3], 0.5), bias ? randomTensor(random, [C], 0.5) : undefined];
  assert.ok(runsOn(variant, shapesOf('Conv', attrs, inputs, variant.layout)), `case ${i} does not apply: [${dims}] ${JSON.stringify(attrs)}`);
  const fused = fusedActivations[i % fusedActivations.length];
  const expected = referenceOutputs('Conv', attrs, inputs, fused)[0];
  const actual = runVariant(runnable, attrs, inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
  assert.equal(mismatch, undefined, `case ${i} [${dims}] ${JSON.stringify(attrs)} ${fused?.op ?? ''} ${lanes} lanes: ${mismatch?.reason}`);
}

function checkRandom(seed: number, cases: number, lanes: number | 'each block'): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const c = randomCase(random);
    check(c.attrs, c.dims, random, i, lanes);
  }
}

describe('wasm.Conv.depthwise-3x3-nc4hw4 against the reference', () => {
  it('80 seeded random convolutions at strides 1 and 2', () => checkRandom(41, 80, 1));
  it('blocks split across 2 lanes', () => checkRandom(42, 16, 2));
  it('blocks split across 3 lanes', () => checkRandom(43, 16, 3));
  it('one lane per block', () => checkRandom(44, 12, 'each block'));

  it('planes of several bands (40×40, 45×38), ragged channels, pads 0–2 and asymmetric, every activation, 1 and 3 lanes', () => {
    const random = seededRandom(45);
    let i = 0;
    for (const [H, W] of [[40, 40], [45, 38]]) {
      for (const strides of [[1, 1], [2, 2], [1, 2], [2, 1]]) {
        for (const pads of [[0, 0, 0, 0], [1, 1, 1, 1], [2, 2, 2, 2], [0, 1, 1, 0], [1, 0, 2, 1]]) {
          const C = pick(random, [3, 5, 8, 13]);
          for (const lanes of [1, 3]) check({ group: C, kernel_shape: [3, 3], strides, pads }, [1, C, H, W], random, i++, lanes);
        }
      }
    }
  });

  it('applies only to 3×3 depthwise filters at strides 1–2, dilation 1, on NC4HW4 values', () => {
    const shapes = (stride: number, dilation = 1, layout = variant.layout) => shapesOf('Conv',
      { group: 6, kernel_shape: [3, 3], strides: [stride, stride], dilations: [dilation, dilation], pads: [1, 1, 1, 1] },
      [randomTensor(Math.random, [1, 6, 14, 14]), randomTensor(Math.random, [6, 1, 3, 3])], layout);
    assert.ok(runsOn(variant, shapes(1)) && runsOn(variant, shapes(2)));
    assert.ok(!runsOn(variant, shapes(3)), 'stride 3');
    assert.ok(!runsOn(variant, shapes(1, 2)), 'dilation 2');
    assert.ok(!runsOn(variant, shapes(1, 1, { input: 'NCHW', output: 'NCHW' })), 'NCHW values');
    assert.ok(!runsOn(variant, shapes(1, 1, { input: 'NC4HW4', output: 'NCHW' })), 'NCHW output');
  });
});
