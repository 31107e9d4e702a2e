/**
 * Runs one kernel variant on given inputs, outside any plan, the way the runtime would
 * (compiler/probe/place-variant.ts: inputs in a fresh planned memory, the weight transform when
 * the variant has one, then `run` with a fused activation). `referenceOutputs` computes what the
 * reference kernels give for the same node, so property tests can compare any variant with the
 * specification.
 */
import { placeVariant, runsOn, shapesOf } from '../../compiler/probe/place-variant.js';
import { valueBytes } from '../../runtime/tensor/layout.js';
import { activationArgs } from '../../runtime/kernels/activation-codes.js';
import type { Attributes } from '../../runtime/kernels/kernel.js';
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { instantiateKernels, kernelStaticBytes } from '../../runtime/kernels/wasm/module.js';
import assert from 'node:assert/strict';
import { fromNumbers, type Tensor } from '../../runtime/tensor/tensor.js';

export { runsOn, shapesOf };

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

/** Every fused activation a variant may be asked for (none first), for cycling through in cases. */
export const fusedActivations: (FusedSpec | undefined)[] = [
  undefined, { op: 'Relu' }, { op: 'Clip', min: 0, max: 6 }, { op: 'LeakyRelu', attrs: { alpha: 0.1 } },
  { op: 'HardSwish' }, { op: 'HardSigmoid', attrs: { alpha: 0.3, beta: 0.4 } }, { op: 'Sigmoid' }, { op: 'Tanh' }, { op: 'Silu' },
  { op: 'Gelu' }, { op: 'Gelu', attrs: { approximate: 'tanh' } },
];

/**
 * The reference kernels infer every output of an op (MaxPool: Y and Indices); a compiled step
 * lists only Y when the node asks for Y alone. The variant as it answers for that step (compare Y only).
 */
export function firstOutputOnly(variant: KernelVariant): KernelVariant {
  return { ...variant, appliesTo: (shapes) => variant.appliesTo({ ...shapes, outputs: shapes.outputs.slice(0, 1) }) };
}

/** The variant run as `lanes` lanes would run it (one after another here, last lane first): prelude, then every part. */
export function inLanes(variant: KernelVariant, lanes: number): KernelVariant {
  const parallel = variant.parallel!;
  return {
    ...variant,
    run: (memory, args) => {
      parallel.prelude(memory, args);
      for (let lane = lanes - 1; lane >= 0; lane--) parallel.part(memory, args, lane, lanes);
    },
  };
}

/**
 * The variant, checked to write nothing but its output and scratch: its inputs and the 64 bytes
 * after its output and after its scratch must be unchanged.
 */
export function guarded(variant: KernelVariant): KernelVariant {
  return {
    ...variant,
    run: (memory, args) => {
      const bytes = new Uint8Array(memory.buffer);
      const outputEnd = args.outputs[0] + valueBytes(args.shapes.outputs[0]);
      const scratchEnd = args.scratch + variant.scratchBytes(args.shapes);
      const regions: [number, number][] = [[outputEnd, 64], [scratchEnd, 64]];
      args.inputs.forEach((at, i) => { if (at >= 0) regions.push([at, valueBytes(args.shapes.inputs[i]!)]); });
      const before = regions.map(([at, n]) => bytes.slice(at, at + n));
      variant.run(memory, args);
      regions.forEach(([at, n], i) => assert.deepEqual(bytes.slice(at, at + n), before[i], `${variant.id} wrote outside its output and scratch, at ${at}`));
    },
  };
}

/**
 * A variant's packed weights (input `transform.input`), transformed in a fresh memory filled with
 * garbage; asserts the transform writes nothing past its `packedBytes`.
 */
export function packedWeights(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[]): Uint8Array {
  const shapes = shapesOf(variant.op, attrs, inputs);
  const transform = variant.transform!;
  const weights = inputs[transform.input]!;
  const raw = kernelStaticBytes;
  const packed = raw + Math.ceil(weights.data.byteLength / 64) * 64;
  const bytes = transform.packedBytes(shapes);
  const guardBytes = 256;
  const { memory, exports } = instantiateKernels(packed + bytes + guardBytes);
  new Uint8Array(memory.buffer).fill(0xff, kernelStaticBytes);
  new Uint8Array(memory.buffer).set(new Uint8Array(weights.data.buffer, weights.data.byteOffset, weights.data.byteLength), raw);
  transform.run({ buffer: memory.buffer, wasm: exports }, shapes, raw, packed);
  assert.ok(new Uint8Array(memory.buffer, packed + bytes, guardBytes).every((b) => b === 0xff), `${variant.id} wrote past packedBytes`);
  return new Uint8Array(memory.buffer.slice(packed, packed + bytes));
}
