// Depthwise convolution (one KH×KW filter per channel) over NCHW planes, SIMD along output x.
// Each call owns a scratch region holding a ring of padded input rows: every input row is copied
// once, split into `sx` column phases (row[p·phaseWidth + j] = padded column j·sx + p), so that a
// tap of 4 consecutive outputs is one contiguous vector load; the pads left and right stay zero,
// and rows above or below the input read a zero row. The row kernels therefore run without a
// padding branch: 3×3 and 5×5 at strides 1 and 2 with their taps unrolled, and a general one (any
// kernel, stride, dilation) looping over the taps. Activations clamp (none, Relu, Clip) with two
// vector ops; the others go through activate4.
import { ACT_CLIP, ACT_NONE, ACT_RELU, activate4 } from './activation';
import { storePartial } from './tile';

const KIND_3X3_S1: i32 = 0;
const KIND_3X3_S2: i32 = 1;
const KIND_5X5_S1: i32 = 2;
const KIND_5X5_S2: i32 = 3;
const KIND_GENERAL: i32 = 4;

/** The activated result: a clamp to [p0, p1] when `clamp` (none, Relu and Clip), else activate4. */
@inline function epilogue(v: v128, clamp: bool, act: i32, p0: f32, p1: f32): v128 {
  if (clamp) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(p0)), f32x4.splat(p1));
  return activate4(v, act, p0, p1);
}

/** Stores 4 outputs: all of them when the row has 4 or more (the last vector overlaps), else `OW`. */
@inline function storeOutputs(out: usize, v: v128, OW: i32): void {
  if (OW >= 4) v128.store(out, v);
  else storePartial(out, v, OW);
}

// Each row kernel computes one output row, 4 (or 8) columns per step. The last step moves back to
// end exactly at OW and recomputes a few outputs rather than storing lane by lane; rows shorter
// than a step read zeros past the input (the ring rows are wide enough) and store partially.

@inline function row3x3s1(clamp: bool, r0: usize, r1: usize, r2: usize, w: usize, bias: f32, out: usize, OW: i32,
  act: i32, p0: f32, p1: f32): void {
  const w00 = v128.load32_splat(w), w01 = v128.load32_splat(w, 4), w02 = v128.load32_splat(w, 8);
  const w10 = v128.load32_splat(w, 12), w11 = v128.load32_splat(w, 16), w12 = v128.load32_splat(w, 20);
  const w20 = v128.load32_splat(w, 24), w21 = v128.load32_splat(w, 28), w22 = v128.load32_splat(w, 32);
  const b = f32x4.splat(bias);
  const lastBytes = <usize>max(OW - 4, 0) << 2;
  let at: usize = 0;
  do {
    at = min(at, lastBytes);
    let a0 = f32x4.relaxed_madd(v128.load(r0 + at), w00, b);
    a0 = f32x4.relaxed_madd(v128.load(r0 + at, 4), w01, a0);
    a0 = f32x4.relaxed_madd(v128.load(r0 + at, 8), w02, a0);
    let a1 = f32x4.mul(v128.load(r1 + at), w10);
    a1 = f32x4.relaxed_madd(v128.load(r1 + at, 4), w11, a1);
    a1 = f32x4.relaxed_madd(v128.load(r1 + at, 8), w12, a1);
    let a2 = f32x4.mul(v128.load(r2 + at), w20);
    a2 = f32x4.relaxed_madd(v128.load(r2 + at, 4), w21, a2);
    a2 = f32x4.relaxed_madd(v128.load(r2 + at, 8), w22, a2);
    storeOutputs(out + at, epilogue(f32x4.add(f32x4.add(a0, a1), a2), clamp, act, p0, p1), OW);
    at += 16;
  } while (at < (<usize>OW << 2));
}

function row3x3s1Clamp(r0: usize, r1: usize, r2: usize, w: usize, bias: f32, out: usize, OW: i32, lo: f32, hi: f32): void {
  row3x3s1(true, r0, r1, r2, w, bias, out, OW, ACT_CLIP, lo, hi);
}

function row3x3s1Act(r0: usize, r1: usize, r2: usize, w: usize, bias: f32, out: usize, OW: i32, act: i32, p0: f32, p1: f32): void {
  row3x3s1(false, r0, r1, r2, w, bias, out, OW, act, p0, p1);
}

