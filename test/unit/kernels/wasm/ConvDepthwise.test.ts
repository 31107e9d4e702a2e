/**
 * Property tests of the wasm depthwise Conv variants against the reference Conv: seeded random
 * shapes (ragged channel counts, planes from 1×1 up, pads from none to past the kernel, auto_pad),
 * any kernel, stride and dilation for the general variant, every fused activation, and the
 * channel split across lanes.
 */
import assert from 'node:assert/strict';
import {
  convDepthwise, convDepthwise3x3C4, convDepthwise3x3s1, convDepthwise3x3s2, convDepthwise5x5s1, convDepthwise5x5s2,
} from '../../../../runtime/kernels/wasm/ConvDepthwise.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, fusedActivations, inLanes, guarded } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

interface Filter { kernel: [number, number]; stride: [number, number]; dilation: [number, number] }

const fixed = (k: number, s: number) => (): Filter => ({ kernel: [k, k], stride: [s, s], dilation: [1, 1] });

function anyFilter(random: Random): Filter {
  const k = () => pick(random, [1, 2, 3, 3, 4, 5, 7]);
  const s = () => pick(random, [1, 1, 2, 2, 3]);
  const d = () => pick(random, [1, 1, 1, 2, 3]);
  return { kernel: [k(), k()], stride: [s(), s()], dilation: [d(), d()] };
}

/** A random depthwise case for `filter`, with a plane the window fits. */
function randomCase(random: Random, filter: Filter): { attrs: Attributes; dims: number[] } {
  const { kernel, stride, dilation } = filter;
  const extent = kernel.map((k, i) => (k - 1) * dilation[i] + 1);
  const size = (e: number) => pick(random, [1, 2, 7, 13, 17, e + Math.floor(random() * 24)]);
  const C = pick(random, [1, 3, 4, 5, 8, 13, 1 + Math.floor(random() * 40)]);
  const attrs: Record<string, Attributes[string]> = { group: C, kernel_shape: kernel, strides: stride, dilations: dilation };
  const autoPad = pick(random, ['NOTSET', 'NOTSET', 'NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
  let H = size(extent[0]), W = size(extent[1]);
  if (autoPad === 'NOTSET') {
    // Mostly below the kernel size, sometimes at or past it (outputs that only see padding).
    const pad = (k: number) => Math.floor(random() * (k + (random() < 0.15 ? 2 : 0)));
    const pads = [pad(kernel[0]), pad(kernel[1]), pad(kernel[0]), pad(kernel[1])];
    H = Math.max(H, extent[0] - pads[0] - pads[2]);
    W = Math.max(W, extent[1] - pads[1] - pads[3]);
    attrs.pads = pads;
  } else {
    attrs.auto_pad = autoPad;
    if (autoPad === 'VALID') [H, W] = [Math.max(H, extent[0]), Math.max(W, extent[1])];
  }
  return { attrs, dims: [1, C, H, W] };
}

/** `lanes` 'each channel': as many lanes as channels, so that the last lane uses the last of the scratch. */
function checkVariant(variant: KernelVariant, filter: (random: Random) => Filter, seed: number, cases: number,
  lanes: number | 'each channel' = 1): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const c = randomCase(random, filter(random));
    const C = c.dims[1];
    const laneCount = lanes === 'each channel' ? C : lanes;
    const runnable = guarded(laneCount > 1 ? inLanes(variant, laneCount) : variant);
    const inputs = [
      randomTensor(random, c.dims),
      randomTensor(random, [C, 1, ...(c.attrs.kernel_shape as number[])], 0.5),
      random() < 0.7 ? randomTensor(random, [C], 0.5) : undefined,
    ];
    assert.ok(variant.appliesTo(shapesOf('Conv', c.attrs, inputs)), `${variant.id} case ${i} does not apply: ${JSON.stringify(c)}`);
    const fused = fusedActivations[i % fusedActivations.length];
    const expected = referenceOutputs('Conv', c.attrs, inputs, fused)[0];
    const actual = runVariant(runnable, c.attrs, inputs, fused)[0];
    const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
    assert.equal(mismatch, undefined, `${variant.id} case ${i} [${c.dims}] ${JSON.stringify(c.attrs)} ${fused?.op ?? ''}: ${mismatch?.reason}`);
  }
}

