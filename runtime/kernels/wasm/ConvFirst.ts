/**
 * `wasm.Conv.first-c3-nc4hw4`, a model's first convolution into the NC4HW4 layout: 2-D float32
 * Conv, group 1, batch 1, at most 4 input channels (the image's 3), kernels up to 7×7, any
 * strides and pads, dilation 1; NCHW image in, NC4HW4 out (assembly/conv-first.ts: a tile of 4
 * pixels × 8 channels whose accumulators are output cells). Lanes split the output rows.
 *
 * The transform packs W [M, C, KH, KW] into [⌈M/8⌉][K][8] (zero past M: the pad lanes of the last
 * group get the activation of 0). The prelude pads and phase-splits the input into scratch and
 * builds the tap offset table (conv-direct.ts's convPrepareInput and convTapOffsets), with rows
 * wide enough for whole tiles.
 *
 * No NCHW-output twin: the same kernel with each row of cells transposed 4×4 into the channel
 * planes ran 2–15% slower than wasm.Conv.im2col-sgemm on MobileNetV2's, SqueezeNet1.1's and
 * ResNet-18's first layers (this machine), so NCHW stays with im2col-sgemm.
 */
import { attrInt } from '../kernel.js';
import { splitRun, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { align64, band, biasOffset } from './conv-input.js';

const tilePixels = 4;
const maxInputChannels = 4;
const maxKernel = 7;

interface FirstGeometry {
  C: number; H: number; W: number; M: number; KH: number; KW: number; K: number; OH: number; OW: number;
  sy: number; sx: number; padTop: number; padLeft: number;
  /** Prepared input: rows, floats per column phase, bytes per row (sx phases) and per channel. */
  PH: number; phaseWidth: number; rowBytes: number; planeBytes: number;
  pairs: number;
}

function geometryOf(shapes: StepShapes): FirstGeometry | undefined {
  const [x, w] = shapes.inputs;
  if (!x || !w || x.dtype !== 'float32' || w.dtype !== 'float32' || x.dims.length !== 4 || w.dims.length !== 4) return undefined;
  const [N, C, H, W] = x.dims;
  const [M, perGroup, KH, KW] = w.dims;
  if (N !== 1 || C > maxInputChannels || perGroup !== C || attrInt(shapes.attrs, 'group', 1) !== 1) return undefined;
  if (KH > maxKernel || KW > maxKernel) return undefined;
  let g;
  try {
    g = windowGeometry([H, W], [KH, KW], shapes.attrs);
  } catch {
    return undefined;
  }
  if (g.dilations.some((d) => d !== 1)) return undefined;
  const [OH, OW] = g.outputSize;
  const [sy, sx] = g.strides;
  const [padTop, padLeft] = g.padsBegin;
  const tiledOW = Math.ceil(OW / tilePixels) * tilePixels;
  const PH = (OH - 1) * sy + KH;
  const phaseWidth = Math.ceil(((tiledOW - 1) * sx + KW) / sx);
  const rowBytes = sx * phaseWidth * 4;
  return {
    C, H, W, M, KH, KW, K: C * KH * KW, OH, OW, sy, sx, padTop, padLeft,
    PH, phaseWidth, rowBytes, planeBytes: PH * rowBytes, pairs: Math.ceil(M / 8),
  };
}

/** Scratch: tap offsets, then the prepared input. */
function scratchLayout(g: FirstGeometry) {
  const taps = 0;
  const prepared = taps + align64(g.K * 4);
  return { taps, prepared, end: prepared + align64(g.C * g.planeBytes) };
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const g = geometryOf(args.shapes)!;
  const at = scratchLayout(g);
  const wasm = memory.wasm!;
  wasm.convPrepareInput(args.inputs[0], g.C, g.H, g.W, g.padTop, g.padLeft, g.PH, g.sx, g.phaseWidth, args.scratch + at.prepared);
  wasm.convTapOffsets(g.C, g.KH, g.KW, 1, 1, g.sx, g.phaseWidth, g.rowBytes, g.planeBytes, args.scratch + at.taps);
}

function part(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes)!;
  const [rowStart, rowEnd] = band(g.OH, lane, lanes, 1);
  if (rowStart >= rowEnd) return;
  const at = scratchLayout(g);
  const bias = biasOffset(args);
  const { code, p0, p1 } = args.activation;
  memory.wasm!.convFirst(args.inputs[1], args.scratch + at.taps, g.K, args.scratch + at.prepared, g.rowBytes, g.sy,
    args.outputs[0], g.M, g.OH, g.OW, rowStart, rowEnd, bias, code, p0, p1);
}

export const convFirstC3NC4HW4: KernelVariant = {
  id: 'wasm.Conv.first-c3-nc4hw4',
  op: 'Conv',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NC4HW4' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: (shapes) => geometryOf(shapes) !== undefined,
  scratchBytes: (shapes) => scratchLayout(geometryOf(shapes)!).end,
  transform: {
    input: 1,
    packedBytes: (shapes) => {
      const g = geometryOf(shapes)!;
      return g.pairs * g.K * 32;
    },
    run: (memory, shapes, raw, packed) => {
      const g = geometryOf(shapes)!;
      memory.wasm!.packFirstWeights(raw, g.M, g.K, packed);
    },
  },
  ...splitRun({ prelude, part }),
};
