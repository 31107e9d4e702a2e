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
import { splitRun, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../variant.js';
import { align64, band, biasOffset, convInputOf, inputSource, prepareConvInput, preparedBytes, type ConvInput } from './conv-input.js';

const tileM = 6;
const tileN = 8;

interface GroupedGeometry extends ConvInput {
  group: number;
  /** Input and output channels of one group; K = Cg·KH·KW is its GEMM depth. */
  Cg: number; Mg: number; K: number;
}

/** The geometry, or undefined when the step is not a grouped 2-D batch-1 float32 Conv this serves. */
function geometryOf(shapes: StepShapes): GroupedGeometry | undefined {
  const [x, w] = shapes.inputs;
  if (!x || !w || x.dtype !== 'float32' || w.dtype !== 'float32' || x.dims.length !== 4 || w.dims.length !== 4) return undefined;
  const [N, C] = x.dims;
  const [M, Cg, KH, KW] = w.dims;
  const group = attrInt(shapes.attrs, 'group', 1);
  if (N !== 1 || group < 2 || C !== group * Cg || M % group !== 0) return undefined;
  if (group === C && M === C) return undefined;
  try {
    return { ...convInputOf(x.dims, KH, KW, shapes.attrs), group, Cg, Mg: M / group, K: Cg * KH * KW };
  } catch {
    return undefined;
  }
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const g = geometryOf(args.shapes)!;
  // Every group's input slice has the same layout, so one tap table (of Cg channels) serves all.
  prepareConvInput(memory.wasm!, g, args.inputs[0], args.scratch, g.Cg);
}

function groupWeightBytes(g: GroupedGeometry, packed: boolean): number {
  return (packed ? Math.ceil(g.Mg / tileM) * tileM : g.Mg) * g.K * 4;
}

function part(memory: KernelMemory, args: StepArgs, packed: boolean, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes)!;
  const source = inputSource(g, args.inputs[0], args.scratch);
  const [rowStart, rowEnd] = source.rows > 1 ? band(source.rows, lane, lanes, 1) : [0, 1];
  const [colStart, colEnd] = source.rows > 1 ? [0, source.cols] : band(source.cols, lane, lanes, tileN);
  if (rowStart >= rowEnd || colStart >= colEnd) return;
  const bias = biasOffset(args);
  const { code, p0, p1 } = args.activation;
  const weightBytes = groupWeightBytes(g, packed);
  const outGroupBytes = g.Mg * g.OH * g.OW * 4;
  for (let i = 0; i < g.group; i++) {
    memory.wasm!.convDirect(args.inputs[1] + i * weightBytes, packed ? 1 : 0, args.scratch + preparedBytes(g), g.K,
      source.prepared + i * g.Cg * source.planeBytes, source.rowBytes, source.rowStride, args.outputs[0] + i * outGroupBytes,
      g.Mg, source.rows, source.cols, rowStart, rowEnd, colStart, colEnd,
      bias === 0 ? 0 : bias + i * g.Mg * 4, code, p0, p1);
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
  ...splitRun({ prelude, part: (memory, args, lane, lanes) => part(memory, args, false, lane, lanes) }),
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
  ...splitRun({ prelude, part: (memory, args, lane, lanes) => part(memory, args, true, lane, lanes) }),
};

