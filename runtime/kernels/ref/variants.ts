/**
 * Every reference kernel as a kernel variant (`ref.<Op>`): it reads its inputs as typed-array
 * views of the planned memory, computes in JavaScript, and copies its outputs to their planned
 * offsets. No transform, no scratch, applies everywhere: the fallback and the specification.
 */
import { KernelError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import type { KernelMemory, KernelVariant, StepArgs } from '../variant.js';
import { viewOf, type Tensor } from '../../tensor/tensor.js';

export function referenceVariant(kernel: ReferenceKernel): KernelVariant {
  return {
    id: `ref.${kernel.op}`,
    op: kernel.op,
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: false,
    usesWasm: false,
    appliesTo: () => true,
    scratchBytes: () => 0,
    run(memory: KernelMemory, args: StepArgs): void {
      const inputs = args.inputs.map((offset, i) => {
        const info = args.shapes.inputs[i];
        return offset < 0 || !info ? undefined : viewOf(info.dtype, info.dims, memory.buffer, offset);
      });
      const outputs = kernel.run(inputs, args.shapes.attrs);
      args.outputs.forEach((offset, i) => {
        if (offset < 0) return;
        // The plan allotted this output its size; a tensor of another size must not be written there.
        const planned = args.shapes.outputs[i].dims.join(',');
        if (outputs[i].dims.join(',') !== planned) {
          throw new KernelError(`${kernel.op} computed an output of shape [${outputs[i].dims.join(',')}]; the plan allots [${planned}]`);
        }
        writeAt(memory.buffer, offset, outputs[i]);
      });
    },
  };
}

/** Copies a tensor's bytes to `offset` (a no-op when it already lives there). */
export function writeAt(buffer: ArrayBufferLike, offset: number, tensor: Tensor): void {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  if (tensor.data.buffer === buffer && tensor.data.byteOffset === offset) return;
  new Uint8Array(buffer, offset, bytes.length).set(bytes);
}
