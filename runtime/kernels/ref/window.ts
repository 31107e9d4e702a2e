/**
 * Sliding-window arithmetic shared by Conv and the pooling kernels. Takes the spatial input size,
 * the kernel size and the node's `strides`, `dilations`, `pads`, `auto_pad` and `ceil_mode`
 * attributes; gives the output size and the begin/end padding actually applied, plus per-axis
 * tables of which kernel taps land inside the input. Kernels loop over three spatial axes, so
 * 1-D and 2-D windows are widened to 3-D with leading axes of size 1.
 */
import { KernelError, UnsupportedError } from '../../errors/errors.js';
import { attrInt, attrInts, attrString, type Attributes } from '../kernel.js';

/** One window configuration, one entry per spatial axis. */
export interface WindowGeometry {
  readonly inputSize: readonly number[];
  readonly kernelSize: readonly number[];
  readonly outputSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
}

/** The window attributes of a Conv or pooling node, resolved against an input and kernel size. */
export function windowGeometry(
  inputSize: readonly number[],
  kernelSize: readonly number[],
  attrs: Attributes,
): WindowGeometry {
  const rank = inputSize.length;
  const strides = positiveInts(attrs, 'strides', rank);
  const dilations = positiveInts(attrs, 'dilations', rank);
  const autoPad = attrString(attrs, 'auto_pad', 'NOTSET');
  const ceilMode = attrInt(attrs, 'ceil_mode', 0) !== 0;
  if (kernelSize.length !== rank || kernelSize.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new KernelError(`kernel shape [${kernelSize.join(',')}] does not fit ${rank} spatial axes`);
  }

  const outputSize: number[] = [];
  const padsBegin: number[] = [];
  const padsEnd: number[] = [];
  const pads = explicitPads(attrs, rank, autoPad);
  for (let i = 0; i < rank; i++) {
    const extent = (kernelSize[i] - 1) * dilations[i] + 1;
    const axis = autoPad === 'NOTSET'
      ? explicitAxis(inputSize[i], extent, strides[i], pads[i], pads[rank + i], ceilMode)
      : autoPadAxis(autoPad, inputSize[i], extent, strides[i]);
    if (axis.output < 1) {
      throw new KernelError(
        `window of extent ${extent} does not fit spatial axis ${i} of size ${inputSize[i]} ` +
        `(pads ${axis.begin}+${axis.end}, stride ${strides[i]})`,
      );
    }
    outputSize.push(axis.output);
    padsBegin.push(axis.begin);
    padsEnd.push(axis.end);
  }
  return { inputSize: [...inputSize], kernelSize: [...kernelSize], outputSize, strides, dilations, padsBegin, padsEnd };
}

interface AxisResolution {
  output: number;
  begin: number;
  end: number;
}

/**
 * With ceil_mode a last window may be added that starts in the end padding; like onnxruntime and
 * PyTorch we drop it, because it would see no input element at all.
 */
function explicitAxis(
  input: number, extent: number, stride: number, begin: number, end: number, ceilMode: boolean,
): AxisResolution {
  const span = input + begin + end - extent;
  let output = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (output - 1) * stride >= input + begin) output--;
  return { output, begin, end };
}

