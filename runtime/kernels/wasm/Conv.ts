/**
 * Convolution kernels in WebAssembly SIMD for 2-D, float32 Conv with group 1.
 *
 * - `wasm.Conv.direct`: implicit GEMM on the raw ONNX weights [M, C·KH·KW]: no transform at all
 *   (the paper's "direct"/"general" kind: nothing to prepare, a little slower per FLOP).
 * - `wasm.Conv.direct-packed`: the same loop on weights packed into 6-row panels (a cheap
 *   transform, the fastest execution of the two).
 *
 * Both pad and phase-split the input into scratch (skipped for 1×1 stride-1 unpadded convs,
 * which read the input in place as one long row), build the tap offset table, and run
 * `convDirect` over all output rows.
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

function runDirect(memory: KernelMemory, args: StepArgs, packed: boolean): void {
  const wasm = memory.wasm!;
  const g = geometryOf(args.shapes);
  const [x, w, bias] = args.inputs;
  const [out] = args.outputs;
  let prepared = x;
  let rowBytes: number;
  let planeBytes: number;
  let rows = g.OH;
  let cols = g.OW;
  let phaseWidth = g.phaseWidth;
  if (g.inPlace) {
    // A 1×1 stride-1 conv reads each input plane as one long row of H·W positions.
    rowBytes = g.H * g.W * 4;
    planeBytes = rowBytes;
    phaseWidth = g.H * g.W;
    rows = 1;
    cols = g.OH * g.OW;
  } else {
    prepared = args.scratch;
    wasm.convPrepareInput(x, g.C, g.H, g.W, g.padTop, g.padLeft, g.PH, g.sx, g.phaseWidth, prepared);
    rowBytes = g.sx * g.phaseWidth * 4;
    planeBytes = g.PH * rowBytes;
  }
  const offsets = args.scratch + preparedBytes(g);
  wasm.convTapOffsets(g.C, g.KH, g.KW, g.dy, g.dx, g.sx, phaseWidth, rowBytes, planeBytes, offsets);
  const { code, p0, p1 } = args.activation;
  const biasPtr = bias === undefined || bias < 0 ? 0 : bias;
  wasm.convDirect(w, packed ? 1 : 0, offsets, g.K, prepared, rowBytes, g.inPlace ? 1 : g.sy, out, g.M, rows, cols, 0, rows,
    biasPtr, code, p0, p1);
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
  run: (memory, args) => runDirect(memory, args, false),
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
  run: (memory, args) => runDirect(memory, args, true),
};

function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}
