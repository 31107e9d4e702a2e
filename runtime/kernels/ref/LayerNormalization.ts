/**
 * LayerNormalization (opset 17): normalises X over its axes from `axis` (default -1) on:
 * Y = (X - mean) / sqrt(var + epsilon) * Scale + B, with the population variance, epsilon default
 * 1e-5. Scale and the optional B broadcast to X.dims[axis:]. Optional outputs Mean and InvStdDev
 * have X's dims with the normalised axes set to 1, in float32 (`stash_type` 1, the only one the
 * specification defines). Float32/float64, in double precision; passes/fuse-layer-norm makes it
 * from the exporters' ReduceMean-Sub-Pow-ReduceMean-Add-Sqrt-Div-Mul-Add.
 */
import { KernelError, UnsupportedError } from '../../errors/errors.js';
import type { Attributes, InputInfo, ReferenceKernel } from '../kernel.js';
import { attrFloat, attrInt, expectDType, normaliseAxis, required } from '../kernel.js';
import { allocData, formatDims, sizeOf, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { broadcastDims, expandTo } from './broadcast.js';

type FloatArray = Float32Array | Float64Array;

interface Shape {
  axis: number;
  /** Rows normalised apart, and the elements in each. */
  rows: number;
  width: number;
  statsDims: number[];
}

function shapeOf(inputs: readonly (InputInfo | Tensor | undefined)[], attrs: Attributes): Shape {
  const x = required(inputs, 0, 'X');
  expectDType(x.dtype, ['float32', 'float64'], 'LayerNormalization input X');
  if (attrInt(attrs, 'stash_type', 1) !== 1) throw new UnsupportedError('LayerNormalization stash_type other than 1 (float32)');
  const axis = normaliseAxis(attrInt(attrs, 'axis', -1), x.dims.length);
  const normalised = x.dims.slice(axis);
  for (const [i, what] of [[1, 'Scale'], [2, 'B']] as const) {
    const t = i === 1 ? required(inputs, i, what) : inputs[i];
    if (!t) continue;
    if (t.dtype !== x.dtype) throw new UnsupportedError(`LayerNormalization ${what} has dtype ${t.dtype}; X has ${x.dtype}`);
    if (broadcastDims(normalised, t.dims).join(',') !== normalised.join(',')) {
      throw new KernelError(`LayerNormalization ${what} ${formatDims(t.dims)} does not broadcast to the normalised dims ${formatDims(normalised)}`);
    }
  }
  return {
    axis,
    rows: sizeOf(x.dims.slice(0, axis)),
    width: sizeOf(normalised),
    statsDims: x.dims.map((d, i) => (i < axis ? d : 1)),
  };
}

function infer(inputs: readonly (InputInfo | undefined)[], attrs: Attributes): ValueInfo[] {
  const x = required(inputs, 0, 'X');
  const { statsDims } = shapeOf(inputs, attrs);
  return [{ dtype: x.dtype, dims: [...x.dims] }, { dtype: 'float32', dims: statsDims }, { dtype: 'float32', dims: statsDims }];
}

export const LayerNormalization: ReferenceKernel = {
  op: 'LayerNormalization',
  infer,
  run(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    const { axis, rows, width, statsDims } = shapeOf(inputs, attrs);
    const epsilon = attrFloat(attrs, 'epsilon', 1e-5);
    const normalisedDims = x.dims.slice(axis);
    const scale = expandTo(required(inputs, 1, 'Scale'), normalisedDims).data as FloatArray;
    const bias = inputs[2] ? (expandTo(inputs[2], normalisedDims).data as FloatArray) : undefined;
    const src = x.data as FloatArray;
    const y = allocData(x.dtype, src.length) as FloatArray;
    const means = new Float32Array(rows);
    const invStdDevs = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const start = r * width;
      let sum = 0;
      for (let i = 0; i < width; i++) sum += src[start + i];
      const mean = sum / width;
      let squares = 0;
      for (let i = 0; i < width; i++) squares += (src[start + i] - mean) ** 2;
      const invStdDev = 1 / Math.sqrt(squares / width + epsilon);
      for (let i = 0; i < width; i++) {
        y[start + i] = (src[start + i] - mean) * invStdDev * scale[i] + (bias ? bias[i] : 0);
      }
      means[r] = mean;
      invStdDevs[r] = invStdDev;
    }
    return [
      { dtype: x.dtype, dims: [...x.dims], data: y },
      { dtype: 'float32', dims: statsDims, data: means },
      { dtype: 'float32', dims: statsDims, data: invStdDevs },
    ];
  },
};
