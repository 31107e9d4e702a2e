/**
 * The catalogue's guard: every variant a backend registers runs its samples (variant-samples.ts)
 * and matches the reference kernels, alone, with a fused activation when it fuses one, and split
 * across lanes when it can be, writing nothing outside its output and scratch. A variant without
 * samples fails here, so none ships untested against the specification.
 */
import assert from 'node:assert/strict';
import { catalogueVariants } from '../../../runtime/kernels/catalogue.js';
import { layoutConversionOps, type KernelVariant } from '../../../runtime/kernels/variant.js';
import type { Tensor } from '../../../runtime/tensor/tensor.js';
import { randomTensor, seededRandom } from '../../../compiler/random.js';
import { compareTensors } from '../../support/compare.js';
import {
  firstOutputOnly, fusedActivations, guarded, inLanes, referenceOutputs, runsOn, runVariant, shapesOf, type FusedSpec,
} from '../../support/variant-harness.js';
import { variantSamples, type VariantSample } from './variant-samples.js';

const backendVariants = catalogueVariants().filter((v) => !v.id.startsWith('ref.'));
const isLayoutConversion = (op: string): boolean => (Object.values(layoutConversionOps) as string[]).includes(op);

function inputsOf(sample: VariantSample, seed: number): (Tensor | undefined)[] {
  const random = seededRandom(seed);
  return sample.inputs.map((input) => (input === undefined ? undefined : Array.isArray(input) ? randomTensor(random, input as number[]) : input as Tensor));
}

function check(registered: KernelVariant, sample: VariantSample, seed: number, fused: FusedSpec | undefined, lanes: number): void {
  const variant = sample.firstOutputOnly ? firstOutputOnly(registered) : registered;
  const attrs = sample.attrs ?? {};
  const inputs = inputsOf(sample, seed);
  const what = `${variant.id} on [${inputs.map((t) => (t ? t.dims.join('×') : '-')).join(', ')}]${fused ? ` + ${fused.op}` : ''}${lanes > 1 ? ` in ${lanes} lanes` : ''}`;
  assert.ok(runsOn(variant, shapesOf(variant.op, attrs, inputs, variant.layout)), `${what}: the variant does not apply to its own sample`);
  const expected = isLayoutConversion(variant.op) ? inputs[0]! : referenceOutputs(variant.op, attrs, inputs, fused)[0];
  const runnable = guarded(lanes > 1 ? inLanes(variant, lanes) : variant);
  const actual = runVariant(runnable, attrs, inputs, fused)[0];
  const { rtol, atol } = sample.tolerance ?? { rtol: 1e-4, atol: 1e-5 };
  const mismatch = compareTensors(actual, expected, rtol, atol);
  assert.equal(mismatch, undefined, `${what}: ${mismatch?.reason}`);
}

describe('kernel catalogue: every variant against the reference kernels', () => {
  it('has samples for every registered variant and for no other', () => {
    const ids = new Set(backendVariants.map((v) => v.id));
    const missing = [...ids].filter((id) => !variantSamples[id]?.length);
    const unknown = Object.keys(variantSamples).filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], `variants without samples (add them to test/unit/kernels/variant-samples.ts): ${missing.join(', ')}`);
    assert.deepEqual(unknown, [], `samples of variants the catalogue does not register: ${unknown.join(', ')}`);
  });

  for (const variant of backendVariants) {
    it(variant.id, () => {
      (variantSamples[variant.id] ?? []).forEach((sample, i) => {
        const seed = 1000 + i;
        check(variant, sample, seed, undefined, 1);
        if (variant.fusesActivation) check(variant, sample, seed, fusedActivations[1 + ((i * 3) % (fusedActivations.length - 1))], 1);
        if (variant.parallel) check(variant, sample, seed, undefined, 3);
      });
    });
  }
});
