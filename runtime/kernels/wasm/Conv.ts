/**
 * Convolution kernels in WebAssembly SIMD for 2-D, float32 Conv with group 1.
 *
 * - `wasm.Conv.direct`: implicit GEMM on the raw ONNX weights [M, C·KH·KW]: no transform at all
 *   (the paper's "direct"/"general" kind: nothing to prepare, a little slower per FLOP).
 * - `wasm.Conv.direct-packed`: the same loop on weights packed into 6-row panels (a cheap
 *   transform, the fastest execution of the two).
 *
 * Both prepare the input (conv-input.ts) and build the tap offset table in the prelude, then run
 * `convDirect` over a band of output rows per lane (or of columns, for one long row).
 */
import { attrInt } from '../kernel.js';
import { splitRun, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';
import { align64, band, biasOffset, convInputOf, inputSource, prepareConvInput, preparedBytes, type ConvInput } from './conv-input.js';

const tileM = 6;
const tileN = 8;

interface DirectGeometry extends ConvInput {
  M: number;
  K: number;
}

function isPlainConv2d(shapes: StepShapes): boolean {
  const [x, w] = shapes.inputs;
  return !!x && !!w && x.dtype === 'float32' && x.dims.length === 4 && w.dims.length === 4
    && x.dims[0] === 1 && attrInt(shapes.attrs, 'group', 1) === 1;
}

function geometryOf(shapes: StepShapes): DirectGeometry {
  const [M, C, KH, KW] = shapes.inputs[1]!.dims;
  return { ...convInputOf(shapes.inputs[0]!.dims, KH, KW, shapes.attrs), M, K: C * KH * KW };
}

function scratchBytes(shapes: StepShapes): number {
  const g = geometryOf(shapes);
  return preparedBytes(g) + align64(g.K * 4);
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const g = geometryOf(args.shapes);
  prepareConvInput(memory.wasm!, g, args.inputs[0], args.scratch, g.C);
}

/** Lane `lane` of `lanes` computes a contiguous band of rows (or of tile-aligned columns for one row). */
function part(memory: KernelMemory, args: StepArgs, packed: boolean, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes);
  const source = inputSource(g, args.inputs[0], args.scratch);
  const [rowStart, rowEnd] = source.rows > 1 ? band(source.rows, lane, lanes, 1) : [0, 1];
  const [colStart, colEnd] = source.rows > 1 ? [0, source.cols] : band(source.cols, lane, lanes, tileN);
  if (rowStart >= rowEnd || colStart >= colEnd) return;
  const { code, p0, p1 } = args.activation;
  memory.wasm!.convDirect(args.inputs[1], packed ? 1 : 0, args.scratch + preparedBytes(g), g.K, source.prepared, source.rowBytes,
    source.rowStride, args.outputs[0], g.M, source.rows, source.cols, rowStart, rowEnd, colStart, colEnd,
    biasOffset(args), code, p0, p1);
}

const common = {
  op: 'Conv',
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: isPlainConv2d,
  scratchBytes,
} as const;

export const convDirect: KernelVariant = {
  ...common,
  id: 'wasm.Conv.direct',
  layoutVersion: 1,
  ...splitRun({ prelude, part: (memory, args, lane, lanes) => part(memory, args, false, lane, lanes) }),
};

export const convDirectPacked: KernelVariant = {
  ...common,
  id: 'wasm.Conv.direct-packed',
  layoutVersion: 1,
  transform: {
    input: 1,
    packedBytes: (shapes) => {
      const [M, ...rest] = shapes.inputs[1]!.dims;
      return Math.ceil(M / tileM) * tileM * sizeOf(rest) * 4;
    },
    run: (memory, shapes, raw, packed) => {
      const [M, ...rest] = shapes.inputs[1]!.dims;
      const K = sizeOf(rest);
      memory.wasm!.packA(raw, K * 4, M, K, packed);
    },
  },
  ...splitRun({ prelude, part: (memory, args, lane, lanes) => part(memory, args, true, lane, lanes) }),
};
