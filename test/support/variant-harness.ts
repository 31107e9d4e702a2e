/**
 * Runs one kernel variant on given inputs, outside any plan, the way the runtime would: inputs
 * placed in a fresh planned memory (with 64 bytes of slack after each, as the memory planner
 * leaves), the weight transform run when the variant has one, then `run` with a fused
 * activation. `referenceOutputs` computes what the reference kernels give for the same node, so
 * property tests can compare any variant with the specification.
 */
import { activationArgs, noActivation } from '../../runtime/kernels/activation-codes.js';
import type { Attributes } from '../../runtime/kernels/kernel.js';
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import type { KernelVariant, StepShapes } from '../../runtime/kernels/variant.js';
import { instantiateKernels, kernelStaticBytes } from '../../runtime/kernels/wasm/module.js';
import { allocData, fromNumbers, sizeOf, type Tensor } from '../../runtime/tensor/tensor.js';

export interface FusedSpec {
  op: string;
  attrs?: Attributes;
  /** Clip's min and max, as constant inputs. */
  min?: number;
  max?: number;
}

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

export function shapesOf(op: string, attrs: Attributes, inputs: readonly (Tensor | undefined)[]): StepShapes {
  const kernel = referenceKernel(op)!;
  const infos = inputs.map((t) => (t ? { dtype: t.dtype, dims: t.dims, value: t } : undefined));
  return { attrs, inputs: infos.map((i) => (i ? { dtype: i.dtype, dims: i.dims } : undefined)), outputs: kernel.infer(infos, attrs) };
}

export function runVariant(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[], fused?: FusedSpec): Tensor[] {
  const shapes = shapesOf(variant.op, attrs, inputs);
  if (!variant.appliesTo(shapes)) throw new Error(`${variant.id} does not apply to these shapes`);
  let cursor = kernelStaticBytes;
  const place = (bytes: number): number => {
    const at = cursor;
    cursor = align64(cursor + bytes + 64);
    return at;
  };
  const inputOffsets = inputs.map((t) => (t ? place(t.data.byteLength) : -1));
  const transform = variant.transform;
  const packedOffset = transform ? place(transform.packedBytes(shapes)) : -1;
  const outputOffsets = shapes.outputs.map((o) => place(sizeOf(o.dims) * 8));
  const scratchBytes = variant.scratchBytes(shapes);
  const scratch = scratchBytes > 0 ? place(scratchBytes) : -1;
  const { memory, exports } = instantiateKernels(cursor);
  const kernelMemory = { buffer: memory.buffer, wasm: exports };
  const bytes = new Uint8Array(memory.buffer);
  // Poison everything kernels write, so an unwritten output cannot pass as zeros.
  bytes.fill(0xff, kernelStaticBytes);
  inputs.forEach((t, i) => { if (t) bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), inputOffsets[i]); });
  const runInputs = [...inputOffsets];
  if (transform) {
    transform.run(kernelMemory, shapes, inputOffsets[transform.input], packedOffset);
    runInputs[transform.input] = packedOffset;
  }
  const activation = fused ? activationArgs(fused.op, fused.attrs ?? {}, { min: fused.min, max: fused.max }) : noActivation;
  if (fused && !variant.fusesActivation) throw new Error(`${variant.id} does not fuse activations`);
  variant.run(kernelMemory, { shapes, inputs: runInputs, outputs: outputOffsets, scratch, activation });
  return shapes.outputs.map((o, i) => {
    const data = allocData(o.dtype, sizeOf(o.dims));
    new Uint8Array(data.buffer).set(new Uint8Array(memory.buffer, outputOffsets[i], data.byteLength));
    return { dtype: o.dtype, dims: [...o.dims], data };
  });
}

export function referenceOutputs(op: string, attrs: Attributes, inputs: readonly (Tensor | undefined)[], fused?: FusedSpec): Tensor[] {
  const outputs = referenceKernel(op)!.run(inputs, attrs);
  if (!fused) return outputs;
  const extra = fused.op === 'Clip'
    ? [fused.min === undefined ? undefined : fromNumbers('float32', [], [fused.min]), fused.max === undefined ? undefined : fromNumbers('float32', [], [fused.max])]
    : [];
  return [referenceKernel(fused.op)!.run([outputs[0], ...extra], fused.attrs ?? {})[0], ...outputs.slice(1)];
}
