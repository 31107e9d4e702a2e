/**
 * `wasm.Conv.im2col-sgemm`: 2-D float32 Conv (group 1, batch 1, any strides, dilations and
 * pads) as an explicit im2col + SGEMM, the paper's "sgemm" kind. The transform packs the
 * weights [M, C·KH·KW] into 6-row panels (packA). The prelude pads and phase-splits the input
 * into scratch and builds the tap offset table, as wasm.Conv.direct does (skipped for 1×1
 * stride-1 unpadded convs, whose im2col matrix is the input itself, read as one long row); each
 * lane then writes its share of the im2col matrix into 8-column panels and multiplies them,
 * block by block, with the 6×8 tile (assembly/conv-im2col.ts). Scratch: the panel offset table,
 * the tap offset table, the prepared input and room for every panel of the im2col matrix; a lane
 * reuses the slots of its own first panels for each block, so only about lanes × one block of it
 * is touched (the rest stays unused: scratchBytes does not know the lane count).
 */
import { attrInt } from '../kernel.js';
import { splitRun, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { align64, band, biasOffset } from './conv-input.js';

const tileM = 6;
const tileN = 8;
/** Panels packed and multiplied together: the block (K·32 bytes per panel) should stay in L2. */
const blockBytes = 192 * 1024;

interface Im2colGeometry {
  C: number; H: number; W: number; M: number; KH: number; KW: number; K: number;
  sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number;
  /** 1×1, stride 1, no pads: the input is the im2col matrix, one row of N columns. */
  inPlace: boolean;
  /** Output rows and columns as the panels see them, N = rows·cols. */
  rows: number; cols: number; N: number; panels: number;
  /** Prepared input: rows, floats per phase, bytes per row (sx phases) and per channel. */
  PH: number; phaseWidth: number; rowBytes: number; planeBytes: number;
}

function appliesTo(shapes: StepShapes): boolean {
  const [x, w] = shapes.inputs;
  return !!x && !!w && x.dtype === 'float32' && x.dims.length === 4 && w.dims.length === 4
    && x.dims[0] === 1 && attrInt(shapes.attrs, 'group', 1) === 1;
}

function geometryOf(shapes: StepShapes): Im2colGeometry {
  const [, C, H, W] = shapes.inputs[0]!.dims;
  const [M, , KH, KW] = shapes.inputs[1]!.dims;
  const g = windowGeometry([H, W], [KH, KW], shapes.attrs);
  const [OH, OW] = g.outputSize;
  const [sy, sx] = g.strides;
  const [dy, dx] = g.dilations;
  const [padTop, padLeft] = g.padsBegin;
  const inPlace = KH === 1 && KW === 1 && sy === 1 && sx === 1 && [...g.padsBegin, ...g.padsEnd].every((p) => p === 0);
  const N = OH * OW;
  const common = { C, H, W, M, KH, KW, K: C * KH * KW, sy, sx, dy, dx, padTop, padLeft, inPlace, N, panels: Math.ceil(N / tileN) };
  if (inPlace) return { ...common, rows: 1, cols: N, PH: H, phaseWidth: N, rowBytes: N * 4, planeBytes: N * 4 };
  const PH = (OH - 1) * sy + (KH - 1) * dy + 1;
  const phaseWidth = Math.ceil(((OW - 1) * sx + (KW - 1) * dx + 1) / sx);
  const rowBytes = sx * phaseWidth * 4;
  return { ...common, rows: OH, cols: OW, PH, phaseWidth, rowBytes, planeBytes: PH * rowBytes };
}

/** Scratch layout: panel offsets, tap offsets, prepared input, panels. */
function scratchLayout(g: Im2colGeometry) {
  const offsets = 0;
  const taps = offsets + align64(g.K * 4);
  const prepared = taps + align64(g.K * 4);
  const panels = prepared + (g.inPlace ? 0 : align64(g.C * g.planeBytes));
  return { offsets, taps, prepared, panels, end: panels + g.panels * g.K * tileN * 4 };
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const wasm = memory.wasm!;
  const g = geometryOf(args.shapes);
  const at = scratchLayout(g);
  wasm.panelOffsets(g.K, tileN * 4, args.scratch + at.offsets);
  wasm.convTapOffsets(g.C, g.KH, g.KW, g.dy, g.dx, g.sx, g.phaseWidth, g.rowBytes, g.planeBytes, args.scratch + at.taps);
  if (!g.inPlace) {
    wasm.convPrepareInput(args.inputs[0], g.C, g.H, g.W, g.padTop, g.padLeft, g.PH, g.sx, g.phaseWidth, args.scratch + at.prepared);
  }
}

function part(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes);
  const [panelStart, panelEnd] = band(g.panels, lane, lanes, 1);
  if (panelStart >= panelEnd) return;
  const at = scratchLayout(g);
  const panelsPerBlock = Math.max(1, Math.floor(blockBytes / (g.K * tileN * 4)));
  const bias = biasOffset(args);
  const { code, p0, p1 } = args.activation;
  memory.wasm!.convIm2col(args.inputs[1], args.scratch + at.offsets, g.inPlace ? args.inputs[0] : args.scratch + at.prepared,
    g.rowBytes, g.sy, args.scratch + at.taps, g.K, g.cols, g.N, args.scratch + at.panels, panelStart, panelEnd, panelsPerBlock,
    args.outputs[0], g.M, bias, code, p0, p1);
}

export const convIm2colSgemm: KernelVariant = {
  id: 'wasm.Conv.im2col-sgemm',
  op: 'Conv',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo,
  scratchBytes: (shapes) => scratchLayout(geometryOf(shapes)).end,
  transform: {
    input: 1,
    packedBytes: (shapes) => {
      const g = geometryOf(shapes);
      return Math.ceil(g.M / tileM) * tileM * g.K * 4;
    },
    run: (memory, shapes, raw, packed) => {
      const g = geometryOf(shapes);
      memory.wasm!.packA(raw, g.K * 4, g.M, g.K, packed);
    },
  },
  ...splitRun({ prelude, part }),
};

