/**
 * One kernel variant placed in a fresh memory the way the runtime places a step (inputs, packed
 * weights, output and scratch at 64-byte aligned offsets after the wasm module's static data),
 * with its stages callable one at a time so each can be timed: `transform` (raw → packed, when
 * the variant has one) and `run`. test/support/variant-harness.ts does the same in one call.
 */
import { noActivation } from '../../../runtime/kernels/activation-codes.js';
import type { Attributes } from '../../../runtime/kernels/kernel.js';
import type { KernelMemory, KernelVariant, StepArgs } from '../../../runtime/kernels/variant.js';
import { instantiateKernels, kernelStaticBytes } from '../../../runtime/kernels/wasm/module.js';
import { bytesPerElement, sizeOf, type Tensor } from '../../../runtime/tensor/tensor.js';
import { shapesOf } from '../../support/variant-harness.js';

export interface PlacedVariant {
  readonly variant: KernelVariant;
  readonly memory: KernelMemory;
  /** Bytes the transform writes (0 without one). */
  readonly packedBytes: number;
  transform(): void;
  run(): void;
  /** The packed weights (after `transform`), as the bundle would store them. */
  packed(): Uint8Array;
  /** A copy of the first output. */
  output(): Float32Array;
}

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

export function placeVariant(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[]): PlacedVariant {
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
  const packedBytes = transform ? transform.packedBytes(shapes) : 0;
  const packedOffset = transform ? place(packedBytes) : -1;
  const outputOffsets = shapes.outputs.map((o) => place(sizeOf(o.dims) * bytesPerElement(o.dtype)));
  const scratchBytes = variant.scratchBytes(shapes);
  const scratch = scratchBytes > 0 ? place(scratchBytes) : -1;
  const { memory: wasmMemory, exports } = instantiateKernels(cursor);
  const memory: KernelMemory = { buffer: wasmMemory.buffer, wasm: exports };
  const bytes = new Uint8Array(wasmMemory.buffer);
  // Poison what kernels write, so an unwritten output cannot pass as correct; touching every page
  // now also keeps the page faults of a fresh memory (the `alloc` stage) out of the first call.
  bytes.fill(0xff, kernelStaticBytes);
  inputs.forEach((t, i) => { if (t) bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), inputOffsets[i]); });
  const runInputs = inputOffsets.map((offset, i) => (transform && i === transform.input ? packedOffset : offset));
  const args: StepArgs = { shapes, inputs: runInputs, outputs: outputOffsets, scratch, activation: noActivation };
  const outputLength = sizeOf(shapes.outputs[0].dims);
  return {
    variant,
    memory,
    packedBytes,
    transform: () => transform?.run(memory, shapes, inputOffsets[transform.input], packedOffset),
    run: () => variant.run(memory, args),
    packed: () => bytes.slice(packedOffset, packedOffset + packedBytes),
    output: () => new Float32Array(wasmMemory.buffer, outputOffsets[0], outputLength).slice(),
  };
}
