/**
 * Property tests of `wasm.Conv.pointwise-c4` against the reference Conv: seeded random 1×1
 * convolutions on NC4HW4 activations (ragged input and output channel counts, planes from 1×1 up,
 * ragged pixel tails, batch > 1, bias or none), every fused activation, the split across 2 and 3
 * lanes (by output channels and by pixels), finite pad lanes, and the shapes it must refuse.
 */
import assert from 'node:assert/strict';
import { convPointwiseC4 } from '../../../../runtime/kernels/wasm/ConvPointwiseC4.js';
import { activationArgs } from '../../../../runtime/kernels/activation-codes.js';
import type { Attributes } from '../../../../runtime/kernels/kernel.js';
import type { Tensor } from '../../../../runtime/tensor/tensor.js';
import { placeVariant } from '../../../../compiler/probe/place-variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import {
  referenceOutputs, runVariant, shapesOf, fusedActivations, inLanes, guarded, packedWeights, runsOn,
} from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

interface PointwiseCase { N: number; C: number; M: number; H: number; W: number; bias: boolean; attrs: Attributes }

/** Attributes that all mean a plain 1×1 window. */
const windows: Attributes[] = [
  { kernel_shape: [1, 1] }, {}, { strides: [1, 1], pads: [0, 0, 0, 0] }, { dilations: [2, 3] },
  { auto_pad: 'SAME_UPPER' }, { auto_pad: 'VALID', group: 1 },
];

function randomCase(random: Random): PointwiseCase {
  const channels = () => pick(random, [1, 3, 4, 5, 8, 9, 13, 16, 1 + Math.floor(random() * 48)]);
  const size = () => pick(random, [1, 2, 3, 5, 7, 1 + Math.floor(random() * 20)]);
  return {
    N: pick(random, [1, 1, 1, 2, 3]), C: channels(), M: channels(), H: size(), W: size(), bias: random() < 0.7,
    attrs: pick(random, windows),
  };
}

function tensorsOf(random: Random, c: PointwiseCase): (Tensor | undefined)[] {
  return [
    randomTensor(random, [c.N, c.C, c.H, c.W]),
    randomTensor(random, [c.M, c.C, 1, 1], 0.5),
    c.bias ? randomTensor(random, [c.M], 0.5) : undefined,
  ];
}

function check(c: PointwiseCase, inputs: (Tensor | undefined)[], fusedIndex: number, lanes: number, what: string): void {
  const fused = fusedActivations[fusedIndex % fusedActivations.length];
  const runnable = guarded(lanes > 1 ? inLanes(convPointwiseC4, lanes) : convPointwiseC4);
  assert.ok(runsOn(convPointwiseC4, shapesOf('Conv', c.attrs, inputs, convPointwiseC4.layout)), `${what} does not apply`);
  const expected = referenceOutputs('Conv', c.attrs, inputs, fused)[0];
  const actual = runVariant(runnable, c.attrs, inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-4, 1e-5);
  assert.equal(mismatch, undefined, `${what} ${JSON.stringify(c)} ${fused?.op ?? ''} ${lanes} lanes: ${mismatch?.reason}`);
}

function checkRandom(seed: number, cases: number, lanes: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const c = randomCase(random);
    check(c, tensorsOf(random, c), i, lanes, `case ${i}`);
  }
}

describe('wasm.Conv.pointwise-c4 against the reference', () => {
  it('80 seeded random 1×1 convolutions, every fused activation', () => checkRandom(41, 80, 1));
  it('30 seeded random convolutions on 2 lanes', () => checkRandom(42, 30, 2));
  it('30 seeded random convolutions on 3 lanes', () => checkRandom(43, 30, 3));

  it('split by output channels (small planes, many pairs) and by pixels (large planes), 1–3 lanes', () => {
    const random = seededRandom(44);
    const shapes: [number, number, number, number][] = [[24, 40, 2, 3], [13, 70, 1, 1], [5, 3, 20, 23], [17, 9, 11, 7], [8, 16, 6, 1]];
    shapes.forEach(([C, M, H, W], i) => {
      const c: PointwiseCase = { N: 1 + (i % 2), C, M, H, W, bias: i % 3 !== 0, attrs: {} };
      const inputs = tensorsOf(random, c);
      for (const lanes of [1, 2, 3]) check(c, inputs, i + lanes, lanes, `shape ${i}`);
    });
  });

  it('MobileNetV2-like shapes at a small plane (long reductions, wide outputs)', () => {
    const random = seededRandom(45);
    const shapes: [number, number][] = [[16, 96], [144, 24], [192, 32], [576, 96], [960, 320]];
    shapes.forEach(([C, M], i) => {
      const c: PointwiseCase = { N: 1, C, M, H: 5, W: 3, bias: true, attrs: { kernel_shape: [1, 1] } };
      check(c, tensorsOf(random, c), i, 2, `[${C}→${M}]`);
    });
  });

  it('writes finite pad lanes (activation of 0) for ragged output channels, every activation', () => {
    const random = seededRandom(46);
    fusedActivations.forEach((fused, i) => {
      const c: PointwiseCase = { N: 2, C: 7, M: 5 + 4 * (i % 3), H: 3, W: 5, bias: i % 2 === 0, attrs: {} };
      const activation = fused ? activationArgs(fused.op, fused.attrs ?? {}, { min: fused.min, max: fused.max }) : undefined;
      const placed = placeVariant(convPointwiseC4, c.attrs, tensorsOf(random, c), activation);
      placed.transform();
      placed.run();
      const out = new Float32Array(placed.memory.buffer, placed.args.outputs[0], c.N * Math.ceil(c.M / 4) * 4 * c.H * c.W);
      assert.ok(out.every(Number.isFinite), `${fused?.op ?? 'none'}: a non-finite output or pad lane`);
    });
  });

  it('the transform is deterministic and writes nothing past packedBytes', () => {
    const random = seededRandom(47);
    const c: PointwiseCase = { N: 1, C: 13, M: 11, H: 4, W: 4, bias: true, attrs: {} };
    const inputs = tensorsOf(random, c);
    assert.deepEqual(packedWeights(convPointwiseC4, c.attrs, inputs), packedWeights(convPointwiseC4, c.attrs, inputs));
  });

  it('applies only to 1×1, stride 1, unpadded, group 1 Conv on NC4HW4 values', () => {
    const random = seededRandom(48);
    const x = randomTensor(random, [1, 8, 6, 6]);
    const applies = (attrs: Attributes, w = randomTensor(random, [4, 8, 1, 1]), layout = convPointwiseC4.layout) =>
      runsOn(convPointwiseC4, shapesOf('Conv', attrs, [x, w], layout));
    assert.ok(applies({}));
    assert.ok(!applies({}, undefined, { input: 'NCHW', output: 'NCHW' }), 'NCHW values');
    assert.ok(!applies({ strides: [2, 2] }), 'stride 2');
    assert.ok(!applies({ pads: [1, 1, 1, 1] }), 'padded');
    assert.ok(!applies({ kernel_shape: [3, 3] }, randomTensor(random, [4, 8, 3, 3])), '3×3');
    assert.ok(!applies({ group: 2 }, randomTensor(random, [4, 4, 1, 1])), 'grouped');
  });
});
