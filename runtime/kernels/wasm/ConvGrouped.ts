/**
 * Grouped convolution in WebAssembly SIMD: 2-D, float32, batch 1, 1 < group, except the depthwise
 * case with channel multiplier 1 (ConvDepthwise.ts). Each group is an ordinary convolution of its
 * C/group input channels into its M/group output channels, run by the group-1 implicit GEMM
 * (assembly/conv-direct.ts) on offset pointers:
 *
 * - `wasm.Conv.grouped`: on the raw ONNX weights, each group's rows [M/group, C/group·KH·KW].
 * - `wasm.Conv.grouped-packed`: on weights packed group by group into 6-row panels (`packA`).
 *
 * The prelude pads and phase-splits all input channels at once (skipped for 1×1 stride-1
 * unpadded convs, which read the input in place) and builds one tap offset table, which every
 * group shares because the groups' input slices have the same layout. Lanes split the output rows
 * (or, for a single row, its columns) and run every group on their band.
 */
import { attrInt } from '../kernel.js';
import type { KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { band } from './Conv.js';

const tileM = 6;
const tileN = 8;

interface GroupedGeometry {
  group: number;
  /** Input and output channels of one group; K = Cg·KH·KW is its GEMM depth. */
  Cg: number; Mg: number; K: number;
  C: number; H: number; W: number; KH: number; KW: number; OH: number; OW: number;
  sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number;
  /** Input read in place (1×1, stride 1, no padding): each plane is one long row. */
  inPlace: boolean;
  /** Prepared input: rows the convolution reads, floats of one column phase of a row. */
  PH: number; phaseWidth: number;
}

/** The geometry, or undefined when the step is not a grouped 2-D batch-1 float32 Conv this serves. */
function geometryOf(shapes: StepShapes): GroupedGeometry | undefined {
  const [x, w] = shapes.inputs;
  if (!x || !w || x.dtype !== 'float32' || w.dtype !== 'float32' || x.dims.length !== 4 || w.dims.length !== 4) return undefined;
  const [N, C, H, W] = x.dims;
  const [M, Cg, KH, KW] = w.dims;
  const group = attrInt(shapes.attrs, 'group', 1);
  if (N !== 1 || group < 2 || C !== group * Cg || M % group !== 0) return undefined;
  if (group === C && M === C) return undefined;
  let g;
  try {
    g = windowGeometry([H, W], [KH, KW], shapes.attrs);
  } catch {
    return undefined;
  }
  const [OH, OW] = g.outputSize;
  const [sy, sx] = g.strides;
  const [dy, dx] = g.dilations;
  const [padTop, padLeft] = g.padsBegin;
  const inPlace = KH === 1 && KW === 1 && sy === 1 && sx === 1 && [...g.padsBegin, ...g.padsEnd].every((p) => p === 0);
  const paddedOW = Math.ceil(OW / tileN) * tileN;
  return {
    group, Cg, Mg: M / group, K: Cg * KH * KW, C, H, W, KH, KW, OH, OW, sy, sx, dy, dx, padTop, padLeft, inPlace,
    PH: (OH - 1) * sy + (KH - 1) * dy + 1,
    phaseWidth: Math.ceil(((paddedOW - 1) * sx + (KW - 1) * dx + 1) / sx),
  };
}

function preparedBytes(g: GroupedGeometry): number {
  return g.inPlace ? 0 : align64(g.C * g.PH * g.sx * g.phaseWidth * 4);
}

/** Where the GEMM reads the input: in place, or the prepared copy at the start of scratch. */
interface GroupedSource {
  prepared: number;
  rowBytes: number;
  planeBytes: number;
  phaseWidth: number;
  /** Output rows and columns as the GEMM sees them (a 1×1 in-place conv is one long row). */
  rows: number;
  cols: number;
  rowStride: number;
}

function sourceOf(g: GroupedGeometry, input: number, scratch: number): GroupedSource {
  if (g.inPlace) {
    const plane = g.H * g.W;
    return { prepared: input, rowBytes: plane * 4, planeBytes: plane * 4, phaseWidth: plane, rows: 1, cols: g.OH * g.OW, rowStride: 1 };
  }
  const rowBytes = g.sx * g.phaseWidth * 4;
  return { prepared: scratch, rowBytes, planeBytes: g.PH * rowBytes, phaseWidth: g.phaseWidth, rows: g.OH, cols: g.OW, rowStride: g.sy };
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const wasm = memory.wasm!;
  const g = geometryOf(args.shapes)!;
  const source = sourceOf(g, args.inputs[0], args.scratch);
  if (!g.inPlace) wasm.convPrepareInput(args.inputs[0], g.C, g.H, g.W, g.padTop, g.padLeft, g.PH, g.sx, g.phaseWidth, source.prepared);
  wasm.convTapOffsets(g.Cg, g.KH, g.KW, g.dy, g.dx, g.sx, source.phaseWidth, source.rowBytes, source.planeBytes,
    args.scratch + preparedBytes(g));
}

/** Bytes of one group's weights as `convDirect` reads them: raw rows, or whole 6-row panels. */
function groupWeightBytes(g: GroupedGeometry, packed: boolean): number {
  return (packed ? Math.ceil(g.Mg / tileM) * tileM : g.Mg) * g.K * 4;
}

function part(memory: KernelMemory, args: StepArgs, packed: boolean, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes)!;
  const source = sourceOf(g, args.inputs[0], args.scratch);
  const [rowStart, rowEnd] = source.rows > 1 ? band(source.rows, lane, lanes, 1) : [0, 1];
  const [colStart, colEnd] = source.rows > 1 ? [0, source.cols] : band(source.cols, lane, lanes, tileN);
  if (rowStart >= rowEnd || colStart >= colEnd) return;
  const bias = args.inputs[2];
  const { code, p0, p1 } = args.activation;
  const weightBytes = groupWeightBytes(g, packed);
  const outGroupBytes = g.Mg * g.OH * g.OW * 4;
  for (let i = 0; i < g.group; i++) {
    memory.wasm!.convDirect(args.inputs[1] + i * weightBytes, packed ? 1 : 0, args.scratch + preparedBytes(g), g.K,
      source.prepared + i * g.Cg * source.planeBytes, source.rowBytes, source.rowStride, args.outputs[0] + i * outGroupBytes,
      g.Mg, source.rows, source.cols, rowStart, rowEnd, colStart, colEnd,
      bias === undefined || bias < 0 ? 0 : bias + i * g.Mg * 4, code, p0, p1);
  }
}

