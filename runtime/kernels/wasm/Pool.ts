/**
 * Pooling in WebAssembly SIMD over float32 NCHW tensors (any batch):
 *
 * - `wasm.MaxPool.simd`: 1-D and 2-D MaxPool (kernel_shape, strides, pads, auto_pad, dilations,
 *   ceil_mode) when the step does not ask for the Indices output.
 * - `wasm.AveragePool.simd`: the same windows for AveragePool, with count_include_pad.
 * - `wasm.GlobalAveragePool.simd`, `wasm.GlobalMaxPool.simd`: any spatial rank.
 *
 * Window arithmetic comes from the reference's `window.ts`; the kernels (assembly/pool.ts) run
 * separably through a padded row buffer in scratch, SIMD along output columns.
 */
import { attrInt, attrInts, type Attributes } from '../kernel.js';
import type { KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { windowGeometry, type WindowGeometry } from '../ref/window.js';
import { sizeOf } from '../../tensor/tensor.js';

const poolMax = 0;
const poolAverage = 1;

interface PoolGeometry {
  planes: number; H: number; W: number; OH: number; OW: number; KH: number; KW: number;
  sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number; padBottom: number; padRight: number;
  /** Floats of the average divisor table, then of the padded row buffer. */
  countFloats: number; rowFloats: number;
}

/** The window, or undefined where the reference would report the attributes as invalid. */
function windowOf(spatial: readonly number[], attrs: Attributes): WindowGeometry | undefined {
  try {
    return windowGeometry(spatial, attrInts(attrs, 'kernel_shape'), attrs);
  } catch {
    return undefined;
  }
}

/** The 2-D geometry (a 1-D window is a 2-D one of height 1), or undefined when the kernels do not serve the step. */
function geometryOf(shapes: StepShapes): PoolGeometry | undefined {
  const x = shapes.inputs[0];
  if (!x || x.dtype !== 'float32' || (x.dims.length !== 3 && x.dims.length !== 4)) return undefined;
  const g = windowOf(x.dims.slice(2), shapes.attrs);
  if (!g) return undefined;
  const widen = (values: readonly number[], fill: number) => (values.length === 1 ? [fill, values[0]] : [...values]);
  const [H, W] = widen(g.inputSize, 1);
  const [OH, OW] = widen(g.outputSize, 1);
  const [KH, KW] = widen(g.kernelSize, 1);
  const [sy, sx] = widen(g.strides, 1);
  const [dy, dx] = widen(g.dilations, 1);
  const [padTop, padLeft] = widen(g.padsBegin, 0);
  const [padBottom, padRight] = widen(g.padsEnd, 0);
  const paddedOW = Math.ceil(OW / 4) * 4;
  const rowFloats = Math.max(padLeft + Math.ceil(W / 4) * 4, (paddedOW - 1) * sx + (KW - 1) * dx + 2);
  return {
    planes: x.dims[0] * x.dims[1], H, W, OH, OW, KH, KW, sy, sx, dy, dx, padTop, padLeft, padBottom, padRight,
    countFloats: paddedOW, rowFloats,
  };
}

function windowVariant(op: 'MaxPool' | 'AveragePool', kind: number): KernelVariant {
  return {
    id: `wasm.${op}.simd`,
    op,
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: false,
    usesWasm: true,
    // The compiler lists only the outputs a node asks for: a second one is MaxPool's Indices.
    appliesTo: (shapes) => shapes.outputs.length === 1 && geometryOf(shapes) !== undefined,
    scratchBytes(shapes) {
      const g = geometryOf(shapes)!;
      return (g.countFloats + g.rowFloats) * 4;
    },
    run(memory: KernelMemory, args: StepArgs) {
      const g = geometryOf(args.shapes)!;
      const countPads = kind === poolAverage ? attrInt(args.shapes.attrs, 'count_include_pad', 0) : 0;
      memory.wasm!.pool2d(kind, args.inputs[0], g.planes, g.H, g.W, g.OH, g.OW, g.KH, g.KW, g.sy, g.sx, g.dy, g.dx,
        g.padTop, g.padLeft, g.padBottom, g.padRight, countPads !== 0 ? 1 : 0, args.scratch, args.scratch + g.countFloats * 4,
        g.rowFloats, args.outputs[0]);
    },
  };
}

function globalVariant(op: 'GlobalMaxPool' | 'GlobalAveragePool', kind: number): KernelVariant {
  const applies = (shapes: StepShapes): boolean => {
    const x = shapes.inputs[0];
    return !!x && x.dtype === 'float32' && x.dims.length >= 3 && shapes.outputs.length === 1;
  };
  return {
    id: `wasm.${op}.simd`,
    op,
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: false,
    usesWasm: true,
    appliesTo: applies,
    scratchBytes: () => 0,
    run(memory, args) {
      const dims = args.shapes.inputs[0]!.dims;
      memory.wasm!.globalPool(kind, args.inputs[0], dims[0] * dims[1], sizeOf(dims.slice(2)), args.outputs[0]);
    },
  };
}

export const maxPoolSimd = windowVariant('MaxPool', poolMax);
export const averagePoolSimd = windowVariant('AveragePool', poolAverage);
export const globalMaxPoolSimd = globalVariant('GlobalMaxPool', poolMax);
export const globalAveragePoolSimd = globalVariant('GlobalAveragePool', poolAverage);
