/**
 * ONNX ReduceMean: `data` (float32/float64) gives its mean over `axes` (negative axes count from
 * the end; none given means all axes), keeping reduced axes as size 1 when keepdims = 1 (the
 * default). Opsets 1-17 take `axes` as an attribute; opset 18 takes it as optional input 1 (which
 * must be a constant for `infer`) together with `noop_with_empty_axes`. Sums are in double precision.
 */
import { KernelError } from '../../errors/errors.js';
import { allocData, formatDims, sizeOf, stridesOf, toNumbers, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import {
  attrInt, attrInts, expectDType, normaliseAxis, required, type Attributes, type InputInfo, type ReferenceKernel,
} from '../kernel.js';

type FloatArray = Float32Array | Float64Array;

interface Reduction {
  /** reduced[i] is true for each axis of `data` that is averaged away. */
  reduced: boolean[];
  outputDims: number[];
}

function reduction(data: ValueInfo, axesInput: InputInfo | undefined, attrs: Attributes): Reduction {
  expectDType(data.dtype, ['float32', 'float64'], 'ReduceMean input data');
  const rank = data.dims.length;
  const axes = requestedAxes(axesInput, attrs);
  const reduced = new Array<boolean>(rank).fill(axes.length === 0 && attrInt(attrs, 'noop_with_empty_axes', 0) === 0);
  for (const axis of axes) {
    const a = normaliseAxis(axis, rank, 'ReduceMean axis');
    if (reduced[a]) throw new KernelError(`ReduceMean axes [${axes.join(',')}] name axis ${a} twice`);
    reduced[a] = true;
  }
  const keepDims = attrInt(attrs, 'keepdims', 1) !== 0;
  const outputDims = keepDims
    ? data.dims.map((d, i) => (reduced[i] ? 1 : d))
    : data.dims.filter((_, i) => !reduced[i]);
  return { reduced, outputDims };
}

function requestedAxes(axesInput: InputInfo | undefined, attrs: Attributes): readonly number[] {
  if (axesInput === undefined) return attrInts(attrs, 'axes', []);
  if (axesInput.value === undefined) {
    throw new KernelError('ReduceMean axes input must be a constant', 'fold the axes computation into an initializer');
  }
  if (axesInput.dims.length !== 1) throw new KernelError(`ReduceMean axes must be 1-D, got ${formatDims(axesInput.dims)}`);
  return toNumbers(axesInput.value);
}

export const ReduceMean: ReferenceKernel = {
  op: 'ReduceMean',

  infer(inputs, attrs) {
    const data = required(inputs, 0, 'data');
    return [{ dtype: data.dtype, dims: reduction(data, inputs[1], attrs).outputDims }];
  },

  run(inputs, attrs) {
    const data = required(inputs, 0, 'data');
    const axesInput = inputs[1] === undefined ? undefined : { ...inputs[1], value: inputs[1] };
    const { reduced, outputDims } = reduction(data, axesInput, attrs);
    const sums = sumInto(data, reduced);
    const count = sizeOf(data.dims.filter((_, i) => reduced[i]));
    const y = allocData(data.dtype, sums.length) as FloatArray;
    for (let i = 0; i < sums.length; i++) y[i] = sums[i] / count;
    const out: Tensor = { dtype: data.dtype, dims: outputDims, data: y };
    return [out];
  },
};

/** Walks `data` in order, adding each element to the output cell its non-reduced coordinates name. */
function sumInto(data: Tensor, reduced: readonly boolean[]): Float64Array {
  const dims = data.dims;
  const keptStrides = stridesOf(dims.map((d, i) => (reduced[i] ? 1 : d)));
  const steps = keptStrides.map((s, i) => (reduced[i] ? 0 : s));
  const sums = new Float64Array(sizeOf(dims.map((d, i) => (reduced[i] ? 1 : d))));
  const values = data.data as FloatArray;
  const index = new Array<number>(dims.length).fill(0);
  let out = 0;
  for (let i = 0; i < values.length; i++) {
    sums[out] += values[i];
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      out += steps[axis];
      if (++index[axis] < dims[axis]) break;
      out -= steps[axis] * dims[axis];
      index[axis] = 0;
    }
  }
  return sums;
}