/** Stride 2: a row's even phase starts at r, its odd phase at r + phaseBytes. */
@inline function row3x3s2(clamp: bool, r0: usize, r1: usize, r2: usize, phaseBytes: usize, w: usize, bias: f32, out: usize,
  OW: i32, act: i32, p0: f32, p1: f32): void {
  const w00 = v128.load32_splat(w), w01 = v128.load32_splat(w, 4), w02 = v128.load32_splat(w, 8);
  const w10 = v128.load32_splat(w, 12), w11 = v128.load32_splat(w, 16), w12 = v128.load32_splat(w, 20);
  const w20 = v128.load32_splat(w, 24), w21 = v128.load32_splat(w, 28), w22 = v128.load32_splat(w, 32);
  const b = f32x4.splat(bias);
  const q0 = r0 + phaseBytes, q1 = r1 + phaseBytes, q2 = r2 + phaseBytes;
  const lastBytes = <usize>max(OW - 4, 0) << 2;
  let at: usize = 0;
  do {
    at = min(at, lastBytes);
    let a0 = f32x4.relaxed_madd(v128.load(r0 + at), w00, b);
    a0 = f32x4.relaxed_madd(v128.load(q0 + at), w01, a0);
    a0 = f32x4.relaxed_madd(v128.load(r0 + at, 4), w02, a0);
    let a1 = f32x4.mul(v128.load(r1 + at), w10);
    a1 = f32x4.relaxed_madd(v128.load(q1 + at), w11, a1);
    a1 = f32x4.relaxed_madd(v128.load(r1 + at, 4), w12, a1);
    let a2 = f32x4.mul(v128.load(r2 + at), w20);
    a2 = f32x4.relaxed_madd(v128.load(q2 + at), w21, a2);
    a2 = f32x4.relaxed_madd(v128.load(r2 + at, 4), w22, a2);
    storeOutputs(out + at, epilogue(f32x4.add(f32x4.add(a0, a1), a2), clamp, act, p0, p1), OW);
    at += 16;
  } while (at < (<usize>OW << 2));
}

function row3x3s2Clamp(r0: usize, r1: usize, r2: usize, phaseBytes: usize, w: usize, bias: f32, out: usize, OW: i32,
  lo: f32, hi: f32): void {
  row3x3s2(true, r0, r1, r2, phaseBytes, w, bias, out, OW, ACT_CLIP, lo, hi);
}

function row3x3s2Act(r0: usize, r1: usize, r2: usize, phaseBytes: usize, w: usize, bias: f32, out: usize, OW: i32,
  act: i32, p0: f32, p1: f32): void {
  row3x3s2(false, r0, r1, r2, phaseBytes, w, bias, out, OW, act, p0, p1);
}

/**
 * One output row of a 5×5 filter, 8 outputs per step in two accumulators. `rows` holds the 5 input
 * rows' addresses. At stride 2 the taps alternate between a row's even and odd phase.
 */
@inline function row5x5(s2: bool, clamp: bool, rows: usize, phaseBytes: usize, w: usize, bias: f32, out: usize, OW: i32,
  act: i32, p0: f32, p1: f32): void {
  const b = f32x4.splat(bias);
  const lastBytes = <usize>max(OW - 8, 0) << 2;
  let at: usize = 0;
  do {
    at = min(at, lastBytes);
    let acc0 = b, acc1 = b;
    let tap = w;
    for (let ky: usize = 0; ky < 5; ky++) {
      const r = <usize>load<u32>(rows + (ky << 2)) + at;
      const q = s2 ? r + phaseBytes : r;
      let wv = v128.load32_splat(tap);
      acc0 = f32x4.relaxed_madd(v128.load(r), wv, acc0);
      acc1 = f32x4.relaxed_madd(v128.load(r, 16), wv, acc1);
      const t1 = q + (s2 ? 0 : 4);
      wv = v128.load32_splat(tap, 4);
      acc0 = f32x4.relaxed_madd(v128.load(t1), wv, acc0);
      acc1 = f32x4.relaxed_madd(v128.load(t1, 16), wv, acc1);
      const t2 = r + (s2 ? 4 : 8);
      wv = v128.load32_splat(tap, 8);
      acc0 = f32x4.relaxed_madd(v128.load(t2), wv, acc0);
      acc1 = f32x4.relaxed_madd(v128.load(t2, 16), wv, acc1);
      const t3 = q + (s2 ? 4 : 12);
      wv = v128.load32_splat(tap, 12);
      acc0 = f32x4.relaxed_madd(v128.load(t3), wv, acc0);
      acc1 = f32x4.relaxed_madd(v128.load(t3, 16), wv, acc1);
      const t4 = r + (s2 ? 8 : 16);
      wv = v128.load32_splat(tap, 16);
      acc0 = f32x4.relaxed_madd(v128.load(t4), wv, acc0);
      acc1 = f32x4.relaxed_madd(v128.load(t4, 16), wv, acc1);
      tap += 20;
    }
    acc0 = epilogue(acc0, clamp, act, p0, p1);
    acc1 = epilogue(acc1, clamp, act, p0, p1);
    if (OW >= 8) {
      v128.store(out + at, acc0);
      v128.store(out + at, acc1, 16);
    } else {
      storePartial(out, acc0, OW);
      storePartial(out + 16, acc1, OW - 4);
    }
    at += 32;
  } while (at < (<usize>OW << 2));
}

