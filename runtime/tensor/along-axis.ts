/**
 * Padding and cutting a tensor along one axis (bucket sets: feeds padded to a bucket's size,
 * outputs cut back to the fed length). Both copy; a tensor that already has the size is returned.
 */
import { allocData, isBigIntType, sizeOf, type Tensor } from './tensor.js';

type Copyable = { subarray(a: number, b: number): ArrayLike<unknown>; set(a: ArrayLike<unknown>, at: number): void };

/** Copies the first `count` entries along `axis` of every outer slice of `t` into `out`, whose axis has `outSize`. */
function copyRuns(t: Tensor, axis: number, count: number, out: Tensor['data'], outSize: number): void {
  const inner = sizeOf(t.dims.slice(axis + 1));
  const n = t.dims[axis];
  const from = t.data as unknown as Copyable;
  const to = out as unknown as Copyable;
  for (let o = 0; o < sizeOf(t.dims.slice(0, axis)); o++) to.set(from.subarray(o * n * inner, (o * n + count) * inner), o * outSize * inner);
}

/** `t` padded along `axis` to `size` with `pad`. */
export function padAlong(t: Tensor, axis: number, size: number, pad: number): Tensor {
  if (t.dims[axis] === size) return t;
  const dims = t.dims.map((d, i) => (i === axis ? size : d));
  const data = allocData(t.dtype, sizeOf(dims));
  (data as unknown as { fill(v: unknown): void }).fill(isBigIntType(t.dtype) ? BigInt(pad) : pad);
  copyRuns(t, axis, t.dims[axis], data, size);
  return { dtype: t.dtype, dims, data };
}

/** `t` cut along `axis` to its first `length` entries. */
export function cutAlong(t: Tensor, axis: number, length: number): Tensor {
  if (t.dims[axis] === length) return t;
  const dims = t.dims.map((d, i) => (i === axis ? length : d));
  const data = allocData(t.dtype, sizeOf(dims));
  copyRuns(t, axis, length, data, length);
  return { dtype: t.dtype, dims, data };
}
