/**
 * Index mapping shared by the reference kernels: numpy multidirectional broadcasting and strided
 * copies. Takes operand dims (and tensors); gives broadcast output dims, `broadcastBinary`, which
 * walks a broadcast output in long contiguous runs and hands each run to an operator's loops
 * (Add, Sub, Mul, Div, Sum, the comparisons), `expandTo`, which broadcasts one tensor to given dims
 * (Expand, Where), and `copyStrided`, the gather loop behind Transpose and Slice.
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import type { DType, Tensor, TypedArray, ValueInfo } from '../../tensor/tensor.js';
import { allocData, formatDims, sizeOf } from '../../tensor/tensor.js';

export type NumberArray = Exclude<TypedArray, BigInt64Array | BigUint64Array>;
export type BigIntArray = BigInt64Array | BigUint64Array;

export const arithmeticTypes: readonly DType[] = [
  'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64',
];

/**
 * The inner loops of one binary operator for one family of arrays. `same` serves operands of equal
 * shape (one index for all three arrays); `strided` serves one contiguous run of a broadcast
 * output, where each operand step is 1 (it varies along the run) or 0 (it is held).
 */
export interface BinaryLoops<A> {
  same(out: A, a: A, b: A, n: number): void;
  strided(out: A, a: A, b: A, outStart: number, aStart: number, aStep: number, bStart: number, bStep: number, n: number): void;
}

/** The dims `a` and `b` broadcast to, or a KernelError naming both. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new KernelError(`shapes ${formatDims(a)} and ${formatDims(b)} cannot be broadcast together`);
  }
  return out;
}

/** `infer` for a binary arithmetic operator: equal dtypes, broadcast dims. */
export function inferArithmetic(inputs: readonly (InputInfo | undefined)[]): ValueInfo[] {
  const a = required(inputs, 0, 'A');
  const b = required(inputs, 1, 'B');
  expectDType(a.dtype, arithmeticTypes, 'input A');
  if (b.dtype !== a.dtype) throw new KernelError(`inputs have different dtypes: ${a.dtype} and ${b.dtype}`);
  return [{ dtype: a.dtype, dims: broadcastDims(a.dims, b.dims) }];
}

/**
 * Applies an operator's loops to `a` and `b` with broadcasting; the result has their dtype. Equal
 * shapes take one `same` call; otherwise the output is walked in runs along its innermost
 * (collapsed) dimension, so a per-channel bias over H*W costs one call per channel.
 */
export function broadcastBinary<A extends TypedArray>(a: Tensor, b: Tensor, loops: BinaryLoops<A>, outDType: DType = a.dtype): Tensor {
  if (a.dtype !== b.dtype) throw new KernelError(`inputs have different dtypes: ${a.dtype} and ${b.dtype}`);
  const dims = broadcastDims(a.dims, b.dims);
  const out = allocData(outDType, sizeOf(dims)) as A;
  const result: Tensor = { dtype: outDType, dims, data: out };
  if (out.length === 0) return result;
  if (a.data.length === out.length && b.data.length === out.length) {
    loops.same(out, a.data as A, b.data as A, out.length);
    return result;
  }
  const plan = collapse(dims, alignedStrides(a.dims, dims), alignedStrides(b.dims, dims));
  walkRuns(plan, out, a.data as A, b.data as A, loops);
  return result;
}

/** Output dims with each operand's element strides; merged where memory order allows. */
interface RunPlan {
  readonly dims: number[];
  readonly aStrides: number[];
  readonly bStrides: number[];
}

/** `t` broadcast to `dims` (which `broadcastDims(t.dims, dims)` must equal), as a new tensor. */
export function expandTo(t: Tensor, dims: readonly number[]): Tensor {
  const out = allocData(t.dtype, sizeOf(dims));
  copyStrided(t.data, 0, alignedStrides(t.dims, dims), dims, out);
  return { dtype: t.dtype, dims: [...dims], data: out };
}

