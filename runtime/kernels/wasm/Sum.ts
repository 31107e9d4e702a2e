/**
 * Sum in WebAssembly SIMD: the elementwise sum of one or more float32 inputs of the output's
 * shape (no broadcasting; the reference kernel serves the rest), folded pairwise left to right
 * like the reference, with a fused activation applied in the last pass.
 */
import type { KernelVariant, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';
import { binaryOpCodes } from './binary.js';

function appliesTo(shapes: StepShapes): boolean {
  const out = shapes.outputs[0];
  if (!out || out.dtype !== 'float32') return false;
  const size = sizeOf(out.dims);
  const present = shapes.inputs.filter((i) => i !== undefined);
  return present.length > 0 && present.every((i) => i.dtype === 'float32' && sizeOf(i.dims) === size);
}

export const sumSimd: KernelVariant = {
  id: 'wasm.Sum.simd',
  op: 'Sum',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo,
  scratchBytes: () => 0,
  run(memory, args) {
    const wasm = memory.wasm!;
    const inputs = args.inputs.filter((offset) => offset >= 0);
    const out = args.outputs[0];
    const size = sizeOf(args.shapes.outputs[0].dims);
    const { code, p0, p1 } = args.activation;
    if (inputs.length === 1) {
      wasm.activateCopy(inputs[0], out, size, code, p0, p1);
      return;
    }
    // The planner never places an output over a live input, so `out` can accumulate.
    let sum = inputs[0];
    for (let i = 1; i < inputs.length; i++) {
      const last = i === inputs.length - 1;
      wasm.binarySame(binaryOpCodes.Add, sum, inputs[i], out, size, last ? code : 0, last ? p0 : 0, last ? p1 : 0);
      sum = out;
    }
  },
};
