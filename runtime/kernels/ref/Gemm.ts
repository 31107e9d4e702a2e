/**
 * ONNX Gemm (opsets 9-13): Y = alpha * A' * B' + beta * C, where A' is A (M x K) or its transpose
 * (transA), B' is B (K x N) or its transpose (transB), and the optional C is broadcast one way to
 * M x N. Float32 and float64. Sums are accumulated in double precision.
 */
import { KernelError } from '../../errors/errors.js';
import { allocData, formatDims, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { attrFloat, attrInt, expectDType, required, type Attributes, type ReferenceKernel } from '../kernel.js';

type FloatArray = Float32Array | Float64Array;

/** Element (row, col) of a matrix operand lives at row * rowStride + col * colStride. */
interface MatrixView {
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
  readonly colStride: number;
}

function matrixView(info: ValueInfo, transposed: boolean, what: string): MatrixView {
  if (info.dims.length !== 2) throw new KernelError(`Gemm ${what} must be 2-D, got ${formatDims(info.dims)}`);
  const [r, c] = info.dims;
  return transposed
    ? { rows: c, cols: r, rowStride: 1, colStride: c }
    : { rows: r, cols: c, rowStride: c, colStride: 1 };
}

/** C broadcast to M x N: a size-1 (or missing) axis gets stride 0. */
function biasView(c: ValueInfo, m: number, n: number): MatrixView {
  const dims = c.dims;
  if (dims.length > 2) throw new KernelError(`Gemm C must have rank <= 2, got ${formatDims(dims)}`);
  const rows = dims.length === 2 ? dims[0] : 1;
  const cols = dims.length >= 1 ? dims[dims.length - 1] : 1;
  if ((rows !== 1 && rows !== m) || (cols !== 1 && cols !== n)) {
    throw new KernelError(`Gemm C ${formatDims(dims)} cannot be broadcast to [${m},${n}]`);
  }
  return { rows: m, cols: n, rowStride: rows === 1 ? 0 : cols, colStride: cols === 1 ? 0 : 1 };
}

interface GemmPlan {
  a: MatrixView;
  b: MatrixView;
  c: MatrixView | undefined;
}

function plan(inputs: readonly (ValueInfo | undefined)[], attrs: Attributes): GemmPlan {
  const aInfo = required(inputs, 0, 'A');
  const bInfo = required(inputs, 1, 'B');
  expectDType(aInfo.dtype, ['float32', 'float64'], 'Gemm input A');
  for (const [info, what] of [[bInfo, 'B'], [inputs[2], 'C']] as const) {
    if (info !== undefined && info.dtype !== aInfo.dtype) {
      throw new KernelError(`Gemm input ${what} has dtype ${info.dtype}; A has ${aInfo.dtype}`);
    }
  }
  const a = matrixView(aInfo, attrInt(attrs, 'transA', 0) !== 0, 'A');
  const b = matrixView(bInfo, attrInt(attrs, 'transB', 0) !== 0, 'B');
  if (a.cols !== b.rows) {
    throw new KernelError(`Gemm inner dims differ: A' is ${a.rows} x ${a.cols}, B' is ${b.rows} x ${b.cols}`);
  }
  const c = inputs[2] === undefined ? undefined : biasView(inputs[2], a.rows, b.cols);
  return { a, b, c };
}

export const Gemm: ReferenceKernel = {
  op: 'Gemm',

  infer(inputs, attrs) {
    const { a, b } = plan(inputs, attrs);
    return [{ dtype: required(inputs, 0, 'A').dtype, dims: [a.rows, b.cols] }];
  },

  run(inputs, attrs) {
    const p = plan(inputs, attrs);
    const aTensor = required(inputs, 0, 'A');
    const alpha = attrFloat(attrs, 'alpha', 1);
    const beta = attrFloat(attrs, 'beta', 1);
    const y = allocData(aTensor.dtype, p.a.rows * p.b.cols) as FloatArray;
    const cTensor = inputs[2];
    const c = cTensor && p.c ? { data: cTensor.data as FloatArray, view: p.c } : undefined;
    multiply(aTensor.data as FloatArray, required(inputs, 1, 'B').data as FloatArray, c, y, p, alpha, beta);
    const out: Tensor = { dtype: aTensor.dtype, dims: [p.a.rows, p.b.cols], data: y };
    return [out];
  },
};

function multiply(
  a: FloatArray, b: FloatArray, c: { data: FloatArray; view: MatrixView } | undefined, y: FloatArray,
  p: GemmPlan, alpha: number, beta: number,
): void {
  const { rows: m, cols: k } = p.a;
  const n = p.b.cols;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let ai = i * p.a.rowStride;
      let bj = j * p.b.colStride;
      for (let t = 0; t < k; t++, ai += p.a.colStride, bj += p.b.rowStride) sum += a[ai] * b[bj];
      const bias = c === undefined ? 0 : beta * c.data[i * c.view.rowStride + j * c.view.colStride];
      y[i * n + j] = alpha * sum + bias;
    }
  }
}
