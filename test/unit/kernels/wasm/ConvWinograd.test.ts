/**
 * Property tests of the Winograd Conv variants against the reference Conv: seeded random 3×3
 * stride-1 convolutions (ragged channel counts, odd sizes, every pad combination, tiles that
 * straddle rows and panels), every fused activation, the lane split, the variants' scope, and the
 * transform giving byte-identical packed weights run twice.
 *
 * Tolerances: F(2,3) meets the fast kernels' rtol 1e-4 / atol 1e-5. F(4,3) and F(6,3) multiply
 * inputs and weights by transform coefficients up to 5.25 and 32 and the rounding grows with them,
 * so they are held to rtol 1e-3 / atol 1e-4 (the reference-comparison tolerance of the model tests);
 * the CNN-sized cases below report the errors actually seen.
 */
import assert from 'node:assert/strict';
import { convWinogradF23, convWinogradF43, convWinogradF63 } from '../../../../runtime/kernels/wasm/ConvWinograd.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors, maxRelativeError } from '../../../support/compare.js';
import { referenceOutputs, runVariant, shapesOf, type FusedSpec, fusedActivations, inLanes, packedWeights } from '../../../support/variant-harness.js';

interface ConvCase { C: number; H: number; W: number; M: number; pads: [number, number, number, number]; bias: boolean }

const variants = [
  { variant: convWinogradF23, rtol: 1e-4, atol: 1e-5 },
  { variant: convWinogradF43, rtol: 1e-3, atol: 1e-4 },
  { variant: convWinogradF63, rtol: 1e-3, atol: 1e-4 },
];

function randomCase(random: () => number): ConvCase {
  const pad = () => Math.floor(random() * 3);
  const pads: [number, number, number, number] = [pad(), pad(), pad(), pad()];
  const size = (before: number, after: number) => Math.max(1, 3 - before - after) + Math.floor(random() * 17);
  return {
    C: 1 + Math.floor(random() * 14), H: size(pads[0], pads[2]), W: size(pads[1], pads[3]),
    M: 1 + Math.floor(random() * 20), pads, bias: random() < 0.7,
  };
}

const attrsOf = (c: ConvCase) => ({ kernel_shape: [3, 3], pads: c.pads });

function tensors(random: () => number, c: ConvCase) {
  return [
    randomTensor(random, [1, c.C, c.H, c.W]),
    randomTensor(random, [c.M, c.C, 3, 3], 0.5),
    c.bias ? randomTensor(random, [c.M], 0.5) : undefined,
  ];
}

/** Runs one case; returns max |error| / max |expected|. */
function checkCase(variant: KernelVariant, tolerance: { rtol: number; atol: number }, c: ConvCase, inputs: ReturnType<typeof tensors>,
  fused: FusedSpec | undefined, label: string): number {
  const expected = referenceOutputs('Conv', attrsOf(c), inputs, fused)[0];
  const actual = runVariant(variant, attrsOf(c), inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, tolerance.rtol, tolerance.atol);
  assert.equal(mismatch, undefined, `${variant.id} ${label} ${JSON.stringify(c)} ${fused?.op ?? ''}: ${mismatch?.reason}`);
  return maxRelativeError(actual.data as Float32Array, expected.data as Float32Array);
}