/** Row-major strides of `dims` placed under `outDims`, 0 where the operand is broadcast. */
function alignedStrides(dims: readonly number[], outDims: readonly number[]): number[] {
  const strides = new Array<number>(outDims.length).fill(0);
  let stride = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const o = i + outDims.length - dims.length;
    strides[o] = dims[i] === 1 ? 0 : stride;
    stride *= dims[i];
  }
  return strides;
}

/**
 * Drops size-1 output dims and merges neighbours that both operands walk as one block, so that
 * the innermost dim becomes as long as possible. After merging, an operand's innermost stride is
 * 1 or 0.
 */
function collapse(outDims: readonly number[], aFull: readonly number[], bFull: readonly number[]): RunPlan {
  const dims: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let i = 0; i < outDims.length; i++) {
    const d = outDims[i];
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && aStrides[last] === aFull[i] * d && bStrides[last] === bFull[i] * d) {
      dims[last] *= d;
      aStrides[last] = aFull[i];
      bStrides[last] = bFull[i];
    } else {
      dims.push(d);
      aStrides.push(aFull[i]);
      bStrides.push(bFull[i]);
    }
  }
  if (dims.length === 0) return { dims: [1], aStrides: [1], bStrides: [1] };
  return { dims, aStrides, bStrides };
}

function walkRuns<A>(plan: RunPlan, out: A, a: A, b: A, loops: BinaryLoops<A>): void {
  const { dims, aStrides, bStrides } = plan;
  const inner = dims.length - 1;
  const runLength = dims[inner];
  const outerRank = inner;
  const counters = new Array<number>(outerRank).fill(0);
  const runs = sizeOf(dims.slice(0, inner));
  let aStart = 0;
  let bStart = 0;
  for (let run = 0, outStart = 0; run < runs; run++, outStart += runLength) {
    loops.strided(out, a, b, outStart, aStart, aStrides[inner], bStart, bStrides[inner], runLength);
    for (let d = outerRank - 1; d >= 0; d--) {
      aStart += aStrides[d];
      bStart += bStrides[d];
      if (++counters[d] < dims[d]) break;
      counters[d] = 0;
      aStart -= aStrides[d] * dims[d];
      bStart -= bStrides[d] * dims[d];
    }
  }
}

/**
 * Copies into `out` (row-major over `outDims`) the elements of `src` at `srcStart + Σ i_k *
 * srcStrides[k]`. Strides may be negative (reversed slices). Runs along the innermost dim with
 * stride 1 become block copies.
 */
export function copyStrided(
  src: TypedArray, srcStart: number, srcStrides: readonly number[], outDims: readonly number[], out: TypedArray,
): void {
  if (out.length === 0) return;
  const { dims, strides } = mergeContiguous(outDims, srcStrides);
  if (dims.length === 0) {
    out[0] = src[srcStart];
    return;
  }
  const inner = dims.length - 1;
  const runLength = dims[inner];
  const innerStride = strides[inner];
  const counters = new Array<number>(inner).fill(0);
  const runs = out.length / runLength;
  // Element copies never look at the values, so a bigint array may travel under a number type.
  const from = src as Float64Array;
  const to = out as Float64Array;
  let start = srcStart;
  for (let run = 0, outStart = 0; run < runs; run++, outStart += runLength) {
    if (innerStride === 1) {
      to.set(from.subarray(start, start + runLength), outStart);
    } else {
      for (let i = 0, s = start; i < runLength; i++, s += innerStride) to[outStart + i] = from[s];
    }
    for (let d = inner - 1; d >= 0; d--) {
      start += strides[d];
      if (++counters[d] < dims[d]) break;
      counters[d] = 0;
      start -= strides[d] * dims[d];
    }
  }
}

/** Drops size-1 dims and merges neighbours the source walks as one block. */
function mergeContiguous(outDims: readonly number[], srcStrides: readonly number[]): { dims: number[]; strides: number[] } {
  const dims: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < outDims.length; i++) {
    if (outDims[i] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides[last] === srcStrides[i] * outDims[i]) {
      dims[last] *= outDims[i];
      strides[last] = srcStrides[i];
    } else {
      dims.push(outDims[i]);
      strides.push(srcStrides[i]);
    }
  }
  return { dims, strides };
}
