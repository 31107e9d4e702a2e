// Pooling over NCHW planes. Windowed pools (MaxPool, AveragePool) are separable: for each output
// row a vertical pass combines the input rows its windows cover into a padded row buffer (pads
// hold -inf for max, 0 for average), then a horizontal pass combines the KW taps of that buffer
// for 4 output columns at a time. With stride 1 a tap is one vector load; with stride 2 it is two
// loads and a shuffle keeping the even lanes; other strides gather lane by lane. Global pools
// reduce each plane with vector accumulators and a masked tail.
import { storePartial } from './tile';

const POOL_MAX: i32 = 0;
const POOL_AVERAGE: i32 = 1;

/**
 * Folds value b into accumulator a. Max is `pmax` (b replaces a when a < b), one instruction on
 * x64 where f32x4.max takes eight, and the reference's rule (a NaN is kept only when met first,
 * though taps are met here in another order).
 */
@inline function combine(kind: i32, a: v128, b: v128): v128 {
  return kind == POOL_MAX ? f32x4.pmax(a, b) : f32x4.add(a, b);
}

/** Global max pooling propagates NaN, as the reference's Math.max does. */
@inline function combineGlobal(kind: i32, a: v128, b: v128): v128 {
  return kind == POOL_MAX ? f32x4.max(a, b) : f32x4.add(a, b);
}

@inline function padValue(kind: i32): f32 {
  return kind == POOL_MAX ? -Infinity : 0;
}

/** Taps k in [0, kernel) with k·dilation < limit. */
@inline function tapsBelow(limit: i32, dilation: i32, kernel: i32): i32 {
  return limit <= 0 ? 0 : min(kernel, (limit + dilation - 1) / dilation);
}

/** Taps k in [0, kernel) with low ≤ start + k·dilation < high. */
@inline function tapsWithin(start: i32, kernel: i32, dilation: i32, low: i32, high: i32): i32 {
  const first = start >= low ? 0 : (low - start + dilation - 1) / dilation;
  return max(0, tapsBelow(high - start, dilation, kernel) - first);
}

/** Four output columns' taps at `at` (column ox·sx): stride 1, 2 or any (`strideKind` 0). */
@inline function tapVector(strideKind: i32, at: usize, sx: i32): v128 {
  if (strideKind == 1) return v128.load(at);
  if (strideKind == 2) return f32x4.shuffle(v128.load(at), v128.load(at, 16), 0, 2, 4, 6);
  const step = <usize>sx << 2;
  let v = v128.load32_zero(at);
  v = v128.load32_lane(at + step, v, 1);
  v = v128.load32_lane(at + step * 2, v, 2);
  return v128.load32_lane(at + step * 3, v, 3);
}

@inline function horizontalPass(kind: i32, strideKind: i32, row: usize, OW: i32, KW: i32, sx: i32, dx: i32,
  columnCounts: usize, rowCount: f32, out: usize): void {
  const tapStep = <usize>dx << 2;
  const groupStep = <usize>sx << 4;
  const rowCountVector = f32x4.splat(rowCount);
  let at = row;
  for (let ox = 0; ox < OW; ox += 4) {
    let acc = tapVector(strideKind, at, sx);
    let tap = at;
    for (let kx = 1; kx < KW; kx++) {
      tap += tapStep;
      acc = combine(kind, acc, tapVector(strideKind, tap, sx));
    }
    if (kind == POOL_AVERAGE) acc = f32x4.div(acc, f32x4.mul(rowCountVector, v128.load(columnCounts + (<usize>ox << 2))));
    storePartial(out + (<usize>ox << 2), acc, OW - ox);
    at += groupStep;
  }
}

/**
 * One output row: the vertical pass over the input rows its windows cover (from y0, the first
 * window row, which may lie in the padding), then the horizontal pass into `out`.
 */
@inline function poolRow(kind: i32, strideKind: i32, input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32,
  padTop: i32, padBottom: i32, countPads: i32, row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32,
  columnCounts: usize, out: usize): void {
  const pad = padValue(kind);
  const rowBytes = <usize>W << 2;
  const vectorBytes = (rowBytes + 15) & ~<usize>15;
  const dst = row + (<usize>padLeft << 2);
  const first = y0 >= 0 ? 0 : (dy - 1 - y0) / dy;
  const rows = max(0, tapsBelow(H - y0, dy, KH) - first);
  if (rows == 0) {
    const padVector = f32x4.splat(pad);
    for (let i: usize = 0; i < vectorBytes; i += 16) v128.store(dst + i, padVector);
  } else {
    const rowStep = <usize>dy * rowBytes;
    const top = input + <usize>(y0 + first * dy) * rowBytes;
    for (let i: usize = 0; i < vectorBytes; i += 16) {
      let at = top + i;
      let acc = v128.load(at);
      for (let r = 1; r < rows; r++) {
        at += rowStep;
        acc = combine(kind, acc, v128.load(at));
      }
      v128.store(dst + i, acc);
    }
  }
  // The last vector ran past the row into the right padding: restore it.
  for (let i = rowBytes; i < vectorBytes; i += 4) store<f32>(dst + i, pad);
  const rowCount: f32 = <f32>(countPads ? tapsWithin(y0, KH, dy, -padTop, H + padBottom) : rows);
  horizontalPass(kind, strideKind, row, OW, KW, sx, dx, columnCounts, rowCount, out);
}

type RowKernel = (input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize) => void;

