/**
 * Property tests of the layout conversions `wasm.ToNC4HW4.simd` and `wasm.ToNCHW.simd` against
 * runtime/tensor/layout.ts (the specification: no reference kernel has these ops): seeded random
 * 4-D shapes (ragged channel counts, planes from 1×1 up, pixel counts off a multiple of 4, batch
 * > 1), the packed bytes including zero pad lanes, the round trip, and the split across lanes
 * (by channel blocks and by pixels).
 */
import assert from 'node:assert/strict';
import { toNC4HW4Simd } from '../../../../runtime/kernels/wasm/ToNC4HW4.js';
import { toNCHWSimd } from '../../../../runtime/kernels/wasm/ToNCHW.js';
import type { KernelVariant } from '../../../../runtime/kernels/variant.js';
import { fromNC4HW4, layoutElements, toNC4HW4 } from '../../../../runtime/tensor/layout.js';
import { placeVariant } from '../../../../compiler/probe/place-variant.js';
import { randomTensor, seededRandom } from '../../../../compiler/random.js';
import type { Tensor } from '../../../../runtime/tensor/tensor.js';
import { guarded, inLanes, shapesOf, runsOn } from '../../../support/variant-harness.js';

type Random = () => number;
const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

function randomDims(random: Random): number[] {
  const size = () => pick(random, [1, 2, 3, 4, 5, 7, 1 + Math.floor(random() * 24)]);
  return [pick(random, [1, 1, 2, 3]), pick(random, [1, 2, 3, 4, 5, 8, 13, 1 + Math.floor(random() * 40)]), size(), size()];
}

const runnable = (variant: KernelVariant, lanes: number) => guarded(lanes > 1 ? inLanes(variant, lanes) : variant);

/** The raw floats the variant writes, in its output layout (no unpacking). */
function rawOutput(variant: KernelVariant, x: Tensor, lanes: number): Float32Array {
  const placed = placeVariant(runnable(variant, lanes), {}, [x], undefined, shapesOf(variant.op, {}, [x], variant.layout));
  placed.run();
  const output = placed.shapes.outputs[0];
  return new Float32Array(placed.memory.buffer.slice(placed.args.outputs[0], placed.args.outputs[0] + layoutElements(output.dims, output.layout) * 4));
}

function checkBoth(seed: number, cases: number, lanes: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < cases; i++) {
    const dims = randomDims(random);
    const x = randomTensor(random, dims);
    const packed = rawOutput(toNC4HW4Simd, x, lanes);
    assert.deepEqual(packed, toNC4HW4(x.data as Float32Array, dims), `ToNC4HW4 case ${i} [${dims}] ${lanes} lanes`);
    // ToNCHW's input is placed packed from x by the harness; its raw output is NCHW.
    const unpacked = rawOutput(toNCHWSimd, x, lanes);
    assert.deepEqual(unpacked, x.data, `ToNCHW(ToNC4HW4(x)) case ${i} [${dims}] ${lanes} lanes`);
    assert.deepEqual(unpacked, fromNC4HW4(packed, dims), `ToNCHW case ${i} [${dims}] ${lanes} lanes`);
  }
}

describe('wasm layout conversions against runtime/tensor/layout.ts', () => {
  it('60 seeded random shapes: packed bytes (zero pad lanes) and the round trip', () => checkBoth(51, 60, 1));
  it('20 seeded random shapes on 2 lanes', () => checkBoth(52, 20, 2));
  it('20 seeded random shapes on 3 lanes', () => checkBoth(53, 20, 3));
  it('more lanes than channel blocks: the pixels split (ragged pixel counts)', () => {
    const random = seededRandom(54);
    for (const dims of [[1, 3, 5, 7], [1, 4, 1, 9], [2, 2, 6, 6], [1, 5, 3, 11]]) {
      const x = randomTensor(random, dims);
      for (const lanes of [2, 3, 5]) {
        assert.deepEqual(rawOutput(toNC4HW4Simd, x, lanes), toNC4HW4(x.data as Float32Array, dims), `[${dims}] ${lanes} lanes`);
        assert.deepEqual(rawOutput(toNCHWSimd, x, lanes), x.data, `[${dims}] ${lanes} lanes`);
      }
    }
  });
  it('ToNC4HW4 overwrites whatever the output held in pad lanes with zeros', () => {
    // placeVariant poisons the output with NaN bytes first; toNC4HW4 (the specification) pads with 0.
    const packed = rawOutput(toNC4HW4Simd, randomTensor(seededRandom(55), [1, 5, 2, 3]), 1);
    for (let p = 0; p < 6; p++) assert.deepEqual([...packed.subarray(24 + p * 4 + 1, 24 + p * 4 + 4)], [0, 0, 0]);
  });
  it('apply to float32 4-D values in the right layouts only', () => {
    const x = randomTensor(seededRandom(56), [1, 3, 2, 2]);
    assert.ok(runsOn(toNC4HW4Simd, shapesOf('ToNC4HW4', {}, [x], toNC4HW4Simd.layout)));
    assert.ok(runsOn(toNCHWSimd, shapesOf('ToNCHW', {}, [x], toNCHWSimd.layout)));
    assert.ok(!runsOn(toNC4HW4Simd, shapesOf('ToNC4HW4', {}, [x], toNCHWSimd.layout)), 'from NC4HW4');
    assert.ok(!runsOn(toNCHWSimd, shapesOf('ToNCHW', {}, [x])), 'from NCHW');
    const flat = randomTensor(seededRandom(57), [3, 4]);
    assert.ok(!runsOn(toNC4HW4Simd, shapesOf('ToNC4HW4', {}, [flat], toNC4HW4Simd.layout)), '2-D');
  });
});
