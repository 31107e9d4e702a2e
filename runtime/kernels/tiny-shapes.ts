/**
 * A step's kind of problem at a tiny size: the same operator, attributes, layouts and kind of
 * geometry (kernel size, strides, dilations, pads, groups, transposes, broadcast form), with few
 * channels and a few output rows and columns. Load runs each wasm kernel of the first run once on
 * its tiny problem (runtime/load/tier-up.ts), so V8 compiles that kernel's wasm functions with its
 * optimizing compiler before the step itself runs.
 *
 * Only the operators whose kernels are long enough to matter have one: Conv, Gemm, MatMul, the
 * pooling operators and the same-shape elementwise ones. Undefined otherwise, and when the tiny
 * problem would not be well formed (the reference kernel's shape inference decides).
 */
import { attrInt, attrInts, type Attributes } from './kernel.js';
import { referenceKernel } from './ref/registry.js';
import type { StepShapes } from './variant.js';
import type { ValueInfo } from '../tensor/tensor.js';

/** Output rows and columns of a tiny sliding-window problem (two 4-wide or one 8-wide tile). */
const tinyOutputSide = 8;
/** Channels and filters kept at most (two SIMD vectors; a whole NC4HW4 block). */
const tinyChannels = 8;
/** The reduction and output widths kept at most for Gemm and MatMul. */
const tinyProduct = 16;

const sameShapeOps = new Set(['Add', 'Sub', 'Mul', 'Div', 'Sum', 'Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Clip']);

export function tinyShapes(op: string, shapes: StepShapes): StepShapes | undefined {
  const tiny = tinyInputs(op, shapes);
  if (!tiny) return undefined;
  try {
    const outputs = referenceKernel(op)?.infer(tiny.inputs, tiny.attrs);
    // A step may leave optional outputs out (MaxPool's indices).
    if (!outputs || outputs.length < shapes.outputs.length) return undefined;
    return { attrs: tiny.attrs, inputs: tiny.inputs, outputs: shapes.outputs.map((original, i) => withLayoutOf(original, outputs[i])) };
  } catch {
    return undefined;
  }
}

type TinyInputs = { attrs: Attributes; inputs: (ValueInfo | undefined)[] };

function tinyInputs(op: string, shapes: StepShapes): TinyInputs | undefined {
  switch (op) {
    case 'Conv': return tinyConv(shapes);
    case 'MaxPool':
    case 'AveragePool': return tinyPool(shapes);
    case 'GlobalAveragePool':
    case 'GlobalMaxPool': return tinyGlobalPool(shapes);
    case 'Gemm': return tinyGemm(shapes);
    case 'MatMul': return tinyMatMul(shapes);
    default: return sameShapeOps.has(op) ? tinySameShape(shapes) : undefined;
  }
}

function tinyConv({ attrs, inputs: [x, w, bias] }: StepShapes): TinyInputs | undefined {
  if (!is4d(x) || w?.dims.length !== 4) return undefined;
  const group = attrInt(attrs, 'group', 1);
  const [M, perGroup, KH, KW] = w.dims;
  const C = x.dims[1];
  // One group keeps its kind (plain, depthwise with its multiplier, or grouped) at fewer channels.
  let groups: number, channels: number, filters: number;
  if (group === 1) [groups, channels, filters] = [1, Math.min(C, tinyChannels), Math.min(M, 2 * tinyChannels)];
  else if (group === C) [groups, channels, filters] = [Math.min(C, tinyChannels), Math.min(C, tinyChannels), Math.min(C, tinyChannels) * (M / C)];
  else [groups, channels, filters] = [Math.min(group, 2), Math.min(group, 2) * perGroup, Math.min(group, 2) * (M / group)];
  const [H, W] = [windowInput(x.dims[2], KH, attrs, 0), windowInput(x.dims[3], KW, attrs, 1)];
  return {
    attrs: { ...attrs, ...(group === 1 ? {} : { group: groups }) },
    inputs: [
      { ...x, dims: [1, channels, H, W] },
      { ...w, dims: [filters, channels / groups, KH, KW] },
      bias ? { ...bias, dims: [filters] } : undefined,
    ],
  };
}

