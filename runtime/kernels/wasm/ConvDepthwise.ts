/**
 * Depthwise convolution in WebAssembly SIMD: 2-D, float32, batch 1, group = C = M (one KH×KW
 * filter per channel, channel multiplier 1), on the raw ONNX weights [C, 1, KH, KW].
 *
 * - `wasm.Conv.depthwise-3x3s1`, `-3x3s2`, `-5x5s1`, `-5x5s2`: taps unrolled, dilation 1, any pads.
 * - `wasm.Conv.depthwise`: any kernel size, stride, dilation and pads.
 * - `wasm.Conv.depthwise-3x3-c4`: 3×3 at strides 1–2, dilation 1, four channels in a vector
 *   (assembly/conv-depthwise-c4.ts), in bands of rows: whole vectors of independent outputs
 *   instead of short rows and long FMA chains; 2.1× faster at 7×7, 1.2× at 56×56, even at
 *   112×112 stride 2 (MobileNetV2's shapes, this machine).
 * - `wasm.Conv.depthwise-3x3-nc4hw4`: the same on NC4HW4 values (assembly/conv-depthwise-c4.ts):
 *   input rows are already interleaved, so the band is filled by plain row copies and outputs
 *   accumulate in place in the output block, without the c4 kernel's transposes.
 *
 * The kernels (assembly/conv-depthwise.ts) copy each input row once into a ring of zero-padded,
 * column-phase-split rows in scratch, then compute 4 or 8 outputs per step (3×3: two output rows
 * at once) with the fused activation in the epilogue. Lanes split the channels; each lane's ring
 * is the one of its first channel, so scratch holds a ring per channel (a few hundred KB for
 * MobileNetV2's layers) and any split writes disjoint scratch.
 *
 * No weight transform: a tap's broadcast (`v128.load32_splat`) compiles to one `vbroadcastss`
 * from the raw weights, as cheap as loading a pre-broadcast vector, and 3×3 filters load their 9
 * broadcasts once per pair of rows anyway; replicated weights would only cost 4× the bytes.
 */
import { attrInt } from '../kernel.js';
import type { KernelMemory, KernelVariant, ParallelRun, StepArgs, StepShapes } from '../variant.js';
import type { ActivationLayout } from '../../tensor/layout.js';
import { windowGeometry } from '../ref/window.js';
import { align64, band, biasOffset } from './conv-input.js';

interface DepthwiseGeometry {
  C: number; H: number; W: number; OH: number; OW: number; KH: number; KW: number;
  sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number;
  /** Floats of one column phase of a ring row. */
  phaseWidth: number;
  /** Bytes of one lane's scratch: zero row, ring rows, two staging rows, row and column tables. */
  ringBytes: number;
}

/** The depthwise geometry, or undefined when the step is not a 2-D batch-1 depthwise float32 Conv. */
function geometryOf(shapes: StepShapes): DepthwiseGeometry | undefined {
  const [x, w] = shapes.inputs;
  if (!x || !w || x.dtype !== 'float32' || w.dtype !== 'float32' || x.dims.length !== 4 || w.dims.length !== 4) return undefined;
  const [N, C, H, W] = x.dims;
  const [M, perGroup, KH, KW] = w.dims;
  if (N !== 1 || perGroup !== 1 || M !== C || attrInt(shapes.attrs, 'group', 1) !== C) return undefined;
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
  const ceil = (n: number, unit: number) => Math.ceil(n / unit) * unit;
  const read = ceil(OW, 8) + Math.floor(((KW - 1) * dx) / sx);
  const copied = sx === 1 ? padLeft + ceil(W, 4) : sx === 2 ? ((padLeft + 1) >> 1) + ceil(W, 8) / 2 : Math.ceil((padLeft + W) / sx);
  const phaseWidth = ceil(Math.max(read, copied), 4);
  // The kernels' ring is a power of two of at least the input rows one step reads.
  const ringRows = 2 ** Math.ceil(Math.log2((KH - 1) * dy + 1 + sy));
  const ringBytes = ceil((ringRows + 1) * sx * phaseWidth * 4 + 2 * ceil(OW * 4, 32) + (KH + KW) * 4, 64);
  return { C, H, W, OH, OW, KH, KW, sy, sx, dy, dx, padTop, padLeft, phaseWidth, ringBytes };
}

/** The NCHW depthwise family's row kernels (one signature: assembly/conv-depthwise.ts). */
type RowKernel = 'depthwise3x3s1' | 'depthwise3x3s2' | 'depthwise5x5s1' | 'depthwise5x5s2' | 'depthwiseGeneral';

function part(kernel: RowKernel, memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes)!;
  const [cStart, cEnd] = band(g.C, lane, lanes, 1);
  if (cStart >= cEnd) return;
  const { code, p0, p1 } = args.activation;
  memory.wasm![kernel](args.inputs[0], args.inputs[1], biasOffset(args), args.outputs[0], cStart, cEnd,
    g.H, g.W, g.OH, g.OW, g.KH, g.KW, g.sy, g.sx, g.dy, g.dx, g.padTop, g.padLeft,
    args.scratch + cStart * g.ringBytes, g.phaseWidth, code, p0, p1);
}