function row5x5s1Clamp(rows: usize, w: usize, bias: f32, out: usize, OW: i32, lo: f32, hi: f32): void {
  row5x5(false, true, rows, 0, w, bias, out, OW, ACT_CLIP, lo, hi);
}

function row5x5s1Act(rows: usize, w: usize, bias: f32, out: usize, OW: i32, act: i32, p0: f32, p1: f32): void {
  row5x5(false, false, rows, 0, w, bias, out, OW, act, p0, p1);
}

function row5x5s2Clamp(rows: usize, phaseBytes: usize, w: usize, bias: f32, out: usize, OW: i32, lo: f32, hi: f32): void {
  row5x5(true, true, rows, phaseBytes, w, bias, out, OW, ACT_CLIP, lo, hi);
}

function row5x5s2Act(rows: usize, phaseBytes: usize, w: usize, bias: f32, out: usize, OW: i32, act: i32, p0: f32, p1: f32): void {
  row5x5(true, false, rows, phaseBytes, w, bias, out, OW, act, p0, p1);
}

/**
 * One output row of any filter, 8 outputs per step: `rows` holds the KH input rows' addresses,
 * `columns` the KW taps' byte offsets within a row (phase and column).
 */
@inline function rowGeneral(clamp: bool, rows: usize, columns: usize, KH: i32, KW: i32, w: usize, bias: f32, out: usize,
  OW: i32, act: i32, p0: f32, p1: f32): void {
  const b = f32x4.splat(bias);
  const rowsEnd = rows + (<usize>KH << 2);
  const columnsEnd = columns + (<usize>KW << 2);
  const lastBytes = <usize>max(OW - 8, 0) << 2;
  let at: usize = 0;
  do {
    at = min(at, lastBytes);
    let acc0 = b, acc1 = b;
    let tap = w;
    for (let row = rows; row < rowsEnd; row += 4) {
      const r = <usize>load<u32>(row) + at;
      for (let column = columns; column < columnsEnd; column += 4) {
        const p = r + <usize>load<u32>(column);
        const wv = v128.load32_splat(tap);
        acc0 = f32x4.relaxed_madd(v128.load(p), wv, acc0);
        acc1 = f32x4.relaxed_madd(v128.load(p, 16), wv, acc1);
        tap += 4;
      }
    }
    acc0 = epilogue(acc0, clamp, act, p0, p1);
    acc1 = epilogue(acc1, clamp, act, p0, p1);
    if (OW >= 8) {
      v128.store(out + at, acc0);
      v128.store(out + at, acc1, 16);
    } else {
      storePartial(out, acc0, OW);
      storePartial(out + 16, acc1, OW - 4);
    }
    at += 32;
  } while (at < (<usize>OW << 2));
}

function rowGeneralClamp(rows: usize, columns: usize, KH: i32, KW: i32, w: usize, bias: f32, out: usize, OW: i32,
  lo: f32, hi: f32): void {
  rowGeneral(true, rows, columns, KH, KW, w, bias, out, OW, ACT_CLIP, lo, hi);
}

function rowGeneralAct(rows: usize, columns: usize, KH: i32, KW: i32, w: usize, bias: f32, out: usize, OW: i32,
  act: i32, p0: f32, p1: f32): void {
  rowGeneral(false, rows, columns, KH, KW, w, bias, out, OW, act, p0, p1);
}

/** Lanes i < n of v (n may be ≤ 0 or ≥ 4), the others zero. */
@inline function firstLanes(v: v128, n: i32): v128 {
  return v128.and(v, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n)));
}

