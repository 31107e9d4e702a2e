/**
 * The kernel catalogue: every kernel the runtime can run, by kernel id, and the ABI string a
 * bundle must match. Today it holds the reference kernels (`ref.<Op>`); faster variants register
 * here under their own ids, with their weight transforms.
 */
import type { ReferenceKernel } from './kernel.js';
import { referenceKernel } from './ref/registry.js';

/** Changes whenever a kernel's weight layout or semantics change; bundles must match it. */
export const kernelAbi = 'ref/1';

export function referenceKernelId(op: string): string {
  return `ref.${op}`;
}

export function kernelById(id: string): ReferenceKernel | undefined {
  return id.startsWith('ref.') ? referenceKernel(id.slice(4)) : undefined;
}