/** A depthwise variant: `fits` the filters its kernel computes, taking and giving `layout`, split across lanes by channels. */
function depthwiseVariant(id: string, layout: ActivationLayout, fits: (g: DepthwiseGeometry) => boolean,
  scratchBytes: (g: DepthwiseGeometry) => number, lanePart: ParallelRun['part']): KernelVariant {
  return {
    id,
    op: 'Conv',
    layoutVersion: 1,
    layout: { input: layout, output: layout },
    fusesActivation: true,
    usesWasm: true,
    appliesTo: (shapes) => {
      const g = geometryOf(shapes);
      return g !== undefined && fits(g);
    },
    scratchBytes: (shapes) => scratchBytes(geometryOf(shapes)!),
    run: (memory, args) => lanePart(memory, args, 0, 1),
    parallel: { prelude: () => {}, part: lanePart },
  };
}

/** A row kernel (`kernel`) of the NCHW depthwise family. */
const rowVariant = (id: string, kernel: RowKernel, fits: (g: DepthwiseGeometry) => boolean): KernelVariant =>
  depthwiseVariant(id, 'NCHW', fits, (g) => g.C * g.ringBytes, (memory, args, lane, lanes) => part(kernel, memory, args, lane, lanes));

/** A band's padded input rows stay within this many bytes (an L1-sized slice of a large plane). */
const c4BandBytes = 16384;

/**
 * The c4 core's band of output rows and padded row width, and one lane's scratch: the padded band
 * and 9 taps (`nc4hw4ScratchBytes`: all the NC4HW4 kernel needs), plus the output cells the NCHW
 * kernel transposes from (`scratchBytes`).
 */
function c4Geometry(g: DepthwiseGeometry): { bandRows: number; PW: number; scratchBytes: number; nc4hw4ScratchBytes: number } {
  const PW = (g.OW - 1) * g.sx + 3;
  const fitting = Math.floor((c4BandBytes / (PW * 16) - 3) / g.sy) + 1;
  const bandRows = Math.max(1, Math.min(g.OH, fitting));
  const nc4hw4ScratchBytes = align64(((bandRows - 1) * g.sy + 3) * PW * 16) + 9 * 16;
  return { bandRows, PW, nc4hw4ScratchBytes, scratchBytes: nc4hw4ScratchBytes + align64(bandRows * g.OW * 16) };
}

/** Lanes take whole groups of 4 channels; each lane's scratch is its first group's. */
function partC4(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes)!;
  const [cStart, cEnd] = band(g.C, lane, lanes, 4);
  if (cStart >= cEnd) return;
  const { bandRows, PW, scratchBytes } = c4Geometry(g);
  const { code, p0, p1 } = args.activation;
  memory.wasm!.depthwise3x3c4(args.inputs[0], args.inputs[1], biasOffset(args), args.outputs[0],
    cStart, cEnd, g.H, g.W, g.OH, g.OW, g.sy, g.sx, g.padTop, g.padLeft, bandRows, PW,
    args.scratch + (cStart / 4) * scratchBytes, code, p0, p1);
}

export const convDepthwise3x3C4 = depthwiseVariant('wasm.Conv.depthwise-3x3-c4', 'NCHW', (g) => fitsC4Core(g),
  (g) => Math.ceil(g.C / 4) * c4Geometry(g).scratchBytes, partC4);

/** 3×3 at strides 1–2, dilation 1: the filters the c4 core computes. */
const fitsC4Core = (g: DepthwiseGeometry): boolean => g.KH === 3 && g.KW === 3 && g.dy === 1 && g.dx === 1 && g.sy <= 2 && g.sx <= 2;

/** Lanes take whole blocks of 4 channels; each lane's scratch is its first block's. */
function partNC4HW4(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes)!;
  const [blockStart, blockEnd] = band(Math.ceil(g.C / 4), lane, lanes, 1);
  if (blockStart >= blockEnd) return;
  const { bandRows, PW, nc4hw4ScratchBytes } = c4Geometry(g);
  const { code, p0, p1 } = args.activation;
  memory.wasm!.depthwise3x3nc4hw4(args.inputs[0], args.inputs[1], biasOffset(args), args.outputs[0],
    g.C, blockStart, blockEnd, g.H, g.W, g.OH, g.OW, g.sy, g.sx, g.padTop, g.padLeft, bandRows, PW,
    args.scratch + blockStart * nc4hw4ScratchBytes, code, p0, p1);
}

export const convDepthwise3x3NC4HW4 = depthwiseVariant('wasm.Conv.depthwise-3x3-nc4hw4', 'NC4HW4', (g) => fitsC4Core(g),
  (g) => Math.ceil(g.C / 4) * c4Geometry(g).nc4hw4ScratchBytes, partNC4HW4);

/** A k×k filter at stride s in both axes, dilation 1. */
const square = (k: number, s: number) => (g: DepthwiseGeometry): boolean =>
  g.KH === k && g.KW === k && g.sy === s && g.sx === s && g.dy === 1 && g.dx === 1;

export const convDepthwise3x3s1 = rowVariant('wasm.Conv.depthwise-3x3s1', 'depthwise3x3s1', square(3, 1));
export const convDepthwise3x3s2 = rowVariant('wasm.Conv.depthwise-3x3s2', 'depthwise3x3s2', square(3, 2));
export const convDepthwise5x5s1 = rowVariant('wasm.Conv.depthwise-5x5s1', 'depthwise5x5s1', square(5, 1));
export const convDepthwise5x5s2 = rowVariant('wasm.Conv.depthwise-5x5s2', 'depthwise5x5s2', square(5, 2));
export const convDepthwise = rowVariant('wasm.Conv.depthwise', 'depthwiseGeneral', () => true);
