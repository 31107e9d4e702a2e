/**
 * ONNX MatMul (opsets 9-13), with numpy.matmul semantics: the last two axes are matrices, leading
 * axes are batch axes broadcast against each other, a 1-D A is a row vector and a 1-D B a column
 * vector whose added axis is dropped from the result. Float32/float64 (summed in double
 * precision), int32 and int64 (both wrapping on overflow, as two's-complement hardware does).
 */
import { KernelError } from '../../errors/errors.js';
import { allocData, formatDims, sizeOf, stridesOf, type TypedArray, type ValueInfo } from '../../tensor/tensor.js';
import { expectDType, required, type ReferenceKernel } from '../kernel.js';
import { broadcastDims } from './broadcast.js';

interface MatMulShape {
  m: number;
  k: number;
  n: number;
  batchDims: number[];
  aBatchDims: number[];
  bBatchDims: number[];
  outputDims: number[];
}

function matMulShape(a: ValueInfo, b: ValueInfo): MatMulShape {
  expectDType(a.dtype, ['float32', 'float64', 'int32', 'int64'], 'MatMul input A');
  if (b.dtype !== a.dtype) throw new KernelError(`MatMul input B has dtype ${b.dtype}; A has ${a.dtype}`);
  if (a.dims.length === 0 || b.dims.length === 0) throw new KernelError('MatMul operands must have rank >= 1');
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : [...a.dims];
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : [...b.dims];
  const [m, k] = aDims.slice(-2);
  const [kb, n] = bDims.slice(-2);
  if (k !== kb) {
    throw new KernelError(`MatMul inner dims differ: A ${formatDims(a.dims)}, B ${formatDims(b.dims)}`);
  }
  const aBatchDims = aDims.slice(0, -2);
  const bBatchDims = bDims.slice(0, -2);
  const batchDims = broadcastDims(aBatchDims, bBatchDims);
  const outputDims = [...batchDims];
  if (a.dims.length > 1) outputDims.push(m);
  if (b.dims.length > 1) outputDims.push(n);
  return { m, k, n, batchDims, aBatchDims, bBatchDims, outputDims };
}

export const MatMul: ReferenceKernel = {
  op: 'MatMul',

  infer(inputs) {
    const a = required(inputs, 0, 'A');
    return [{ dtype: a.dtype, dims: matMulShape(a, required(inputs, 1, 'B')).outputDims }];
  },

  run(inputs) {
    const a = required(inputs, 0, 'A');
    const b = required(inputs, 1, 'B');
    const shape = matMulShape(a, b);
    const { m, k, n } = shape;
    const y = allocData(a.dtype, sizeOf(shape.outputDims));
    const aOffsets = batchOffsets(shape.batchDims, shape.aBatchDims, m * k);
    const bOffsets = batchOffsets(shape.batchDims, shape.bBatchDims, k * n);
    const multiply = multiplierFor(a.data);
    for (let batch = 0; batch < aOffsets.length; batch++) {
      multiply(a.data, b.data, y, aOffsets[batch], bOffsets[batch], batch * m * n, m, k, n);
    }
    return [{ dtype: a.dtype, dims: shape.outputDims, data: y }];
  },
};

/** For each batch of the broadcast output, where the operand's matching matrix starts. */
function batchOffsets(batchDims: readonly number[], operandDims: readonly number[], matrixSize: number): number[] {
  const lead = batchDims.length - operandDims.length;
  const operandStrides = stridesOf(operandDims);
  const steps = batchDims.map((_, i) => {
    const axis = i - lead;
    return axis < 0 || operandDims[axis] === 1 ? 0 : operandStrides[axis] * matrixSize;
  });
  const offsets: number[] = [];
  const index = new Array<number>(batchDims.length).fill(0);
  for (let count = sizeOf(batchDims), offset = 0; count > 0; count--) {
    offsets.push(offset);
    for (let axis = batchDims.length - 1; axis >= 0; axis--) {
      offset += steps[axis];
      if (++index[axis] < batchDims[axis]) break;
      offset -= steps[axis] * batchDims[axis];
      index[axis] = 0;
    }
  }
  return offsets;
}

/** y (m x n) = a (m x k) * b (k x n) for matrices starting at the given offsets. */
type MatrixMultiply = (
  a: TypedArray, b: TypedArray, y: TypedArray, aStart: number, bStart: number, yStart: number,
  m: number, k: number, n: number,
) => void;

function multiplierFor(data: TypedArray): MatrixMultiply {
  if (data instanceof Float32Array || data instanceof Float64Array) return multiplyFloat as MatrixMultiply;
  if (data instanceof Int32Array) return multiplyInt32 as MatrixMultiply;
  return multiplyInt64 as MatrixMultiply;
}

/** Row-at-a-time (i, t, j) order so that B and Y are read contiguously; rows sum in float64. */
function multiplyFloat(
  a: Float32Array | Float64Array, b: Float32Array | Float64Array, y: Float32Array | Float64Array,
  aStart: number, bStart: number, yStart: number, m: number, k: number, n: number,
): void {
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let t = 0; t < k; t++) {
      const scale = a[aStart + i * k + t];
      const bRow = bStart + t * n;
      for (let j = 0; j < n; j++) row[j] += scale * b[bRow + j];
    }
    y.set(row, yStart + i * n);
  }
}

function multiplyInt32(
  a: Int32Array, b: Int32Array, y: Int32Array, aStart: number, bStart: number, yStart: number,
  m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const yRow = yStart + i * n;
    for (let t = 0; t < k; t++) {
      const scale = a[aStart + i * k + t];
      const bRow = bStart + t * n;
      for (let j = 0; j < n; j++) y[yRow + j] = (y[yRow + j] + Math.imul(scale, b[bRow + j])) | 0;
    }
  }
}

/** BigInt64Array stores reduce modulo 2^64, which gives the wrapping. */
function multiplyInt64(
  a: BigInt64Array, b: BigInt64Array, y: BigInt64Array, aStart: number, bStart: number, yStart: number,
  m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const yRow = yStart + i * n;
    for (let t = 0; t < k; t++) {
      const scale = a[aStart + i * k + t];
      const bRow = bStart + t * n;
      for (let j = 0; j < n; j++) y[yRow + j] += scale * b[bRow + j];
    }
  }
}
