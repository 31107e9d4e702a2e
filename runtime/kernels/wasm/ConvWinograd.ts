/**
 * Winograd F(m, 3) convolution, m = 2, 4, 6 (`wasm.Conv.winograd-f23`, `-f43`, `-f63`): 3×3,
 * stride 1, dilation 1, group 1, batch 1, float32, any pads. The transform (U = G·g·Gᵀ, stored as
 * α² = (m+2)² packA weight matrices, (m+2)²/9 times the raw bytes) is the paper's big Winograd
 * weight transform; execution is the fastest of the Conv kinds for wide layers. The prelude pads
 * and phase-splits the input into scratch; each lane then takes a band of 8-tile panels and, a
 * block of panels at a time, transforms its input tiles, runs the α² GEMMs and transforms the
 * outputs with bias and activation (assembly/conv-winograd.ts). Scratch: the B offset table, the
 * prepared input, and room for the transformed input V and GEMM output of every panel; a lane
 * reuses the slots of its own first panels for each block, so only about lanes × one block of
 * it is touched. Lanes split the 8-tile panels, so a layer with fewer panels than lanes (7×7
 * with F(4,3) or F(6,3): one panel) runs on one lane.
 */
import { attrInt, attrInts } from '../kernel.js';
import { splitRun, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { align64, band, biasOffset } from './conv-input.js';

const tileM = 6;
const tileN = 8;
/** Transformed input per block of panels: small enough to stay in L2 between its transform and the GEMMs. */
const blockBytes = 256 * 1024;

interface WinogradGeometry {
  m: number; alpha: number;
  C: number; H: number; W: number; M: number; OH: number; OW: number; padTop: number; padLeft: number;
  /** Tiles per row, tiles, 8-tile panels. */
  TW: number; T: number; panels: number;
  /** Prepared input: rows, floats per phase, bytes per row (m phases) and per channel. */
  PH: number; phaseWidth: number; rowBytes: number; planeBytes: number;
  /** Bytes between tile positions in V: an odd number of cache lines, so the α² slots of a tile do not collide in cache. */
  posStride: number;
}

function appliesTo(shapes: StepShapes): boolean {
  const [x, w] = shapes.inputs;
  if (!x || !w || x.dtype !== 'float32' || x.dims.length !== 4 || w.dims.length !== 4 || x.dims[0] !== 1) return false;
  const ones = (name: string) => attrInts(shapes.attrs, name, [1, 1]).every((v) => v === 1);
  return attrInt(shapes.attrs, 'group', 1) === 1 && w.dims[2] === 3 && w.dims[3] === 3 && ones('strides') && ones('dilations');
}

function geometryOf(m: number, shapes: StepShapes): WinogradGeometry {
  const [, C, H, W] = shapes.inputs[0]!.dims;
  const M = shapes.inputs[1]!.dims[0];
  const g = windowGeometry([H, W], [3, 3], shapes.attrs);
  const [OH, OW] = g.outputSize;
  const TH = Math.ceil(OH / m);
  const TW = Math.ceil(OW / m);
  const T = TH * TW;
  const PH = TH * m + 2;
  const phaseWidth = TW + 1;
  const rowBytes = m * phaseWidth * 4;
  const lines = Math.ceil((C * tileN * 4) / 64);
  return {
    m, alpha: m + 2, C, H, W, M, OH, OW, padTop: g.padsBegin[0], padLeft: g.padsBegin[1],
    TW, T, panels: Math.ceil(T / tileN), PH, phaseWidth, rowBytes, planeBytes: PH * rowBytes,
    posStride: (lines % 2 === 0 ? lines + 1 : lines) * 64,
  };
}

/** Scratch layout: offset table, prepared input, V, GEMM output. */
function scratchLayout(g: WinogradGeometry) {
  const offsets = 0;
  const prepared = offsets + align64(g.C * 4);
  const V = prepared + align64(g.C * g.planeBytes);
  const Mbuf = V + g.panels * g.alpha * g.alpha * g.posStride;
  const end = Mbuf + g.panels * g.M * g.alpha * g.alpha * tileN * 4;
  return { offsets, prepared, V, Mbuf, end };
}

function prelude(m: number, memory: KernelMemory, args: StepArgs): void {
  const wasm = memory.wasm!;
  const g = geometryOf(m, args.shapes);
  const at = scratchLayout(g);
  wasm.panelOffsets(g.C, tileN * 4, args.scratch + at.offsets);
  wasm.winogradPrepareInput(args.inputs[0], g.C, g.H, g.W, g.padTop, g.padLeft, m, g.PH, g.phaseWidth, args.scratch + at.prepared);
}

function part(m: number, memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const wasm = memory.wasm!;
  const g = geometryOf(m, args.shapes);
  const [panelStart, panelEnd] = band(g.panels, lane, lanes, 1);
  const at = scratchLayout(g);
  const panelVBytes = g.alpha * g.alpha * g.posStride;
  const panelsPerBlock = Math.max(1, Math.floor(blockBytes / panelVBytes));
  // Every block reuses the lane's own first panel slots (disjoint from other lanes'), so V and the
  // GEMM output stay in cache instead of streaming through all of the scratch.
  const offsets = args.scratch + at.offsets;
  const prepared = args.scratch + at.prepared;
  const V = args.scratch + at.V + panelStart * panelVBytes;
  const Mbuf = args.scratch + at.Mbuf + panelStart * g.M * g.alpha * g.alpha * tileN * 4;
  const bias = biasOffset(args);
  const { code, p0, p1 } = args.activation;
  for (let start = panelStart; start < panelEnd; start += panelsPerBlock) {
    const end = Math.min(panelEnd, start + panelsPerBlock);
    wasm.winogradInputPanels(m, prepared, g.C, g.rowBytes, g.phaseWidth * 4, g.planeBytes, g.TW, g.T, V, g.posStride, start, end);
    wasm.winogradGemmPanels(m, args.inputs[1], offsets, g.C, g.M, V, g.posStride, Mbuf, start, end);
    wasm.winogradOutputPanels(m, Mbuf, g.M, g.TW, g.T, args.outputs[0], g.OH, g.OW, start, end, bias, code, p0, p1);
  }
}

function winograd(m: 2 | 4 | 6): KernelVariant {
  return {
    id: `wasm.Conv.winograd-f${m}3`,
    op: 'Conv',
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: true,
    usesWasm: true,
    appliesTo,
    scratchBytes: (shapes) => scratchLayout(geometryOf(m, shapes)).end,
    transform: {
      input: 1,
      packedBytes: (shapes) => {
        const [M, C] = shapes.inputs[1]!.dims;
        return (m + 2) * (m + 2) * positionStride(M, C);
      },
      run: (memory, shapes, raw, packed) => {
        const [M, C] = shapes.inputs[1]!.dims;
        memory.wasm!.winogradTransformWeights(m, raw, M, C, packed);
      },
    },
    ...splitRun({
      prelude: (memory, args) => prelude(m, memory, args),
      part: (memory, args, lane, lanes) => part(m, memory, args, lane, lanes),
    }),
  };
}

export const convWinogradF23 = winograd(2);
export const convWinogradF43 = winograd(4);
export const convWinogradF63 = winograd(6);

/** Bytes between two tile positions' weight matrices (mirrors winogradPositionStride in the assembly). */
export function positionStride(M: number, C: number): number {
  const lines = Math.ceil((Math.ceil(M / tileM) * tileM * C * 4) / 64);
  return (lines | 1) * 64;
}

