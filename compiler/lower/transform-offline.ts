/**
 * Runs a kernel variant's weight transform in the compiler, on a private instance of the same
 * wasm kernels the runtime uses, so weights stored packed are byte-identical to what the runtime
 * would compute at load time.
 */
import type { KernelVariant, StepShapes } from '../../runtime/kernels/variant.js';
import { instantiateKernels, kernelStaticBytes } from '../../runtime/kernels/wasm/module.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { align64 } from './memory-plan.js';

export function transformOffline(variant: KernelVariant, shapes: StepShapes, raw: Tensor): Uint8Array {
  const transform = variant.transform!;
  const packedBytes = transform.packedBytes(shapes);
  const rawOffset = kernelStaticBytes;
  const packedOffset = align64(rawOffset + raw.data.byteLength);
  const { memory, exports } = instantiateKernels(packedOffset + packedBytes);
  new Uint8Array(memory.buffer, rawOffset, raw.data.byteLength).set(new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength));
  transform.run({ buffer: memory.buffer, wasm: exports }, shapes, rawOffset, packedOffset);
  return new Uint8Array(memory.buffer, packedOffset, packedBytes).slice();
}