/**
 * Copies input row src[W] into a ring row: padded column q = x + padLeft goes to phase q % sx,
 * index q / sx. At strides 1 and 2 whole vectors are stored, the last one zeroed past W (it lands
 * in the right padding, which must stay zero); reads up to 28 bytes past the row.
 */
@inline function copyRow(src: usize, W: i32, padLeft: i32, sx: i32, phaseWidth: i32, dst: usize): void {
  const bytes = <usize>W << 2;
  if (sx == 1) {
    const to = dst + (<usize>padLeft << 2);
    let i: usize = 0;
    for (; i + 16 <= bytes; i += 16) v128.store(to + i, v128.load(src + i));
    if (i < bytes) v128.store(to + i, firstLanes(v128.load(src + i), W - <i32>(i >> 2)));
    return;
  }
  if (sx == 2) {
    // Even input columns land in phase padLeft % 2, odd ones in the other.
    const evenAt = dst + ((<usize>((padLeft & 1) * phaseWidth) + <usize>(padLeft >> 1)) << 2);
    const oddAt = dst + ((<usize>(((padLeft + 1) & 1) * phaseWidth) + <usize>((padLeft + 1) >> 1)) << 2);
    let i: usize = 0;
    for (; i + 32 <= bytes; i += 32) {
      const a = v128.load(src + i), b = v128.load(src + i, 16);
      v128.store(evenAt + (i >> 1), f32x4.shuffle(a, b, 0, 2, 4, 6));
      v128.store(oddAt + (i >> 1), f32x4.shuffle(a, b, 1, 3, 5, 7));
    }
    if (i < bytes) {
      const left = W - <i32>(i >> 2);
      const a = firstLanes(v128.load(src + i), left), b = firstLanes(v128.load(src + i, 16), left - 4);
      v128.store(evenAt + (i >> 1), f32x4.shuffle(a, b, 0, 2, 4, 6));
      v128.store(oddAt + (i >> 1), f32x4.shuffle(a, b, 1, 3, 5, 7));
    }
    return;
  }
  for (let x = 0; x < W; x++) {
    const q = x + padLeft;
    store<f32>(dst + ((<usize>((q % sx) * phaseWidth) + <usize>(q / sx)) << 2), load<f32>(src + (<usize>x << 2)));
  }
}

/** The ring row holding input row y, or the zero row for a row in the padding. */
@inline function rowAddress(y: i32, H: i32, ring: usize, span: i32, rowBytes: usize, zeroRow: usize): usize {
  return y < 0 || y >= H ? zeroRow : ring + <usize>(y % span) * rowBytes;
}

