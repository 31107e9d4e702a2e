/**
 * Tensors as every stage sees them: a dtype, static dims and a typed array in row-major order.
 * Takes nothing; gives the `Tensor` type and small helpers used by kernels, the importer and the
 * runtime's input/output code. int64 data stays a BigInt64Array so that values survive exactly.
 */
import type { ActivationLayout } from './layout.js';

export type DType =
  | 'float32' | 'float64'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool';

export type TypedArray =
  | Float32Array | Float64Array
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TypedArray;
}

/** Static type and shape of a value, without data. */
export interface ValueInfo {
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** Order of the floats in the planned memory (absent: NCHW, row-major); see layout.ts. */
  readonly layout?: ActivationLayout;
}

const arrayTypes = {
  float32: Float32Array, float64: Float64Array,
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

export function bytesPerElement(dtype: DType): number {
  return arrayTypes[dtype].BYTES_PER_ELEMENT;
}

export function isBigIntType(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'uint64';
}

export function isFloatType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Whether `data` is the typed array that holds `dtype` (Uint8Array for bool). */
export function isDataOf(dtype: DType, data: unknown): data is TypedArray {
  return data instanceof arrayTypes[dtype];
}

export function allocData(dtype: DType, length: number): TypedArray {
  return new arrayTypes[dtype](length);
}

/** A zero-filled tensor. */
export function zeros(dtype: DType, dims: readonly number[]): Tensor {
  return { dtype, dims: [...dims], data: allocData(dtype, sizeOf(dims)) };
}

/** Wraps existing bytes without copying; `byteOffset` must be aligned to the element size. */
export function viewOf(dtype: DType, dims: readonly number[], buffer: ArrayBufferLike, byteOffset: number): Tensor {
  return { dtype, dims: [...dims], data: new arrayTypes[dtype](buffer as ArrayBuffer, byteOffset, sizeOf(dims)) };
}

export function fromNumbers(dtype: DType, dims: readonly number[], values: ArrayLike<number>): Tensor {
  const data = allocData(dtype, values.length);
  if (isBigIntType(dtype)) {
    const big = data as BigInt64Array;
    for (let i = 0; i < values.length; i++) big[i] = BigInt(Math.trunc(values[i]));
  } else {
    (data as Float64Array).set(values);
  }
  if (data.length !== sizeOf(dims)) {
    throw new RangeError(`fromNumbers: ${values.length} values do not fill dims [${dims.join(', ')}]`);
  }
  return { dtype, dims: [...dims], data };
}

/** Element values as JS numbers (int64 converted; exact up to 2^53, which covers shapes and indices). */
export function toNumbers(t: Tensor): number[] {
  const out = new Array<number>(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/** Element `i` as a JS number, whatever the dtype. */
export function numberAt(t: Tensor, i: number): number {
  return Number(t.data[i]);
}

/** A tensor with the same data and new dims (no copy). */
export function reshaped(t: Tensor, dims: readonly number[]): Tensor {
  return { dtype: t.dtype, dims: [...dims], data: t.data };
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i];
  }
  return strides;
}

export function formatDims(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}