describe('wasm depthwise Conv variants against the reference', () => {
  const specialised = [
    [convDepthwise3x3s1, fixed(3, 1), 21], [convDepthwise3x3s2, fixed(3, 2), 22],
    [convDepthwise5x5s1, fixed(5, 1), 23], [convDepthwise5x5s2, fixed(5, 2), 24],
  ] as const;
  for (const [variant, filter, seed] of specialised) {
    it(`${variant.id}: 48 seeded random convolutions`, () => checkVariant(variant, filter, seed, 48));
    it(`${variant.id}: channels split across 3 lanes`, () => checkVariant(variant, filter, seed + 100, 8, 3));
    it(`${variant.id}: one lane per channel`, () => checkVariant(variant, filter, seed + 300, 8, 'each channel'));
  }

  const strides12 = (random: Random): Filter => ({ kernel: [3, 3], stride: [pick(random, [1, 2]), pick(random, [1, 2])], dilation: [1, 1] });
  it('wasm.Conv.depthwise-3x3-c4: 64 seeded random convolutions at strides 1 and 2', () => checkVariant(convDepthwise3x3C4, strides12, 31, 64));
  it('wasm.Conv.depthwise-3x3-c4: channels split across 3 lanes', () => checkVariant(convDepthwise3x3C4, strides12, 32, 12, 3));
  it('wasm.Conv.depthwise-3x3-c4: one lane per channel', () => checkVariant(convDepthwise3x3C4, strides12, 33, 12, 'each channel'));
  it('wasm.Conv.depthwise-3x3-c4: planes of several bands (32×32, 31×30), pads 0–2, every activation, 1 and 3 lanes', () => {
    const random = seededRandom(34);
    let i = 0;
    for (const [H, W] of [[32, 32], [31, 30]]) {
      for (const stride of [[1, 1], [2, 2], [1, 2], [2, 1]]) {
        for (const pad of [0, 1, 2]) {
          const C = pick(random, [5, 8, 10]);
          const attrs = { group: C, kernel_shape: [3, 3], strides: stride, pads: [pad, pad, pad, pad] };
          const inputs = [randomTensor(random, [1, C, H, W]), randomTensor(random, [C, 1, 3, 3], 0.5), randomTensor(random, [C], 0.5)];
          const fused = fusedActivations[i++ % fusedActivations.length];
          const expected = referenceOutputs('Conv', attrs, inputs, fused)[0];
          for (const lanes of [1, 3]) {
            const actual = runVariant(guarded(lanes > 1 ? inLanes(convDepthwise3x3C4, lanes) : convDepthwise3x3C4), attrs, inputs, fused)[0];
            const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
            assert.equal(mismatch, undefined, `[${H}, ${W}] ${JSON.stringify(attrs)} ${fused?.op ?? ''} ${lanes} lanes: ${mismatch?.reason}`);
          }
        }
      }
    }
  });
  it('wasm.Conv.depthwise-3x3-c4: applies to 3×3 filters at strides 1–2, dilation 1', () => {
    const shapes = (HW: number, stride: number, dilation = 1) => shapesOf('Conv',
      { group: 8, kernel_shape: [3, 3], strides: [stride, stride], dilations: [dilation, dilation], pads: [1, 1, 1, 1] },
      [randomTensor(Math.random, [1, 8, HW, HW]), randomTensor(Math.random, [8, 1, 3, 3])]);
    assert.ok(convDepthwise3x3C4.appliesTo(shapes(7, 1)) && convDepthwise3x3C4.appliesTo(shapes(112, 2)));
    assert.ok(!convDepthwise3x3C4.appliesTo(shapes(14, 3)), 'stride 3');
    assert.ok(!convDepthwise3x3C4.appliesTo(shapes(14, 1, 2)), 'dilation 2');
  });

  it('wasm.Conv.depthwise: 120 seeded random kernels, strides, dilations and pads', () => checkVariant(convDepthwise, anyFilter, 25, 120));
  it('wasm.Conv.depthwise: the specialised shapes too', () => {
    for (const [, filter, seed] of specialised) checkVariant(convDepthwise, filter, seed + 200, 16);
  });
  it('wasm.Conv.depthwise: channels split across 2 lanes', () => checkVariant(convDepthwise, anyFilter, 26, 16, 2));
  it('wasm.Conv.depthwise: one lane per channel', () => checkVariant(convDepthwise, anyFilter, 27, 16, 'each channel'));

  it('applies only to its own filters, and only to depthwise convolutions', () => {
    const shapes = (C: number, M: number, group: number, kernel: number, stride: number, dilation = 1) => shapesOf('Conv',
      { group, kernel_shape: [kernel, kernel], strides: [stride, stride], dilations: [dilation, dilation], pads: [1, 1, 1, 1] },
      [randomTensor(Math.random, [1, C, 9, 9]), randomTensor(Math.random, [M, C / group, kernel, kernel])]);
    assert.ok(convDepthwise3x3s1.appliesTo(shapes(8, 8, 8, 3, 1)));
    assert.ok(!convDepthwise3x3s1.appliesTo(shapes(8, 8, 8, 3, 2)));
    assert.ok(!convDepthwise3x3s1.appliesTo(shapes(8, 8, 8, 3, 1, 2)));
    assert.ok(convDepthwise5x5s2.appliesTo(shapes(8, 8, 8, 5, 2)));
    assert.ok(convDepthwise.appliesTo(shapes(8, 8, 8, 3, 1, 2)));
    assert.ok(!convDepthwise.appliesTo(shapes(8, 16, 8, 3, 1)), 'channel multiplier 2');
    assert.ok(!convDepthwise.appliesTo(shapes(8, 8, 4, 3, 1)), 'grouped');
    assert.ok(!convDepthwise.appliesTo(shapes(8, 8, 1, 3, 1)), 'group 1');
  });
});