@inline function depthwiseChannels(kind: i32, x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32,
  H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  const span = (KH - 1) * dy + 1;
  const phaseBytes = <usize>phaseWidth << 2;
  const rowBytes = <usize>sx * phaseBytes;
  const zeroRow = scratch;
  const ring = scratch + rowBytes;
  const rows = ring + <usize>span * rowBytes;
  const columns = rows + (<usize>KH << 2);
  memory.fill(scratch, 0, <usize>(span + 1) * rowBytes);
  for (let kx = 0; kx < KW; kx++) {
    const col = kx * dx;
    store<u32>(columns + (<usize>kx << 2), <u32>(((col % sx) * phaseWidth + col / sx) << 2));
  }
  // Relu and Clip are clamps; no activation clamps to ±∞.
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  const lo: f32 = act == ACT_CLIP ? p0 : act == ACT_RELU ? 0 : -Infinity;
  const hi: f32 = act == ACT_CLIP ? p1 : Infinity;
  const inPlane = <usize>H * <usize>W << 2;
  const outPlane = <usize>OH * <usize>OW << 2;
  const inRowBytes = <usize>W << 2;
  const outRowBytes = <usize>OW << 2;
  const taps = KH * KW;
  for (let c = cStart; c < cEnd; c++) {
    const xc = x + <usize>c * inPlane;
    const wc = w + (<usize>(c * taps) << 2);
    const b: f32 = bias == 0 ? 0 : load<f32>(bias + (<usize>c << 2));
    let outRow = out + <usize>c * outPlane;
    let filled = 0;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sy - padTop;
      const yEnd = min(H, y0 + span);
      for (let y = max(filled, max(y0, 0)); y < yEnd; y++) {
        copyRow(xc + <usize>y * inRowBytes, W, padLeft, sx, phaseWidth, ring + <usize>(y % span) * rowBytes);
      }
      filled = max(filled, yEnd);
      if (kind == KIND_3X3_S1 || kind == KIND_3X3_S2) {
        const r0 = rowAddress(y0, H, ring, span, rowBytes, zeroRow);
        const r1 = rowAddress(y0 + 1, H, ring, span, rowBytes, zeroRow);
        const r2 = rowAddress(y0 + 2, H, ring, span, rowBytes, zeroRow);
        if (kind == KIND_3X3_S1) {
          if (clamp) row3x3s1Clamp(r0, r1, r2, wc, b, outRow, OW, lo, hi);
          else row3x3s1Act(r0, r1, r2, wc, b, outRow, OW, act, p0, p1);
        } else {
          if (clamp) row3x3s2Clamp(r0, r1, r2, phaseBytes, wc, b, outRow, OW, lo, hi);
          else row3x3s2Act(r0, r1, r2, phaseBytes, wc, b, outRow, OW, act, p0, p1);
        }
      } else {
        for (let ky = 0; ky < KH; ky++) {
          store<u32>(rows + (<usize>ky << 2), <u32>rowAddress(y0 + ky * dy, H, ring, span, rowBytes, zeroRow));
        }
        if (kind == KIND_5X5_S1) {
          if (clamp) row5x5s1Clamp(rows, wc, b, outRow, OW, lo, hi);
          else row5x5s1Act(rows, wc, b, outRow, OW, act, p0, p1);
        } else if (kind == KIND_5X5_S2) {
          if (clamp) row5x5s2Clamp(rows, phaseBytes, wc, b, outRow, OW, lo, hi);
          else row5x5s2Act(rows, phaseBytes, wc, b, outRow, OW, act, p0, p1);
        } else {
          if (clamp) rowGeneralClamp(rows, columns, KH, KW, wc, b, outRow, OW, lo, hi);
          else rowGeneralAct(rows, columns, KH, KW, wc, b, outRow, OW, act, p0, p1);
        }
      }
      outRow += outRowBytes;
    }
  }
}

// The entry points share one signature. Each runs channels [cStart, cEnd) of x[C, H, W] with
// weights w[C, KH, KW] and bias (0 for none) into out[C, OH, OW]. `scratch` is the caller's alone:
// a zero row and (KH−1)·dy+1 ring rows, each sx phases of phaseWidth floats, then KH + KW i32
// tables. phaseWidth ≥ max(ceil(OW/8)·8 + (KW−1)·dx/sx, the copied row: padLeft + ceil(W/4)·4 at
// stride 1, (padLeft+1)/2 + ceil(W/8)·4 at stride 2, ceil((padLeft+W)/sx) otherwise). The specialised
// entries ignore KH, KW, strides and dilations (theirs are fixed).

export function depthwise3x3s1(x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32, H: i32, W: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  depthwiseChannels(KIND_3X3_S1, x, w, bias, out, cStart, cEnd, H, W, OH, OW, 3, 3, 1, 1, 1, 1, padTop, padLeft,
    scratch, phaseWidth, act, p0, p1);
}

export function depthwise3x3s2(x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32, H: i32, W: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  depthwiseChannels(KIND_3X3_S2, x, w, bias, out, cStart, cEnd, H, W, OH, OW, 3, 3, 2, 2, 1, 1, padTop, padLeft,
    scratch, phaseWidth, act, p0, p1);
}

export function depthwise5x5s1(x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32, H: i32, W: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  depthwiseChannels(KIND_5X5_S1, x, w, bias, out, cStart, cEnd, H, W, OH, OW, 5, 5, 1, 1, 1, 1, padTop, padLeft,
    scratch, phaseWidth, act, p0, p1);
}

export function depthwise5x5s2(x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32, H: i32, W: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  depthwiseChannels(KIND_5X5_S2, x, w, bias, out, cStart, cEnd, H, W, OH, OW, 5, 5, 2, 2, 1, 1, padTop, padLeft,
    scratch, phaseWidth, act, p0, p1);
}

export function depthwiseGeneral(x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32, H: i32, W: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  depthwiseChannels(KIND_GENERAL, x, w, bias, out, cStart, cEnd, H, W, OH, OW, KH, KW, sy, sx, dy, dx, padTop, padLeft,
    scratch, phaseWidth, act, p0, p1);
}
