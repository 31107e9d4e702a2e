/**
 * Slice: takes elements start, start+step, ... (stopping before end) along chosen axes. Inputs:
 * data, then int32/int64 starts, ends, optional axes (default 0..n-1, negative allowed) and
 * optional steps (default 1, negative walks backwards). Out-of-range starts and ends are clamped
 * as numpy does, so INT64_MAX / INT64_MIN ends mean "to the edge". `infer` needs starts, ends,
 * axes and steps to be constants. Any dtype.
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo, ReferenceKernel } from '../kernel.js';
import { normaliseAxis, required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { allocData, formatDims, sizeOf, stridesOf, toNumbers } from '../../tensor/tensor.js';
import { copyStrided } from './broadcast.js';

/** Per input axis: first index taken, step and number of elements. */
interface SliceWindow {
  readonly starts: number[];
  readonly steps: number[];
  readonly dims: number[];
}

type IndexInputs = readonly [Tensor, Tensor, Tensor | undefined, Tensor | undefined];

function sliceWindow(inDims: readonly number[], [startsT, endsT, axesT, stepsT]: IndexInputs): SliceWindow {
  const rank = inDims.length;
  const starts = toNumbers(startsT);
  const ends = toNumbers(endsT);
  const axes = axesT ? toNumbers(axesT) : starts.map((_, i) => i);
  const steps = stepsT ? toNumbers(stepsT) : starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw new KernelError(`starts, ends, axes and steps must have one length, got ${starts.length}, ${ends.length}, ${axes.length}, ${steps.length}`);
  }
  const window: SliceWindow = { starts: new Array<number>(rank).fill(0), steps: new Array<number>(rank).fill(1), dims: [...inDims] };
  const seen = new Set<number>();
  axes.forEach((rawAxis, i) => {
    const axis = normaliseAxis(rawAxis, rank, 'slice axis');
    if (seen.has(axis)) throw new KernelError(`axis ${axis} appears twice in axes ${formatDims(axes)}`);
    seen.add(axis);
    const [start, count] = clampedRange(inDims[axis], starts[i], ends[i], steps[i]);
    window.starts[axis] = start;
    window.steps[axis] = steps[i];
    window.dims[axis] = count;
  });
  return window;
}

/** ONNX's clamping: a negative index counts from the end, then bounds depend on the direction. */
function clampedRange(dim: number, rawStart: number, rawEnd: number, step: number): [number, number] {
  if (step === 0) throw new KernelError('slice step cannot be 0');
  if (dim === 0) return [0, 0];
  let start = rawStart < 0 ? rawStart + dim : rawStart;
  let end = rawEnd < 0 ? rawEnd + dim : rawEnd;
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
  } else {
    start = clamp(start, 0, dim - 1);
    end = clamp(end, -1, dim - 1);
  }
  return [start, Math.max(0, Math.ceil((end - start) / step))];
}

function clamp(v: number, low: number, high: number): number {
  return v < low ? low : v > high ? high : v;
}

function constantIndexInputs(inputs: readonly (InputInfo | undefined)[]): IndexInputs {
  const names = ['starts', 'ends', 'axes', 'steps'];
  const [starts, ends, axes, steps] = names.map((name, i) => {
    const info = i < 2 ? required(inputs, i + 1, name) : inputs[i + 1];
    if (info === undefined) return undefined;
    if (info.value === undefined) throw new KernelError(`input ${i + 1} (${name}) must be a constant to infer the output shape`);
    return info.value;
  });
  return [starts as Tensor, ends as Tensor, axes, steps];
}

export const Slice: ReferenceKernel = {
  op: 'Slice',
  infer(inputs) {
    const x = required(inputs, 0, 'data');
    return [{ dtype: x.dtype, dims: sliceWindow(x.dims, constantIndexInputs(inputs)).dims }];
  },
  run(inputs) {
    const x = required(inputs, 0, 'data');
    const window = sliceWindow(x.dims, [required(inputs, 1, 'starts'), required(inputs, 2, 'ends'), inputs[3], inputs[4]]);
    const inStrides = stridesOf(x.dims);
    const first = window.starts.reduce((offset, s, axis) => offset + s * inStrides[axis], 0);
    const out = allocData(x.dtype, sizeOf(window.dims));
    copyStrided(x.data, first, inStrides.map((s, axis) => s * window.steps[axis]), window.dims, out);
    return [{ dtype: x.dtype, dims: window.dims, data: out }];
  },
};
