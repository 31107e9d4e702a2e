/**
 * Convolution kernels in WebAssembly SIMD for 2-D, float32 Conv with group 1.
 *
 * - `wasm.Conv.direct`: implicit GEMM on the raw ONNX weights [M, C·KH·KW]: no transform at all
 *   (the paper's "direct"/"general" kind: nothing to prepare, a little slower per FLOP).
 * - `wasm.Conv.direct-packed`: the same loop on weights packed into 6-row panels (a cheap
 *   transform, the fastest execution of the two).
 *
 * Both pad and phase-split the input into scratch (skipped for 1×1 stride-1 unpadded convs,
 * which read the input in place as one long row) and build the tap offset table (the prelude),
 * then run `convDirect` over a band of output rows per lane.
 */
import { attrInt } from '../kernel.js';
import type { KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { sizeOf } from '../../tensor/tensor.js';

const tileM = 6;
const tileN = 8;

interface DirectGeometry {
  C: number; H: number; W: number; M: number; KH: number; KW: number;
  OH: number; OW: number; sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number;
  /** Input read in place (no padding, stride 1, 1×1): rows are the flattened plane. */
  inPlace: boolean;
  /** Prepared input: rows read, phase row width (floats). */
  PH: number; phaseWidth: number;
  K: number;
}

function isPlainConv2d(shapes: StepShapes): boolean {
  const [x, w] = shapes.inputs;
  return !!x && !!w && x.dtype === 'float32' && x.dims.length === 4 && w.dims.length === 4
    && x.dims[0] === 1 && attrInt(shapes.attrs, 'group', 1) === 1;
}

function geometryOf(shapes: StepShapes): DirectGeometry {
  const [, C, H, W] = shapes.inputs[0]!.dims;
  const [M, , KH, KW] = shapes.inputs[1]!.dims;
  const g = windowGeometry([H, W], [KH, KW], shapes.attrs);
  const [OH, OW] = g.outputSize;
  const [sy, sx] = g.strides;
  const [dy, dx] = g.dilations;
  const [padTop, padLeft] = g.padsBegin;
  const inPlace = KH === 1 && KW === 1 && sy === 1 && sx === 1 && padTop === 0 && padLeft === 0 && g.padsEnd.every((p) => p === 0);
  const paddedOW = Math.ceil(OW / tileN) * tileN;
  const PH = (OH - 1) * sy + (KH - 1) * dy + 1;
  const phaseWidth = Math.ceil(((paddedOW - 1) * sx + (KW - 1) * dx + 1) / sx);
  return { C, H, W, M, KH, KW, OH, OW, sy, sx, dy, dx, padTop, padLeft, inPlace, PH, phaseWidth, K: C * KH * KW };
}

function preparedBytes(g: DirectGeometry): number {
  return g.inPlace ? 0 : align64(g.C * g.PH * g.sx * g.phaseWidth * 4);
}

function scratchBytes(shapes: StepShapes): number {
  const g = geometryOf(shapes);
  return preparedBytes(g) + align64(g.K * 4);
}

/** Where the implicit GEMM reads its input: the input itself, or the prepared copy in scratch. */
interface DirectSource {
  prepared: number;
  rowBytes: number;
  planeBytes: number;
  phaseWidth: number;
  /** Output rows and columns as the GEMM sees them (a 1×1 in-place conv is one long row). */
  rows: number;
  cols: number;
  rowStride: number;
}

function sourceOf(g: DirectGeometry, input: number, scratch: number): DirectSource {
  if (g.inPlace) {
    const plane = g.H * g.W;
    return { prepared: input, rowBytes: plane * 4, planeBytes: plane * 4, phaseWidth: plane, rows: 1, cols: g.OH * g.OW, rowStride: 1 };
  }
  const rowBytes = g.sx * g.phaseWidth * 4;
  return { prepared: scratch, rowBytes, planeBytes: g.PH * rowBytes, phaseWidth: g.phaseWidth, rows: g.OH, cols: g.OW, rowStride: g.sy };
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const wasm = memory.wasm!;
  const g = geometryOf(args.shapes);
  const source = sourceOf(g, args.inputs[0], args.scratch);
  if (!g.inPlace) wasm.convPrepareInput(args.inputs[0], g.C, g.H, g.W, g.padTop, g.padLeft, g.PH, g.sx, g.phaseWidth, source.prepared);
  wasm.convTapOffsets(g.C, g.KH, g.KW, g.dy, g.dx, g.sx, source.phaseWidth, source.rowBytes, source.planeBytes, args.scratch + preparedBytes(g));
}

/** Lane `lane` of `lanes` computes a contiguous band of rows (or of tile-aligned columns for one row). */
function part(memory: KernelMemory, args: StepArgs, packed: boolean, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes);
  const source = sourceOf(g, args.inputs[0], args.scratch);
  const [rowStart, rowEnd] = source.rows > 1 ? band(source.rows, lane, lanes, 1) : [0, 1];
  const [colStart, colEnd] = source.rows > 1 ? [0, source.cols] : band(source.cols, lane, lanes, tileN);
  if (rowStart >= rowEnd || colStart >= colEnd) return;
  const bias = args.inputs[2];
  const { code, p0, p1 } = args.activation;
  memory.wasm!.convDirect(args.inputs[1], packed ? 1 : 0, args.scratch + preparedBytes(g), g.K, source.prepared, source.rowBytes,
    source.rowStride, args.outputs[0], g.M, source.rows, source.cols, rowStart, rowEnd, colStart, colEnd,
    bias === undefined || bias < 0 ? 0 : bias, code, p0, p1);
}

/** The lane's share of [0, n), in whole units of `unit`. */
export function band(n: number, lane: number, lanes: number, unit: number): [number, number] {
  const units = Math.ceil(n / unit);
  const start = Math.floor((units * lane) / lanes) * unit;
  const end = Math.min(n, Math.floor((units * (lane + 1)) / lanes) * unit);
  return [start, end];
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
  run: (memory, args) => { prelude(memory, args); part(memory, args, false, 0, 1); },
  parallel: { prelude, part: (memory, args, lane, lanes) => part(memory, args, false, lane, lanes) },
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
  run: (memory, args) => { prelude(memory, args); part(memory, args, true, 0, 1); },
  parallel: { prelude, part: (memory, args, lane, lanes) => part(memory, args, true, lane, lanes) },
};

function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}
