/**
 * The shared half of the reductions (ReduceMean, ReduceSum, ReduceMax): `data` (float32/float64)
 * reduced over `axes` (negative axes count from the end; none given means all axes, unless
 * `noop_with_empty_axes`), keeping reduced axes as size 1 when keepdims = 1 (the default). Axes
 * come as an attribute (ReduceSum before opset 13, the others before 18) or as optional input 1,
 * which must be a constant for `infer`. Accumulation is in double precision.
 */
import { KernelError } from '../../errors/errors.js';
import { allocData, formatDims, sizeOf, stridesOf, toNumbers, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import {
  attrInt, attrInts, expectDType, normaliseAxis, required, type Attributes, type InputInfo, type ReferenceKernel,
} from '../kernel.js';

type FloatArray = Float32Array | Float64Array;

export interface Reducer {
  readonly op: string;
  /** The accumulator's start (0 for sums, -Infinity for max). */
  readonly initial: number;
  combine(accumulated: number, value: number): number;
  /** The output from the accumulator and the number of elements reduced into it. */
  finish(accumulated: number, count: number): number;
}

interface Reduction {
  /** reduced[i] is true for each axis of `data` that is reduced away. */
  reduced: boolean[];
  outputDims: number[];
}

function reduction(op: string, data: ValueInfo, axesInput: InputInfo | undefined, attrs: Attributes): Reduction {
  expectDType(data.dtype, ['float32', 'float64'], `${op} input data`);
  const rank = data.dims.length;
  const axes = requestedAxes(op, axesInput, attrs);
  const reduced = new Array<boolean>(rank).fill(axes.length === 0 && attrInt(attrs, 'noop_with_empty_axes', 0) === 0);
  for (const axis of axes) {
    const a = normaliseAxis(axis, rank, `${op} axis`);
    if (reduced[a]) throw new KernelError(`${op} axes [${axes.join(',')}] name axis ${a} twice`);
    reduced[a] = true;
  }
  const keepDims = attrInt(attrs, 'keepdims', 1) !== 0;
  const outputDims = keepDims
    ? data.dims.map((d, i) => (reduced[i] ? 1 : d))
    : data.dims.filter((_, i) => !reduced[i]);
  return { reduced, outputDims };
}

function requestedAxes(op: string, axesInput: InputInfo | undefined, attrs: Attributes): readonly number[] {
  if (axesInput === undefined) return attrInts(attrs, 'axes', []);
  if (axesInput.value === undefined) {
    throw new KernelError(`${op} axes input must be a constant`, 'fold the axes computation into an initializer');
  }
  if (axesInput.dims.length !== 1) throw new KernelError(`${op} axes must be 1-D, got ${formatDims(axesInput.dims)}`);
  return toNumbers(axesInput.value);
}

export function reduceKernel(reducer: Reducer): ReferenceKernel {
  return {
    op: reducer.op,
    infer(inputs, attrs) {
      const data = required(inputs, 0, 'data');
      return [{ dtype: data.dtype, dims: reduction(reducer.op, data, inputs[1], attrs).outputDims }];
    },
    run(inputs, attrs) {
      const data = required(inputs, 0, 'data');
      const axesInput = inputs[1] === undefined ? undefined : { ...inputs[1], value: inputs[1] };
      const { reduced, outputDims } = reduction(reducer.op, data, axesInput, attrs);
      const accumulated = accumulate(data, reduced, reducer);
      const count = sizeOf(data.dims.filter((_, i) => reduced[i]));
      const y = allocData(data.dtype, accumulated.length) as FloatArray;
      for (let i = 0; i < accumulated.length; i++) y[i] = reducer.finish(accumulated[i], count);
      const out: Tensor = { dtype: data.dtype, dims: outputDims, data: y };
      return [out];
    },
  };
}

/** Walks `data` in order, combining each element into the output cell its kept coordinates name. */
function accumulate(data: Tensor, reduced: readonly boolean[], reducer: Reducer): Float64Array {
  const dims = data.dims;
  const keptStrides = stridesOf(dims.map((d, i) => (reduced[i] ? 1 : d)));
  const steps = keptStrides.map((s, i) => (reduced[i] ? 0 : s));
  const cells = new Float64Array(sizeOf(dims.map((d, i) => (reduced[i] ? 1 : d)))).fill(reducer.initial);
  const values = data.data as FloatArray;
  const index = new Array<number>(dims.length).fill(0);
  let out = 0;
  for (let i = 0; i < values.length; i++) {
    cells[out] = reducer.combine(cells[out], values[i]);
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      out += steps[axis];
      if (++index[axis] < dims[axis]) break;
      out -= steps[axis] * dims[axis];
      index[axis] = 0;
    }
  }
  return cells;
}
