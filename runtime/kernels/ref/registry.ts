/**
 * The one list of reference kernels, keyed by ONNX op type. Adding an operator means adding its
 * file under `ref/`, one line here, and a test. Registering an op twice throws.
 */
import type { ReferenceKernel } from '../kernel.js';

const kernels: ReferenceKernel[] = [
  // filled in as operators land
];

const byOp = new Map<string, ReferenceKernel>();
for (const kernel of kernels) {
  if (byOp.has(kernel.op)) throw new Error(`reference kernel for '${kernel.op}' registered twice`);
  byOp.set(kernel.op, kernel);
}

export function referenceKernel(op: string): ReferenceKernel | undefined {
  return byOp.get(op);
}

export function supportedOps(): string[] {
  return [...byOp.keys()].sort();
}