function tinyPool({ attrs, inputs: [x] }: StepShapes): TinyInputs | undefined {
  if (!is4d(x)) return undefined;
  const [KH, KW] = attrInts(attrs, 'kernel_shape');
  return { attrs, inputs: [{ ...x, dims: [1, Math.min(x.dims[1], tinyChannels), windowInput(x.dims[2], KH, attrs, 0), windowInput(x.dims[3], KW, attrs, 1)] }] };
}

function tinyGlobalPool({ attrs, inputs: [x] }: StepShapes): TinyInputs | undefined {
  if (!is4d(x)) return undefined;
  return { attrs, inputs: [{ ...x, dims: [1, Math.min(x.dims[1], tinyChannels), Math.min(x.dims[2], 4), Math.min(x.dims[3], 4)] }] };
}

function tinyGemm({ attrs, inputs: [a, b, c] }: StepShapes): TinyInputs | undefined {
  if (!a || !b || a.dims.length !== 2 || b.dims.length !== 2) return undefined;
  const transA = attrInt(attrs, 'transA', 0) !== 0;
  const transB = attrInt(attrs, 'transB', 0) !== 0;
  const [M, K] = transA ? [a.dims[1], a.dims[0]] : a.dims;
  const N = transB ? b.dims[0] : b.dims[1];
  const [m, k, n] = [Math.min(M, 4), Math.min(K, tinyProduct), Math.min(N, tinyProduct)];
  // C keeps its broadcast form: each of its axes is 1 or the full M or N.
  const cDims = c?.dims.map((d, i) => (d === 1 ? 1 : i === c.dims.length - 1 ? n : m));
  return {
    attrs,
    inputs: [
      { ...a, dims: transA ? [k, m] : [m, k] },
      { ...b, dims: transB ? [n, k] : [k, n] },
      c && cDims ? { ...c, dims: cDims } : undefined,
    ],
  };
}

function tinyMatMul({ attrs, inputs: [a, b] }: StepShapes): TinyInputs | undefined {
  if (!a || !b || a.dims.length !== 2 || b.dims.length !== 2) return undefined;
  const [m, k, n] = [Math.min(a.dims[0], 4), Math.min(a.dims[1], tinyProduct), Math.min(b.dims[1], tinyProduct)];
  return { attrs, inputs: [{ ...a, dims: [m, k] }, { ...b, dims: [k, n] }] };
}

/** Elementwise over inputs of the output's 4-D shape (scalar inputs such as Clip's bounds stay). */
function tinySameShape({ attrs, inputs, outputs: [y] }: StepShapes): TinyInputs | undefined {
  if (!is4d(y)) return undefined;
  const same = (v: ValueInfo): boolean => v.dims.length === 4 && v.dims.every((d, i) => d === y.dims[i]);
  if (!inputs.some((v) => v && same(v)) || inputs.some((v) => v && !same(v) && v.dims.length > 1)) return undefined;
  const dims = [1, Math.min(y.dims[1], tinyChannels), Math.min(y.dims[2], 4), Math.min(y.dims[3], 4)];
  return { attrs, inputs: inputs.map((v) => (v && same(v) ? { ...v, dims } : v)) };
}

/** Input size along spatial axis `axis` for about `tinyOutputSide` outputs of a window of `kernel` taps. */
function windowInput(size: number, kernel: number, attrs: Attributes, axis: number): number {
  const stride = attrInts(attrs, 'strides', [1, 1])[axis] ?? 1;
  const dilation = attrInts(attrs, 'dilations', [1, 1])[axis] ?? 1;
  return Math.min(size, (tinyOutputSide - 1) * stride + (kernel - 1) * dilation + 1);
}

/** A 4-D activation of batch 1. */
function is4d(v: ValueInfo | undefined): v is ValueInfo {
  return v !== undefined && v.dims.length === 4 && v.dims[0] === 1;
}

function withLayoutOf(original: ValueInfo, inferred: ValueInfo): ValueInfo {
  return original.layout ? { ...inferred, layout: original.layout } : inferred;
}