function maxRowStride1(input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize): void {
  poolRow(POOL_MAX, 1, input, H, W, y0, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, out);
}
function maxRowStride2(input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize): void {
  poolRow(POOL_MAX, 2, input, H, W, y0, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, out);
}
function maxRowStrided(input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize): void {
  poolRow(POOL_MAX, 0, input, H, W, y0, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, out);
}
function averageRowStride1(input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize): void {
  poolRow(POOL_AVERAGE, 1, input, H, W, y0, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, out);
}
function averageRowStride2(input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize): void {
  poolRow(POOL_AVERAGE, 2, input, H, W, y0, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, out);
}
function averageRowStrided(input: usize, H: i32, W: i32, y0: i32, KH: i32, dy: i32, padTop: i32, padBottom: i32, countPads: i32,
  row: usize, padLeft: i32, OW: i32, KW: i32, sx: i32, dx: i32, columnCounts: usize, out: usize): void {
  poolRow(POOL_AVERAGE, 0, input, H, W, y0, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, out);
}

/**
 * 2-D max (kind 0) or average (kind 1) pooling of `planes` planes x[H, W] into out[OH, OW].
 * `columnCounts` (average only) holds ceil(OW/4)·4 floats; `row` holds `rowFloats` floats, at
 * least max(padLeft + ceil(W/4)·4, (ceil(OW/4)·4 − 1)·sx + (KW − 1)·dx + 2). The average divisor
 * counts the taps inside the input, or with countPads also those in explicit padding (never the
 * cells ceil_mode adds past it). Reads up to 12 bytes past the end of x.
 *
 * Rows run through a function reference: an indirect call is never inlined, so the small row
 * kernel is its own wasm function, which V8 tiers up from Liftoff while this call still runs.
 */
export function pool2d(kind: i32, x: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32, countPads: i32,
  columnCounts: usize, row: usize, rowFloats: i32, out: usize): void {
  const pad = padValue(kind);
  for (let i = 0; i < rowFloats; i++) store<f32>(row + (<usize>i << 2), pad);
  let rowKernel: RowKernel;
  if (kind == POOL_AVERAGE) {
    const paddedOW = (OW + 3) & ~3;
    for (let ox = 0; ox < paddedOW; ox++) {
      const x0 = ox * sx - padLeft;
      const taps = countPads ? tapsWithin(x0, KW, dx, -padLeft, W + padRight) : tapsWithin(x0, KW, dx, 0, W);
      store<f32>(columnCounts + (<usize>ox << 2), ox < OW ? <f32>taps : 1);
    }
    rowKernel = sx == 1 ? averageRowStride1 : sx == 2 ? averageRowStride2 : averageRowStrided;
  } else {
    rowKernel = sx == 1 ? maxRowStride1 : sx == 2 ? maxRowStride2 : maxRowStrided;
  }
  const planeBytes = (<usize>H * <usize>W) << 2;
  const outRowBytes = <usize>OW << 2;
  let outRow = out;
  for (let plane = 0; plane < planes; plane++) {
    const input = x + <usize>plane * planeBytes;
    for (let oy = 0; oy < OH; oy++) {
      rowKernel(input, H, W, oy * sy - padTop, KH, dy, padTop, padBottom, countPads, row, padLeft, OW, KW, sx, dx, columnCounts, outRow);
      outRow += outRowBytes;
    }
  }
}

/** Reduces one plane of `size` floats: its maximum, or its mean. */
@inline function reducePlane(kind: i32, plane: usize, size: i32): f32 {
  const pad = f32x4.splat(padValue(kind));
  const planeBytes = <usize>size << 2;
  const pairEnd = planeBytes & ~<usize>31;
  const vectorEnd = planeBytes & ~<usize>15;
  const tail = size & 3;
  let acc0 = pad, acc1 = pad;
  let i: usize = 0;
  for (; i < pairEnd; i += 32) {
    acc0 = combineGlobal(kind, acc0, v128.load(plane + i));
    acc1 = combineGlobal(kind, acc1, v128.load(plane + i, 16));
  }
  if (i < vectorEnd) acc0 = combineGlobal(kind, acc0, v128.load(plane + i));
  if (tail) {
    // Lanes at or past the tail's length take the pad value.
    const keep = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(tail));
    acc1 = combineGlobal(kind, acc1, v128.bitselect(v128.load(plane + vectorEnd), pad, keep));
  }
  const acc = combineGlobal(kind, acc0, acc1);
  if (kind == POOL_MAX) {
    return max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  }
  return ((f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3))) / <f32>size;
}

function maxOfPlane(plane: usize, size: i32): f32 { return reducePlane(POOL_MAX, plane, size); }
function meanOfPlane(plane: usize, size: i32): f32 { return reducePlane(POOL_AVERAGE, plane, size); }

/**
 * Global max (kind 0) or average (kind 1) pooling: out[p] reduces the `size` floats of plane p.
 * Reads up to 12 bytes past the end of x. Planes run through a function reference (see pool2d).
 */
export function globalPool(kind: i32, x: usize, planes: i32, size: i32, out: usize): void {
  const reduce: (plane: usize, size: i32) => f32 = kind == POOL_MAX ? maxOfPlane : meanOfPlane;
  const planeBytes = <usize>size << 2;
  for (let p = 0; p < planes; p++) store<f32>(out + (<usize>p << 2), reduce(x + <usize>p * planeBytes, size));
}
