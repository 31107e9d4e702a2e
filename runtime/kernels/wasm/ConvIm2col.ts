/**
 * `wasm.Conv.im2col-sgemm`: 2-D float32 Conv (group 1, batch 1, any strides, dilations and
 * pads) as an explicit im2col + SGEMM, the paper's "sgemm" kind. The transform packs the
 * weights [M, C·KH·KW] into 6-row panels (packA); at run time each lane writes its share of the
 * im2col matrix into 8-column panels in scratch and multiplies, block by block, with the 6×8
 * tile (assembly/conv-im2col.ts). Scratch: the B offset table, then every panel of the im2col
 * matrix (lanes write disjoint panels, so no per-lane buffers are needed).
 */
import { attrInt } from '../kernel.js';
import type { KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { band } from './Conv.js';

const tileM = 6;
const tileN = 8;
/** Panels packed and multiplied together: the block (K·32 bytes per panel) should stay in L2. */
const blockBytes = 192 * 1024;

interface Im2colGeometry {
  C: number; H: number; W: number; M: number; KH: number; KW: number;
  OW: number; sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number;
  K: number; N: number; panels: number;
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
  const N = OH * OW;
  return {
    C, H, W, M, KH, KW, OW, sy: g.strides[0], sx: g.strides[1], dy: g.dilations[0], dx: g.dilations[1],
    padTop: g.padsBegin[0], padLeft: g.padsBegin[1], K: C * KH * KW, N, panels: Math.ceil(N / tileN),
  };
}

function offsetsBytes(g: Im2colGeometry): number {
  return align64(g.K * 4);
}

function scratchBytes(shapes: StepShapes): number {
  const g = geometryOf(shapes);
  return offsetsBytes(g) + g.panels * g.K * tileN * 4;
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  memory.wasm!.panelOffsets(geometryOf(args.shapes).K, tileN * 4, args.scratch);
}

function part(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes);
  const [panelStart, panelEnd] = band(g.panels, lane, lanes, 1);
  if (panelStart >= panelEnd) return;
  const panelsPerBlock = Math.max(1, Math.floor(blockBytes / (g.K * tileN * 4)));
  const bias = args.inputs[2];
  const { code, p0, p1 } = args.activation;
  memory.wasm!.convIm2col(args.inputs[1], args.scratch, args.inputs[0], g.C, g.H, g.W, g.KH, g.KW,
    g.sy, g.sx, g.dy, g.dx, g.padTop, g.padLeft, g.OW, g.N,
    args.scratch + offsetsBytes(g), panelStart, panelEnd, panelsPerBlock,
    args.outputs[0], g.M, bias === undefined || bias < 0 ? 0 : bias, code, p0, p1);
}

export const convIm2colSgemm: KernelVariant = {
  id: 'wasm.Conv.im2col-sgemm',
  op: 'Conv',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo,
  scratchBytes,
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
  run: (memory, args) => { prelude(memory, args); part(memory, args, 0, 1); },
  parallel: { prelude, part },
};

function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}
