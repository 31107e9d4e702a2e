/**
 * `wasm.Transpose.permute`: Transpose of any dtype as one strided copy (assembly/permute.ts).
 * The output's axes are described by their size and the input's stride along them; size-1 axes
 * are dropped and output axes that stay adjacent in the input merge, so attention's head splits
 * ([S, H, D] → [H, S, D]) copy runs of D elements and a transpose that only moves size-1 axes
 * is one block copy.
 */
import type { KernelVariant, StepShapes } from '../variant.js';
import { bytesPerElement, stridesOf } from '../../tensor/tensor.js';
import { permutation } from '../ref/Transpose.js';

/** Most axes left after merging (the scratch holds shape, strides and counter for this many). */
const maxAxes = 8;

interface StridedCopy {
  shape: number[];
  /** Byte stride of the input along each output axis. */
  strides: number[];
  elementBytes: number;
}

export function stridedCopy(shapes: StepShapes): StridedCopy | undefined {
  const x = shapes.inputs[0];
  if (!x || shapes.outputs.length !== 1) return undefined;
  const elementBytes = bytesPerElement(x.dtype);
  if (elementBytes !== 4 && elementBytes !== 8 && elementBytes !== 1) return undefined;
  const perm = permutation(x.dims.length, shapes.attrs);
  const inStrides = stridesOf(x.dims);
  const shape: number[] = [];
  const strides: number[] = [];
  for (const axis of perm) {
    const size = x.dims[axis];
    if (size === 1) continue;
    const stride = inStrides[axis] * elementBytes;
    const last = shape.length - 1;
    if (last >= 0 && strides[last] === stride * size) {
      shape[last] *= size;
      strides[last] = stride;
    } else {
      shape.push(size);
      strides.push(stride);
    }
  }
  if (shape.length === 0) {
    shape.push(1);
    strides.push(elementBytes);
  }
  return shape.length <= maxAxes ? { shape, strides, elementBytes } : undefined;
}

export const transposePermute: KernelVariant = {
  id: 'wasm.Transpose.permute',
  op: 'Transpose',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: false,
  usesWasm: true,
  appliesTo: (shapes) => !shapes.outputs[0].dims.includes(0) && stridedCopy(shapes) !== undefined,
  scratchBytes: () => 3 * maxAxes * 4,
  run(memory, args) {
    const { shape, strides, elementBytes } = stridedCopy(args.shapes)!;
    const table = new Int32Array(memory.buffer, args.scratch, 2 * maxAxes);
    table.set(shape, 0);
    table.set(strides, maxAxes);
    memory.wasm!.permute(args.inputs[0], args.outputs[0], shape.length, args.scratch, args.scratch + maxAxes * 4,
      args.scratch + 2 * maxAxes * 4, elementBytes);
  },
};
