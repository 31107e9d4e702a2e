/**
 * `wasm.Conv.pointwise-c4`: 1×1 Conv (stride 1, no padding, group 1, float32, any batch) from
 * NC4HW4 to NC4HW4: a GEMM whose tile (assembly/conv-pointwise-c4.ts) is 4 pixels × 8 output
 * channels, the 4 channels of a pixel one vector in and out, so the input needs no copy and the
 * output no transpose. The weight transform packs W [M, C, 1, 1] in panels of 8 output channels;
 * the bias stays raw and the prelude pads it to whole panels in scratch. Lanes split each
 * image's output block pairs, or its pixels when there are more 4-pixel tiles than pairs (large
 * planes, few channels).
 */
import { attrInt } from '../kernel.js';
import { splitRun, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../variant.js';
import { windowGeometry } from '../ref/window.js';
import { band, biasOffset } from './conv-input.js';

const tilePixels = 4;

interface PointwiseGeometry { N: number; C: number; M: number; P: number; pairs: number }

function geometryOf(shapes: StepShapes): PointwiseGeometry {
  const [N, C, H, W] = shapes.inputs[0]!.dims;
  const M = shapes.inputs[1]!.dims[0];
  return { N, C, M, P: H * W, pairs: Math.ceil(M / 8) };
}

/** Whether the window is the identity on the plane: 1×1, stride 1, no padding. */
function isPointwiseWindow(x: readonly number[], attrs: StepShapes['attrs']): boolean {
  try {
    const g = windowGeometry(x.slice(2), [1, 1], attrs);
    return g.strides.every((s) => s === 1) && [...g.padsBegin, ...g.padsEnd].every((p) => p === 0);
  } catch {
    return false;
  }
}

function appliesTo(shapes: StepShapes): boolean {
  const [x, w, bias] = shapes.inputs;
  const y = shapes.outputs[0];
  if (!x || !w || x.dtype !== 'float32' || w.dtype !== 'float32' || x.dims.length !== 4 || w.dims.length !== 4) return false;
  if (!y || shapes.outputs.length !== 1) return false;
  if (bias && bias.dtype !== 'float32') return false;
  const [M, C, KH, KW] = w.dims;
  return M > 0 && C === x.dims[1] && KH === 1 && KW === 1 && attrInt(shapes.attrs, 'group', 1) === 1
    && isPointwiseWindow(x.dims, shapes.attrs);
}

function prelude(memory: KernelMemory, args: StepArgs): void {
  const g = geometryOf(args.shapes);
  memory.wasm!.padPointwiseBias(biasOffset(args), g.M, args.scratch);
}

function part(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const g = geometryOf(args.shapes);
  const tiles = Math.ceil(g.P / tilePixels);
  const byPixels = tiles > g.pairs;
  const [pairStart, pairEnd] = byPixels ? [0, g.pairs] : band(g.pairs, lane, lanes, 1);
  const [pixelStart, pixelEnd] = byPixels ? band(g.P, lane, lanes, tilePixels) : [0, g.P];
  if (pairStart >= pairEnd || pixelStart >= pixelEnd) return;
  const { code, p0, p1 } = args.activation;
  const inImageBytes = Math.ceil(g.C / 4) * g.P * 16;
  const outImageBytes = Math.ceil(g.M / 4) * g.P * 16;
  for (let n = 0; n < g.N; n++) {
    memory.wasm!.convPointwiseC4(args.inputs[1], g.P * 16, g.C, args.inputs[0] + n * inImageBytes,
      args.outputs[0] + n * outImageBytes, g.P * 16, Math.ceil(g.M / 4), pairStart, pairEnd, pixelStart, pixelEnd,
      args.scratch, code, p0, p1);
  }
}

export const convPointwiseC4: KernelVariant = {
  id: 'wasm.Conv.pointwise-c4',
  op: 'Conv',
  layoutVersion: 1,
  layout: { input: 'NC4HW4', output: 'NC4HW4' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo,
  scratchBytes: (shapes) => geometryOf(shapes).pairs * 32,
  transform: {
    input: 1,
    packedBytes: (shapes) => {
      const g = geometryOf(shapes);
      return g.pairs * 8 * g.C * 4;
    },
    run: (memory, shapes, raw, packed) => {
      const g = geometryOf(shapes);
      memory.wasm!.packPointwiseC4(raw, g.M, g.C, packed);
    },
  },
  ...splitRun({ prelude, part }),
};