describe('wasm Winograd Conv variants against the reference', () => {
  for (const [index, { variant, ...tolerance }] of variants.entries()) {
    describe(variant.id, () => {
      it('80 seeded random 3×3 convolutions', () => {
        const random = seededRandom(31 + index);
        for (let i = 0; i < 80; i++) {
          const c = randomCase(random);
          const inputs = tensors(random, c);
          assert.ok(variant.appliesTo(shapesOf('Conv', attrsOf(c), inputs)));
          checkCase(variant, tolerance, c, inputs, fusedActivations[i % fusedActivations.length], `case ${i}`);
        }
      });

      it('every pad combination', () => {
        const random = seededRandom(41 + index);
        for (let mask = 0; mask < 81; mask++) {
          const pads = [0, 1, 2, 3].map((axis) => Math.floor(mask / 3 ** axis) % 3) as [number, number, number, number];
          const c: ConvCase = { C: 3, H: 7 + (mask % 4), W: 9 + (mask % 5), M: 7, pads, bias: mask % 2 === 0 };
          checkCase(variant, tolerance, c, tensors(random, c), fusedActivations[mask % fusedActivations.length], `pads ${pads}`);
        }
      });

      it('auto_pad SAME_UPPER, SAME_LOWER and VALID', () => {
        const random = seededRandom(71 + index);
        const c: ConvCase = { C: 6, H: 10, W: 13, M: 9, pads: [0, 0, 0, 0], bias: true };
        const inputs = tensors(random, c);
        for (const autoPad of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
          const attrs = { kernel_shape: [3, 3], auto_pad: autoPad };
          assert.ok(variant.appliesTo(shapesOf('Conv', attrs, inputs)));
          const expected = referenceOutputs('Conv', attrs, inputs)[0];
          const mismatch = compareTensors(runVariant(variant, attrs, inputs)[0], expected, tolerance.rtol, tolerance.atol);
          assert.equal(mismatch, undefined, `${variant.id} auto_pad ${autoPad}: ${mismatch?.reason}`);
        }
      });

      it('split over 1, 2 and 3 lanes, several panel blocks', () => {
        const random = seededRandom(51 + index);
        const c: ConvCase = { C: 37, H: 45, W: 43, M: 13, pads: [1, 1, 1, 1], bias: true };
        const inputs = tensors(random, c);
        for (const lanes of [1, 2, 3]) checkCase(inLanes(variant, lanes), tolerance, c, inputs, { op: 'Relu' }, `${lanes} lanes`);
      });

      it('CNN-sized layers (error reported)', function () {
        const random = seededRandom(61 + index);
        const errors: string[] = [];
        for (const [C, size] of [[64, 28], [128, 14], [256, 7]] as const) {
          const c: ConvCase = { C, H: size, W: size, M: 19, pads: [1, 1, 1, 1], bias: true };
          const inputs = tensors(random, c);
          // He-initialised weights (std √(2 / fan-in); uniform on ±√3·std), as in a CNN layer.
          inputs[1] = randomTensor(random, [c.M, C, 3, 3], Math.sqrt(3) * Math.sqrt(2 / (C * 9)));
          errors.push(`C=${C} ${size}×${size}: ${checkCase(variant, tolerance, c, inputs, undefined, 'CNN-sized').toExponential(2)}`);
        }
        if (process.env.NNCC_DEBUG) console.log(`      ${variant.id} max error / max |output|: ${errors.join(', ')}`);
      });

      it('the transform is deterministic and stays within packedBytes', () => {
        const random = seededRandom(7);
        for (const [C, M] of [[5, 7], [1, 1], [13, 12]]) {
          const c: ConvCase = { C, H: 9, W: 9, M, pads: [1, 1, 1, 1], bias: true };
          const inputs = tensors(random, c);
          assert.deepEqual(packedWeights(variant, attrsOf(c), inputs), packedWeights(variant, attrsOf(c), inputs));
        }
      });

      it('applies only to 3×3, stride 1, dilation 1, group 1, batch 1', () => {
        const random = seededRandom(8);
        const base: ConvCase = { C: 4, H: 9, W: 9, M: 4, pads: [1, 1, 1, 1], bias: false };
        const inputs = tensors(random, base);
        const applies = (attrs: Record<string, unknown>, ins = inputs) => variant.appliesTo(shapesOf('Conv', { kernel_shape: [3, 3], ...attrs } as never, ins));
        assert.ok(applies({ pads: [0, 2, 1, 0] }));
        assert.ok(!applies({ strides: [2, 2] }));
        assert.ok(!applies({ dilations: [2, 1] }));
        const fiveByFive = [inputs[0], randomTensor(random, [4, 4, 5, 5]), undefined];
        assert.ok(!variant.appliesTo(shapesOf('Conv', { kernel_shape: [5, 5] }, fiveByFive)));
      });
    });
  }
});
