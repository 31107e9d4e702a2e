/**
 * One kernel variant placed in a fresh memory the way the runtime places a step (inputs, packed
 * weights, outputs and scratch at 64-byte aligned offsets after the wasm module's static data,
 * with the planner's 64 bytes of slack after each), its stages callable one at a time so each can
 * be timed: `transform` (raw → packed, when the variant has one) and `run`. Used by the profiler,
 * the kernel benchmark and the kernels' property tests.
 */
import { noActivation } from '../../runtime/kernels/activation-codes.js';
import type { Attributes } from '../../runtime/kernels/kernel.js';
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import { fitsLayout, type ActivationArgs, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../../runtime/kernels/variant.js';
import { instantiateKernels, kernelStaticBytes } from '../../runtime/kernels/wasm/module.js';
import { fromNC4HW4, layoutElements, toNC4HW4, valueBytes, type ActivationLayout } from '../../runtime/tensor/layout.js';
import { allocData, type Tensor, type ValueInfo } from '../../runtime/tensor/tensor.js';
import { isWeightInput } from '../profile/signature.js';
import { CompileError, codes } from '../diagnostics.js';

export interface PlacedVariant {
  readonly variant: KernelVariant;
  readonly shapes: StepShapes;
  readonly memory: KernelMemory;
  /** The shared wasm memory behind `memory` (for lanes on other threads) and the run's arguments. */
  readonly wasmMemory: WebAssembly.Memory;
  readonly args: StepArgs;
  /** Bytes the transform writes (0 without one). */
  readonly packedBytes: number;
  transform(): void;
  run(): void;
  /** The packed weights (after `transform`), as the bundle would store them. */
  packed(): Uint8Array;
  /** Copies of the outputs. */
  outputs(): Tensor[];
}

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

/** An input that is not a weight takes the variant's layout when it is 4-D (only 4-D values have NC4HW4: Clip's scalar bounds stay as they are). */
function takesLayout(op: string, input: number, info: ValueInfo): boolean {
  return !isWeightInput(op, input) && info.dims.length === 4;
}

/**
 * Whether `variant` can run a placed step with these shapes, as the compiler decides it: it
 * applies to them and takes and gives their layouts (fitsLayout, activations as `shapesOf` places them).
 */
export function runsOn(variant: KernelVariant, shapes: StepShapes): boolean {
  const activation = shapes.inputs.map((info, i) => !!info && takesLayout(variant.op, i, info));
  return fitsLayout(variant, shapes, activation) && variant.appliesTo(shapes);
}

/**
 * The step's shapes as the compiler would see them, outputs from the reference kernel's `infer`
 * (for ops without a reference kernel, the layout conversions, the input's), activations and
 * outputs in `layout` (a variant's, by default NCHW).
 */
export function shapesOf(op: string, attrs: Attributes, inputs: readonly (Tensor | undefined)[],
  layout: KernelVariant['layout'] = { input: 'NCHW', output: 'NCHW' }): StepShapes {
  const infos = inputs.map((t) => (t ? { dtype: t.dtype, dims: t.dims, value: t } : undefined));
  const inLayout = (i: number, info: ValueInfo): { layout?: ActivationLayout } =>
    (layout.input !== 'NCHW' && takesLayout(op, i, info) ? { layout: layout.input } : {});
  const outputs: readonly ValueInfo[] = referenceKernel(op)?.infer(infos, attrs) ?? [{ dtype: inputs[0]!.dtype, dims: inputs[0]!.dims }];
  return {
    attrs,
    inputs: infos.map((info, i) => (info ? { dtype: info.dtype, dims: info.dims, ...inLayout(i, info) } : undefined)),
    outputs: outputs.map((o) => (layout.output !== 'NCHW' ? { ...o, layout: layout.output } : o)),
  };
}

/** `module`: a build of the kernels to run on (the compiler's marked copies); this process's by default. */
export function placeVariant(variant: KernelVariant, attrs: Attributes, inputs: readonly (Tensor | undefined)[],
  activation: ActivationArgs = noActivation, shapes: StepShapes = shapesOf(variant.op, attrs, inputs, variant.layout),
  module?: WebAssembly.Module): PlacedVariant {
  if (!runsOn(variant, shapes)) throw new CompileError(codes.internal, `${variant.id} does not apply to these shapes and layouts`, {}, 'place a variant only on shapes it appliesTo (runsOn)');
  let cursor = kernelStaticBytes;
  const place = (bytes: number): number => {
    const at = cursor;
    cursor = align64(cursor + bytes + 64);
    return at;
  };
  // Activations in the variant's layout (NC4HW4 inputs packed here, outputs unpacked when read back).
  const placedData = inputs.map((t, i) => (t && shapes.inputs[i]?.layout === 'NC4HW4' ? toNC4HW4(t.data as Float32Array, t.dims) : t?.data));
  const inputOffsets = placedData.map((data) => (data ? place(data.byteLength) : -1));
  const transform = variant.transform;
  const packedBytes = transform ? transform.packedBytes(shapes) : 0;
  const packedOffset = transform ? place(packedBytes) : -1;
  const outputOffsets = shapes.outputs.map((o) => place(valueBytes(o)));
  const scratchBytes = variant.scratchBytes(shapes);
  const scratch = scratchBytes > 0 ? place(scratchBytes) : -1;
  const { memory: wasmMemory, exports } = instantiateKernels(cursor, module);
  const memory: KernelMemory = { buffer: wasmMemory.buffer, wasm: exports };
  const bytes = new Uint8Array(wasmMemory.buffer);
  // Poison what kernels write, so an unwritten output cannot pass as correct; touching every page
  // now also keeps the page faults of a fresh memory (the `alloc` stage) out of timed runs.
  bytes.fill(0xff, kernelStaticBytes);
  placedData.forEach((data, i) => { if (data) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), inputOffsets[i]); });
  const runInputs = inputOffsets.map((offset, i) => (transform && i === transform.input ? packedOffset : offset));
  const args: StepArgs = { shapes, inputs: runInputs, outputs: outputOffsets, scratch, activation };
  return {
    variant,
    shapes,
    memory,
    wasmMemory,
    args,
    packedBytes,
    transform: () => transform?.run(memory, shapes, inputOffsets[transform.input], packedOffset),
    run: () => variant.run(memory, args),
    packed: () => bytes.slice(packedOffset, packedOffset + packedBytes),
    outputs: () => shapes.outputs.map((o, i) => {
      const data = allocData(o.dtype, layoutElements(o.dims, o.layout));
      new Uint8Array(data.buffer).set(new Uint8Array(wasmMemory.buffer, outputOffsets[i], data.byteLength));
      return { dtype: o.dtype, dims: [...o.dims], data: o.layout === 'NC4HW4' ? fromNC4HW4(data as Float32Array, o.dims) : data };
    }),
  };
}
