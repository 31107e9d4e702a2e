/**
 * Property tests of `wasm.GlobalAveragePool.simd-c4` against the reference GlobalAveragePool:
 * seeded random NC4HW4 inputs (ragged channel counts, planes from 1×1 up, batch > 1) into NCHW
 * outputs, nothing written past the C real channels.
 */
import assert from 'node:assert/strict';
import { globalAveragePoolSimdC4 } from '../../../../runtime/kernels/wasm/PoolC4.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import { compareTensors } from '../../../support/compare.js';
import { guarded, referenceOutputs, runVariant, shapesOf, runsOn } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

describe('wasm.GlobalAveragePool.simd-c4 against the reference', () => {
  it('60 seeded random shapes, writing nothing outside the output', () => {
    const random = seededRandom(80);
    const size = () => pick(random, [1, 2, 3, 5, 7, 1 + Math.floor(random() * 30)]);
    for (let i = 0; i < 60; i++) {
      const dims = [pick(random, [1, 1, 2, 3]), pick(random, [1, 3, 4, 5, 8, 13, 1 + Math.floor(random() * 40)]), size(), size()];
      const inputs = [randomTensor(random, dims, 3)];
      const expected = referenceOutputs('GlobalAveragePool', {}, inputs)[0];
      const actual = runVariant(guarded(globalAveragePoolSimdC4), {}, inputs)[0];
      const mismatch = compareTensors(actual, expected, 1e-5, 1e-6);
      assert.equal(mismatch, undefined, `case ${i} [${dims}]: ${mismatch?.reason}`);
    }
  });

  it('applies to 4-D float32 NC4HW4 inputs with an NCHW output only', () => {
    const x = randomTensor(seededRandom(81), [1, 5, 3, 3]);
    assert.ok(runsOn(globalAveragePoolSimdC4, shapesOf('GlobalAveragePool', {}, [x], globalAveragePoolSimdC4.layout)));
    assert.ok(!runsOn(globalAveragePoolSimdC4, shapesOf('GlobalAveragePool', {}, [x])), 'NCHW input');
    assert.ok(!runsOn(globalAveragePoolSimdC4, shapesOf('GlobalAveragePool', {}, [x], { input: 'NC4HW4', output: 'NC4HW4' })), 'NC4HW4 output');
  });
});
