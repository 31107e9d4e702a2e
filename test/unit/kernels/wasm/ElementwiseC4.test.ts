/**
 * Property tests of the NC4HW4 elementwise variants (`wasm.Add.simd-c4`, `wasm.Relu.simd-c4`,
 * `wasm.Clip.simd-c4`) against the reference kernels: seeded random 4-D shapes (ragged channel counts, planes from 1×1 up, batch > 1), every fused
 * activation for Add, Clip's bounds given or omitted, the split across 2 and 3 lanes.
 */
import assert from 'node:assert/strict';
import { addSimdC4, clipSimdC4, reluSimdC4 } from '../../../../runtime/kernels/wasm/ElementwiseC4.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { fromNumbers, type Tensor } from '../../../../runtime/tensor/tensor.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { fusedActivations, guarded, inLanes, referenceOutputs, runVariant, shapesOf, type FusedSpec, runsOn } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

function randomDims(random: Random): number[] {
  const size = () => pick(random, [1, 2, 3, 5, 7, 1 + Math.floor(random() * 20)]);
  return [pick(random, [1, 1, 2, 3]), pick(random, [1, 3, 4, 5, 8, 13, 1 + Math.floor(random() * 40)]), size(), size()];
}

function check(variant: KernelVariant, inputs: (Tensor | undefined)[], fused: FusedSpec | undefined, lanes: number, what: string): void {
  assert.ok(runsOn(variant, shapesOf(variant.op, {}, inputs, variant.layout)), `${variant.id} ${what} does not apply`);
  const runnable = guarded(lanes > 1 ? inLanes(variant, lanes) : variant);
  const expected = referenceOutputs(variant.op, {}, inputs, fused)[0];
  const actual = runVariant(runnable, {}, inputs, fused)[0];
  const mismatch = compareTensors(actual, expected, 1e-5, 1e-6);
  assert.equal(mismatch, undefined, `${variant.id} ${what} ${fused?.op ?? ''} ${lanes} lanes: ${mismatch?.reason}`);
}

const scalar = (v: number) => fromNumbers('float32', [], [v]);

describe('wasm NC4HW4 elementwise variants against the reference', () => {
  for (const lanes of [1, 2, 3]) {
    it(`wasm.Add.simd-c4: 40 seeded random shapes, every fused activation, ${lanes} lane(s)`, () => {
      const random = seededRandom(60 + lanes);
      for (let i = 0; i < 40; i++) {
        const dims = randomDims(random);
        check(addSimdC4, [randomTensor(random, dims), randomTensor(random, dims)], fusedActivations[i % fusedActivations.length], lanes,
          `case ${i} [${dims}]`);
      }
    });
    it(`wasm.Relu.simd-c4 and wasm.Clip.simd-c4: 16 seeded random shapes each, ${lanes} lane(s)`, () => {
      const random = seededRandom(70 + lanes);
      const bounds: (Tensor | undefined)[][] = [[scalar(0), scalar(6)], [scalar(-1), scalar(0.5)], [undefined, scalar(0.5)], [scalar(-0.5)], [], [scalar(3), scalar(1)]];
      for (let i = 0; i < 16; i++) {
        const dims = randomDims(random);
        check(reluSimdC4, [randomTensor(random, dims, 3)], undefined, lanes, `case ${i} [${dims}]`);
        check(clipSimdC4, [randomTensor(random, dims, 3), ...bounds[i % bounds.length]], undefined, lanes, `case ${i} [${dims}]`);
      }
    });
  }

  it('apply to same-shape 4-D NC4HW4 values only', () => {
    const random = seededRandom(81);
    const x = randomTensor(random, [1, 5, 3, 3]);
    assert.ok(!runsOn(addSimdC4, shapesOf('Add', {}, [x, x])), 'NCHW values');
    assert.ok(!runsOn(addSimdC4, shapesOf('Add', {}, [x, randomTensor(random, [1, 5, 1, 1])], addSimdC4.layout)), 'broadcast');
    assert.ok(!runsOn(reluSimdC4, shapesOf('Relu', {}, [x])), 'Relu on NCHW');
    assert.ok(!runsOn(clipSimdC4, shapesOf('Clip', {}, [x, randomTensor(random, [5])], clipSimdC4.layout)), 'vector bound');
  });
});