/** SAME_* pads so that output = ceil(input / stride); the odd pad goes to the end (UPPER) or begin (LOWER). */
function autoPadAxis(autoPad: string, input: number, extent: number, stride: number): AxisResolution {
  if (autoPad === 'VALID') {
    return { output: Math.floor((input - extent) / stride) + 1, begin: 0, end: 0 };
  }
  const output = Math.ceil(input / stride);
  const total = Math.max(0, (output - 1) * stride + extent - input);
  const small = Math.floor(total / 2);
  if (autoPad === 'SAME_UPPER') return { output, begin: small, end: total - small };
  if (autoPad === 'SAME_LOWER') return { output, begin: total - small, end: small };
  throw new KernelError(`auto_pad '${autoPad}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
}

function explicitPads(attrs: Attributes, rank: number, autoPad: string): readonly number[] {
  const pads = attrInts(attrs, 'pads', new Array<number>(2 * rank).fill(0));
  if (autoPad !== 'NOTSET') return pads;
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new KernelError(`pads [${pads.join(',')}] must be ${2 * rank} non-negative integers`);
  }
  return pads;
}

function positiveInts(attrs: Attributes, name: string, rank: number): number[] {
  const values = attrInts(attrs, name, new Array<number>(rank).fill(1));
  if (values.length !== rank || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new KernelError(`${name} [${values.join(',')}] must be ${rank} positive integers`);
  }
  return [...values];
}

/** Spatial rank the kernels loop over; lower ranks are widened with leading axes of size 1. */
const LOOP_RANK = 3;

/** `geometry` widened to three spatial axes with leading size-1 axes (no padding, unit stride). */
export function widenTo3d(geometry: WindowGeometry): WindowGeometry {
  const rank = geometry.inputSize.length;
  if (rank < 1 || rank > LOOP_RANK) {
    throw new UnsupportedError(`${rank} spatial axes are not supported; 1 to ${LOOP_RANK} are`);
  }
  const lead = (values: readonly number[], fill: number) => [
    ...new Array<number>(LOOP_RANK - rank).fill(fill), ...values,
  ];
  return {
    inputSize: lead(geometry.inputSize, 1),
    kernelSize: lead(geometry.kernelSize, 1),
    outputSize: lead(geometry.outputSize, 1),
    strides: lead(geometry.strides, 1),
    dilations: lead(geometry.dilations, 1),
    padsBegin: lead(geometry.padsBegin, 0),
    padsEnd: lead(geometry.padsEnd, 0),
  };
}

/**
 * The outputs `o` in [begin, end) for which the kernel tap at offset `tapOffset` (= tap * dilation
 * - padBegin) reads a real input element, i.e. 0 <= o * stride + tapOffset < inputSize. Conv uses
 * this to hoist all bounds checks out of its inner loop.
 */
export function outputsCoveredByTap(
  tapOffset: number, stride: number, inputSize: number, outputSize: number,
): { begin: number; end: number } {
  const begin = Math.max(0, Math.ceil(-tapOffset / stride));
  const end = Math.min(outputSize, Math.ceil((inputSize - tapOffset) / stride));
  return { begin, end: Math.max(begin, end) };
}

/** For each output position on one axis: where its window starts reading and how many taps it reads. */
export interface AxisWindows {
  /** Input index of the first tap that lands inside the input. */
  readonly firstInput: Int32Array;
  /** Number of taps inside the input. */
  readonly taps: Int32Array;
  /** Number of taps inside input plus explicit padding (AveragePool's count_include_pad divisor). */
  readonly tapsWithPads: Int32Array;
}

export function axisWindows(geometry: WindowGeometry, axis: number): AxisWindows {
  const input = geometry.inputSize[axis];
  const kernel = geometry.kernelSize[axis];
  const stride = geometry.strides[axis];
  const dilation = geometry.dilations[axis];
  const padBegin = geometry.padsBegin[axis];
  const outputs = geometry.outputSize[axis];
  const firstInput = new Int32Array(outputs);
  const taps = new Int32Array(outputs);
  const tapsWithPads = new Int32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    const start = o * stride - padBegin;
    const inside = tapsWithin(start, kernel, dilation, 0, input);
    firstInput[o] = start + inside.first * dilation;
    taps[o] = inside.count;
    tapsWithPads[o] = tapsWithin(start, kernel, dilation, -padBegin, input + geometry.padsEnd[axis]).count;
  }
  return { firstInput, taps, tapsWithPads };
}

/** Taps k in [0, kernel) with low <= start + k * dilation < high. */
function tapsWithin(
  start: number, kernel: number, dilation: number, low: number, high: number,
): { first: number; count: number } {
  const first = Math.max(0, Math.ceil((low - start) / dilation));
  const end = Math.min(kernel, Math.ceil((high - start) / dilation));
  return { first, count: Math.max(0, end - first) };
}

/** Checks an N x C x spatial input and returns its spatial dims. */
export function spatialDims(dims: readonly number[], what: string): number[] {
  if (dims.length < 3) {
    throw new KernelError(`${what} must be N x C x D1 x ... (rank >= 3), got rank ${dims.length}`);
  }
  return dims.slice(2);
}