const common = {
  op: 'Conv',
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: (shapes: StepShapes) => geometryOf(shapes) !== undefined,
  scratchBytes: (shapes: StepShapes) => {
    const g = geometryOf(shapes)!;
    return preparedBytes(g) + align64(g.K * 4);
  },
} as const;

export const convGrouped: KernelVariant = {
  ...common,
  id: 'wasm.Conv.grouped',
  layoutVersion: 1,
  run: (memory, args) => { prelude(memory, args); part(memory, args, false, 0, 1); },
  parallel: { prelude, part: (memory, args, lane, lanes) => part(memory, args, false, lane, lanes) },
};

export const convGroupedPacked: KernelVariant = {
  ...common,
  id: 'wasm.Conv.grouped-packed',
  layoutVersion: 1,
  transform: {
    input: 1,
    packedBytes: (shapes) => {
      const g = geometryOf(shapes)!;
      return g.group * groupWeightBytes(g, true);
    },
    run: (memory, shapes, raw, packed) => {
      const g = geometryOf(shapes)!;
      for (let i = 0; i < g.group; i++) {
        memory.wasm!.packA(raw + i * groupWeightBytes(g, false), g.K * 4, g.Mg, g.K, packed + i * groupWeightBytes(g, true));
      }
    },
  },
  run: (memory, args) => { prelude(memory, args); part(memory, args, true, 0, 1); },
  parallel: { prelude, part: (memory, args, lane, lanes) => part(memory, args, true, lane, lanes) },
};

function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}
