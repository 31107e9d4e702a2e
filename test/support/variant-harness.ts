/**
 * Runs one kernel variant on given inputs, outside any plan, the way the runtime would
 * (compiler/profile/place-variant.ts: inputs in a fresh planned memory, the weight transform when
 * the variant has one, then `run` with a fused activation). `referenceOutputs` computes what the
 * reference kernels give for the same node, so property tests can compare any variant with the
 * specification.
 */
import { placeVariant, shapesOf } from '../../compiler/profile/place-variant.js';
import { activationArgs } from '../../runtime/kernels/activation-codes.js';
import type { Attributes } from '../../runtime/kernels/kernel.js';
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { fromNumbers, type Tensor } from '../../runtime/tensor/tensor.js';

export { shapesOf };

export interface FusedSpec {
  op: string;
  attrs?: Attributes;
  /** Clip's min and max, as constant inputs. */
  min?: number;
  max?: number;
}

export function runVariant(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[], fused?: FusedSpec): Tensor[] {
  if (fused && !variant.fusesActivation) throw new Error(`${variant.id} does not fuse activations`);
  const activation = fused ? activationArgs(fused.op, fused.attrs ?? {}, { min: fused.min, max: fused.max }) : undefined;
  const placed = placeVariant(variant, attrs, inputs, activation);
  placed.transform();
  placed.run();
  return placed.outputs();
}

export function referenceOutputs(op: string, attrs: Attributes, inputs: readonly (Tensor | undefined)[], fused?: FusedSpec): Tensor[] {
  const outputs = referenceKernel(op)!.run(inputs, attrs);
  if (!fused) return outputs;
  const extra = fused.op === 'Clip'
    ? [fused.min === undefined ? undefined : fromNumbers('float32', [], [fused.min]), fused.max === undefined ? undefined : fromNumbers('float32', [], [fused.max])]
    : [];
  return [referenceKernel(fused.op)!.run([outputs[0], ...extra], fused.attrs ?? {})[0], ...outputs.slice(1)];
}
