/**
 * Row-wise transformer kernels in WebAssembly SIMD over float32 (assembly/normalization.ts):
 * - `wasm.Softmax.rows`: Softmax whose normalised elements are contiguous (the last axis, or
 *   the pre-13 2-D coercion), every row one pass for the max, one for e^(x − max) and its sum,
 *   one to scale.
 * - `wasm.LayerNormalization.rows`: LayerNormalization's Y over X [rows, cols] (cols the
 *   normalised dims), with Scale and B read whole (each of cols elements); the Mean and
 *   InvStdDev outputs, which no exported inference graph reads, are left to the reference.
 */
import { attrFloat, attrInt, normaliseAxis } from '../kernel.js';
import type { KernelVariant, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';
import { softmaxLayout } from '../ref/Softmax.js';

const isFloat32 = (v: { dtype: string } | undefined): boolean => v?.dtype === 'float32';

function softmaxRows(shapes: StepShapes): { rows: number; cols: number } | undefined {
  const x = shapes.inputs[0];
  if (!x || !isFloat32(x) || shapes.outputs.length !== 1 || x.dims.length === 0) return undefined;
  const { outer, length, stride } = softmaxLayout(x, shapes.attrs);
  return stride === 1 && length > 0 ? { rows: outer, cols: length } : undefined;
}

export const softmaxSimdRows: KernelVariant = {
  id: 'wasm.Softmax.rows',
  op: 'Softmax',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: false,
  usesWasm: true,
  appliesTo: (shapes) => softmaxRows(shapes) !== undefined,
  scratchBytes: () => 0,
  run(memory, args) {
    const { rows, cols } = softmaxRows(args.shapes)!;
    memory.wasm!.softmaxRows(args.inputs[0], rows, cols, 1, 0, 0, args.outputs[0]);
  },
};

function layerNormRows(shapes: StepShapes): { rows: number; cols: number } | undefined {
  const [x, scale, bias] = shapes.inputs;
  if (!x || !isFloat32(x) || !isFloat32(scale) || (bias && !isFloat32(bias))) return undefined;
  if (attrInt(shapes.attrs, 'stash_type', 1) !== 1 || x.dims.length === 0) return undefined;
  const axis = normaliseAxis(attrInt(shapes.attrs, 'axis', -1), x.dims.length);
  const cols = sizeOf(x.dims.slice(axis));
  if (cols === 0 || sizeOf(scale!.dims) !== cols || (bias && sizeOf(bias.dims) !== cols)) return undefined;
  return { rows: sizeOf(x.dims.slice(0, axis)), cols };
}

export const layerNormSimdRows: KernelVariant = {
  id: 'wasm.LayerNormalization.rows',
  op: 'LayerNormalization',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: false,
  usesWasm: true,
  // The compiler lists only the outputs a node asks for: Y alone, or also Mean and InvStdDev.
  appliesTo: (shapes) => shapes.outputs.length === 1 && layerNormRows(shapes) !== undefined,
  scratchBytes: () => 0,
  run(memory, args) {
    const { rows, cols } = layerNormRows(args.shapes)!;
    const bias = args.inputs[2] ?? -1;
    memory.wasm!.layerNorm(args.inputs[0], rows, cols, args.inputs[1], bias < 0 ? 0 : bias,
      attrFloat(args.shapes.attrs, 'epsilon', 1e-5), args.outputs[0]);
  },
};
