/**
 * Child process of `measure-kernels.ts`: rebuilds one step (a StepSpec, JSON on argv), places one
 * kernel variant in a fresh memory, runs its transform, then times its first run — the cold
 * first call, V8's lazy compile included — and prints `{"executeFirstMs"}`. Another small kernel
 * runs once first, as in a cold run where the step is rarely the first: what every first call in
 * a fresh process pays once (the engine's wasm entry path, the placing code) is not charged to
 * each kernel.
 */
import { variantById } from '../../runtime/kernels/catalogue.js';
import { placeVariant } from '../probe/place-variant.js';
import { inputsOf, shapesOfSpec, type StepSpec } from '../probe/step-spec.js';

const [variantId, specJson] = process.argv.slice(2);
const variant = variantById(variantId ?? '');
if (!variant || !specJson) {
  process.stderr.write(`usage: first-call-child.js VARIANT_ID STEP_SPEC_JSON\n`);
  process.exit(2);
}
const spec = JSON.parse(specJson) as StepSpec;
const warmUp = variantById(variant.id === 'wasm.Relu.simd' ? 'wasm.Add.simd' : 'wasm.Relu.simd')!;
const tiny = { dtype: 'float32' as const, dims: [1, 4, 4, 4], data: new Float32Array(64).fill(0.5) };
placeVariant(warmUp, {}, warmUp.op === 'Add' ? [tiny, tiny] : [tiny]).run();
const placed = placeVariant(variant, spec.attrs, inputsOf(spec), undefined, shapesOfSpec(spec, variant.layout));
placed.transform();
const start = performance.now();
placed.run();
process.stdout.write(`${JSON.stringify({ executeFirstMs: performance.now() - start })}\n`);
