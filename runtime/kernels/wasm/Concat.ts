/**
 * Concat in WebAssembly: block copies (memory.copy), any dtype and any axis. Each input fills
 * its slot of every outer slice: outer = product of the dims before the axis, one block of
 * dims[axis:] elements per slice, so a channel concat of NCHW activations at batch 1 is one
 * copy per input.
 */
import { normaliseAxis, attrInt } from '../kernel.js';
import type { KernelVariant, StepShapes } from '../variant.js';
import { bytesPerElement, sizeOf } from '../../tensor/tensor.js';

function appliesTo(shapes: StepShapes): boolean {
  const out = shapes.outputs[0];
  const present = shapes.inputs.filter((i) => i !== undefined);
  return !!out && shapes.outputs.length === 1 && present.length > 0 && present.every((i) => i.dtype === out.dtype && i.dims.length === out.dims.length);
}

export const concatCopy: KernelVariant = {
  id: 'wasm.Concat.copy',
  op: 'Concat',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: false,
  usesWasm: true,
  appliesTo,
  scratchBytes: () => 0,
  run(memory, args) {
    const out = args.shapes.outputs[0];
    const axis = normaliseAxis(attrInt(args.shapes.attrs, 'axis'), out.dims.length);
    const elementBytes = bytesPerElement(out.dtype);
    const outer = sizeOf(out.dims.slice(0, axis));
    const outBlockBytes = sizeOf(out.dims.slice(axis)) * elementBytes;
    let slotBytes = 0;
    args.shapes.inputs.forEach((input, i) => {
      if (!input || args.inputs[i] < 0) return;
      const blockBytes = sizeOf(input.dims.slice(axis)) * elementBytes;
      memory.wasm!.copyBlocks(args.inputs[i], blockBytes, args.outputs[0] + slotBytes, outBlockBytes, blockBytes, outer);
      slotBytes += blockBytes;
    });
  },
};
