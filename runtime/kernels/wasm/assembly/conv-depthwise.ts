// Depthwise convolution (one KH×KW filter per channel) over NCHW planes, SIMD along output x.
// Each call owns a scratch region holding a ring of padded input rows: every input row is copied
// once, split into `sx` column phases (row[p·phaseWidth + j] = padded column j·sx + p), so that a
// tap of 4 consecutive outputs is one contiguous vector load; the pads left and right stay zero,
// and rows above or below the input read a zero row. The row kernels therefore run without a
// padding branch: 3×3 filters two output rows at a time (sharing their input rows) and 5×5 with
// their taps unrolled, at strides 1 and 2, and a general one (any kernel, stride, dilation)
// looping over the taps; each with the fused activation in its epilogue. One channel is one call
// of a small function per (kernel, epilogue), through a function reference: never inlined, so V8
// tiers it up from Liftoff while a long first call still runs.
import { ACT_CLIP, ACT_HARD_SWISH, ACT_NONE, ACT_RELU, activate4, isVectorExp } from './activation';
import { activateCopy } from './elementwise';
import { madd4 } from './fma';

const KIND_3X3_S1: i32 = 0;
const KIND_3X3_S2: i32 = 1;
const KIND_5X5_S1: i32 = 2;
const KIND_5X5_S2: i32 = 3;
const KIND_GENERAL: i32 = 4;

// Epilogues the row kernels are instantiated for: a clamp to [p0, p1] (no activation, Relu and
// Clip: two vector ops), HardSwish, and any activation through activate4's per-vector branches.
const EPI_CLAMP: i32 = 0;
const EPI_HARD_SWISH: i32 = 1;
const EPI_ANY: i32 = 2;

@inline function epilogueOf(act: i32): i32 {
  return act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP ? EPI_CLAMP : act == ACT_HARD_SWISH ? EPI_HARD_SWISH : EPI_ANY;
}

@inline function epilogue(v: v128, epi: i32, act: i32, p0: f32, p1: f32): v128 {
  if (epi == EPI_CLAMP) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(p0)), f32x4.splat(p1));
  if (epi == EPI_HARD_SWISH) {
    const gate = f32x4.add(f32x4.mul(v, f32x4.splat(1.0 / 6.0)), f32x4.splat(0.5));
    return f32x4.mul(v, f32x4.pmin(f32x4.pmax(gate, f32x4.splat(0)), f32x4.splat(1)));
  }
  return activate4(v, act, p0, p1);
}

// The row kernels compute 4 (3×3) or 8 columns per step and store whole vectors: the last step
// moves back to end exactly at OW, recomputing a few outputs. A row narrower than a step is
// computed into a staging row (reading zeros past the input: ring rows are wide enough).

/**
 * Two output rows of a 3×3 filter at once, so that the input rows they share are loaded once:
 * outA reads input rows t0–t2; outB reads t1–t3 at stride 1, t2–t4 at stride 2 (where a row's
 * odd phase follows its even one at + phaseBytes). The nine tap broadcasts are loaded once per call.
 */
@inline function rows3x3(s2: bool, epi: i32, t0: usize, t1: usize, t2: usize, t3: usize, t4: usize, phaseBytes: usize,
  w: usize, bias: f32, outA: usize, outB: usize, OW: i32, act: i32, p0: f32, p1: f32): void {
  const w00 = v128.load32_splat(w), w01 = v128.load32_splat(w, 4), w02 = v128.load32_splat(w, 8);
  const w10 = v128.load32_splat(w, 12), w11 = v128.load32_splat(w, 16), w12 = v128.load32_splat(w, 20);
  const w20 = v128.load32_splat(w, 24), w21 = v128.load32_splat(w, 28), w22 = v128.load32_splat(w, 32);
  const b = f32x4.splat(bias);
  // Tap k of row t at output column ox: t + 4k at stride 1; even[ox], odd[ox], even[ox + 1] at stride 2.
  const second: usize = s2 ? phaseBytes : 4;
  const third: usize = s2 ? 4 : 8;
  const lastBytes = <usize>max(OW - 4, 0) << 2;
  let at: usize = 0;
  do {
    at = min(at, lastBytes);
    let r = t0 + at;
    let x0 = v128.load(r), x1 = v128.load(r + second), x2 = v128.load(r + third);
    let a = madd4(x0, w00, b);
    a = madd4(x1, w01, a);
    a = madd4(x2, w02, a);
    r = t1 + at;
    x0 = v128.load(r); x1 = v128.load(r + second); x2 = v128.load(r + third);
    a = madd4(x0, w10, a);
    a = madd4(x1, w11, a);
    a = madd4(x2, w12, a);
    let c = b;
    if (!s2) {
      c = madd4(x0, w00, c);
      c = madd4(x1, w01, c);
      c = madd4(x2, w02, c);
    }
    r = t2 + at;
    x0 = v128.load(r); x1 = v128.load(r + second); x2 = v128.load(r + third);
    a = madd4(x0, w20, a);
    a = madd4(x1, w21, a);
    a = madd4(x2, w22, a);
    v128.store(outA + at, epilogue(a, epi, act, p0, p1));
    c = madd4(x0, s2 ? w00 : w10, c);
    c = madd4(x1, s2 ? w01 : w11, c);
    c = madd4(x2, s2 ? w02 : w12, c);
    r = t3 + at;
    x0 = v128.load(r); x1 = v128.load(r + second); x2 = v128.load(r + third);
    c = madd4(x0, s2 ? w10 : w20, c);
    c = madd4(x1, s2 ? w11 : w21, c);
    c = madd4(x2, s2 ? w12 : w22, c);
    if (s2) {
      r = t4 + at;
      x0 = v128.load(r); x1 = v128.load(r + second); x2 = v128.load(r + third);
      c = madd4(x0, w20, c);
      c = madd4(x1, w21, c);
      c = madd4(x2, w22, c);
    }
    v128.store(outB + at, epilogue(c, epi, act, p0, p1));
    at += 16;
  } while (at < (<usize>OW << 2));
}

/**
 * One output row of a 5×5 filter, 8 outputs per step in two accumulators. `rows` holds the 5 input
 * rows' addresses. At stride 2 the taps alternate between a row's even and odd phase.
 */
@inline function row5x5(s2: bool, epi: i32, rows: usize, phaseBytes: usize, w: usize, bias: f32, out: usize, OW: i32,
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
      acc0 = madd4(v128.load(r), wv, acc0);
      acc1 = madd4(v128.load(r, 16), wv, acc1);
      const t1 = q + (s2 ? 0 : 4);
      wv = v128.load32_splat(tap, 4);
      acc0 = madd4(v128.load(t1), wv, acc0);
      acc1 = madd4(v128.load(t1, 16), wv, acc1);
      const t2 = r + (s2 ? 4 : 8);
      wv = v128.load32_splat(tap, 8);
      acc0 = madd4(v128.load(t2), wv, acc0);
      acc1 = madd4(v128.load(t2, 16), wv, acc1);
      const t3 = q + (s2 ? 4 : 12);
      wv = v128.load32_splat(tap, 12);
      acc0 = madd4(v128.load(t3), wv, acc0);
      acc1 = madd4(v128.load(t3, 16), wv, acc1);
      const t4 = r + (s2 ? 8 : 16);
      wv = v128.load32_splat(tap, 16);
      acc0 = madd4(v128.load(t4), wv, acc0);
      acc1 = madd4(v128.load(t4, 16), wv, acc1);
      tap += 20;
    }
    v128.store(out + at, epilogue(acc0, epi, act, p0, p1));
    v128.store(out + at, epilogue(acc1, epi, act, p0, p1), 16);
    at += 32;
  } while (at < (<usize>OW << 2));
}

/**
 * One output row of any filter, 8 outputs per step: `rows` holds the KH input rows' addresses,
 * `columns` the KW taps' byte offsets within a row (phase and column).
 */
@inline function rowGeneral(epi: i32, rows: usize, columns: usize, KH: i32, KW: i32, w: usize, bias: f32, out: usize,
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
        acc0 = madd4(v128.load(p), wv, acc0);
        acc1 = madd4(v128.load(p, 16), wv, acc1);
        tap += 4;
      }
    }
    v128.store(out + at, epilogue(acc0, epi, act, p0, p1));
    v128.store(out + at, epilogue(acc1, epi, act, p0, p1), 16);
    at += 32;
  } while (at < (<usize>OW << 2));
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

/** Copies n floats (a narrow row: a call to memory.copy would cost more). */
@inline function copyFloats(src: usize, dst: usize, n: i32): void {
  for (let i: usize = 0; i < (<usize>n << 2); i += 4) store<f32>(dst + i, load<f32>(src + i));
}

/** The ring row holding input row y, or the zero row for a row in the padding. */
@inline function rowAddress(y: i32, H: i32, ring: usize, slotMask: i32, rowBytes: usize, zeroRow: usize): usize {
  return y < 0 || y >= H ? zeroRow : ring + <usize>(y & slotMask) * rowBytes;
}

/** Ring rows in a call's scratch: a power of two of at least the input rows one step reads. */
@inline function slotsOf(KH: i32, dy: i32, sy: i32, kind: i32): i32 {
  // 3×3 filters compute two output rows per step, which read sy input rows more. Input row y
  // lives in slot y & (slots − 1).
  const span = (KH - 1) * dy + 1 + (kind == KIND_3X3_S1 || kind == KIND_3X3_S2 ? sy : 0);
  return <i32>1 << (32 - clz<i32>(span - 1));
}

/**
 * One channel: x[H, W] with filter w[KH, KW] into out[OH, OW], the ring in `scratch` already
 * laid out by depthwiseChannels (zero row, ring, staging rows, row and column tables).
 */
@inline function channel(kind: i32, epi: i32, x: usize, w: usize, bias: f32, out: usize, H: i32, W: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, padTop: i32, padLeft: i32, scratch: usize, phaseWidth: i32,
  act: i32, p0: f32, p1: f32): void {
  const pairs = kind == KIND_3X3_S1 || kind == KIND_3X3_S2;
  const span = (KH - 1) * dy + 1 + (pairs ? sy : 0);
  const slotMask = slotsOf(KH, dy, sy, kind) - 1;
  const phaseBytes = <usize>phaseWidth << 2;
  const rowBytes = <usize>sx * phaseBytes;
  const outRowBytes = <usize>OW << 2;
  const stagingBytes = (outRowBytes + 31) & ~<usize>31;
  const zeroRow = scratch;
  const ring = scratch + rowBytes;
  const stagingA = ring + <usize>(slotMask + 1) * rowBytes;
  const stagingB = stagingA + stagingBytes;
  const rows = stagingB + stagingBytes;
  const columns = rows + (<usize>KH << 2);
  const inRowBytes = <usize>W << 2;
  // A row narrower than a step is computed into staging and copied out.
  const columnsPerStep = pairs ? 4 : 8;
  const narrow = OW < columnsPerStep;
  let outRow = out;
  let filled = 0;
  for (let oy = 0; oy < OH; oy += pairs ? 2 : 1) {
    const y0 = oy * sy - padTop;
    const yEnd = min(H, y0 + span);
    for (let y = max(filled, max(y0, 0)); y < yEnd; y++) {
      copyRow(x + <usize>y * inRowBytes, W, padLeft, sx, phaseWidth, ring + <usize>(y & slotMask) * rowBytes);
    }
    filled = max(filled, yEnd);
    const dst = narrow ? stagingA : outRow;
    if (pairs) {
      // A last odd row computes its pair's second row into staging.
      const single = oy + 1 == OH;
      const dstB = narrow || single ? stagingB : outRow + outRowBytes;
      rows3x3(kind == KIND_3X3_S2, epi, rowAddress(y0, H, ring, slotMask, rowBytes, zeroRow),
        rowAddress(y0 + 1, H, ring, slotMask, rowBytes, zeroRow), rowAddress(y0 + 2, H, ring, slotMask, rowBytes, zeroRow),
        rowAddress(y0 + 3, H, ring, slotMask, rowBytes, zeroRow), rowAddress(y0 + 4, H, ring, slotMask, rowBytes, zeroRow),
        phaseBytes, w, bias, dst, dstB, OW, act, p0, p1);
      if (narrow && !single) copyFloats(stagingB, outRow + outRowBytes, OW);
    } else {
      for (let ky = 0; ky < KH; ky++) {
        store<u32>(rows + (<usize>ky << 2), <u32>rowAddress(y0 + ky * dy, H, ring, slotMask, rowBytes, zeroRow));
      }
      if (kind == KIND_GENERAL) rowGeneral(epi, rows, columns, KH, KW, w, bias, dst, OW, act, p0, p1);
      else row5x5(kind == KIND_5X5_S2, epi, rows, phaseBytes, w, bias, dst, OW, act, p0, p1);
    }
    if (narrow) copyFloats(stagingA, outRow, OW);
    outRow += pairs ? outRowBytes << 1 : outRowBytes;
  }
}

type ChannelKernel = (x: usize, w: usize, bias: f32, out: usize, H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  sy: i32, sx: i32, dy: i32, padTop: i32, padLeft: i32, scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32) => void;

// One instance per kind and epilogue (the strides and sizes a kind fixes fold into constants).
const channel3x3s1Clamp: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_3X3_S1, EPI_CLAMP, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel3x3s1HardSwish: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_3X3_S1, EPI_HARD_SWISH, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel3x3s1Any: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_3X3_S1, EPI_ANY, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};

const channel3x3s2Clamp: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_3X3_S2, EPI_CLAMP, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel3x3s2HardSwish: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_3X3_S2, EPI_HARD_SWISH, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel3x3s2Any: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_3X3_S2, EPI_ANY, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};

const channel5x5s1Clamp: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_5X5_S1, EPI_CLAMP, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel5x5s1HardSwish: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_5X5_S1, EPI_HARD_SWISH, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel5x5s1Any: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_5X5_S1, EPI_ANY, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};

const channel5x5s2Clamp: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_5X5_S2, EPI_CLAMP, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel5x5s2HardSwish: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_5X5_S2, EPI_HARD_SWISH, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channel5x5s2Any: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_5X5_S2, EPI_ANY, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};

const channelGeneralClamp: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_GENERAL, EPI_CLAMP, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channelGeneralHardSwish: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_GENERAL, EPI_HARD_SWISH, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};
const channelGeneralAny: ChannelKernel = (x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch,
  phaseWidth, act, p0, p1) => {
  channel(KIND_GENERAL, EPI_ANY, x, w, bias, out, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
};

@inline function channelKernelOf(kind: i32, epi: i32): ChannelKernel {
  const clamp = epi == EPI_CLAMP, hardSwish = epi == EPI_HARD_SWISH;
  if (kind == KIND_3X3_S1) return clamp ? channel3x3s1Clamp : hardSwish ? channel3x3s1HardSwish : channel3x3s1Any;
  if (kind == KIND_3X3_S2) return clamp ? channel3x3s2Clamp : hardSwish ? channel3x3s2HardSwish : channel3x3s2Any;
  if (kind == KIND_5X5_S1) return clamp ? channel5x5s1Clamp : hardSwish ? channel5x5s1HardSwish : channel5x5s1Any;
  if (kind == KIND_5X5_S2) return clamp ? channel5x5s2Clamp : hardSwish ? channel5x5s2HardSwish : channel5x5s2Any;
  return clamp ? channelGeneralClamp : hardSwish ? channelGeneralHardSwish : channelGeneralAny;
}

@inline function depthwiseChannels(kind: i32, x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32,
  H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32,
  scratch: usize, phaseWidth: i32, act: i32, p0: f32, p1: f32): void {
  const rowBytes = <usize>(sx * phaseWidth) << 2;
  const slots = slotsOf(KH, dy, sy, kind);
  memory.fill(scratch, 0, <usize>(slots + 1) * rowBytes);
  const stagingBytes = (<usize>(OW << 2) + 31) & ~<usize>31;
  const columns = scratch + <usize>(slots + 1) * rowBytes + stagingBytes * 2 + (<usize>KH << 2);
  for (let kx = 0; kx < KW; kx++) {
    const col = kx * dx;
    store<u32>(columns + (<usize>kx << 2), <u32>(((col % sx) * phaseWidth + col / sx) << 2));
  }
  // A vector-exp activation runs as a pass over each channel just written (isVectorExp).
  const after = isVectorExp(act) ? act : ACT_NONE;
  if (after != ACT_NONE) act = ACT_NONE;
  const epi = epilogueOf(act);
  if (epi == EPI_CLAMP) {
    // Relu clamps to [0, ∞), no activation to (−∞, ∞).
    p0 = act == ACT_CLIP ? p0 : act == ACT_RELU ? 0 : -Infinity;
    p1 = act == ACT_CLIP ? p1 : Infinity;
  }
  const kernel = channelKernelOf(kind, epi);
  const inPlane = <usize>H * <usize>W << 2;
  const outPlane = <usize>OH * <usize>OW << 2;
  const filterBytes = <usize>(KH * KW) << 2;
  for (let c = cStart; c < cEnd; c++) {
    const plane = out + <usize>c * outPlane;
    kernel(x + <usize>c * inPlane, w + <usize>c * filterBytes, bias == 0 ? 0 : load<f32>(bias + (<usize>c << 2)),
      plane, H, W, OH, OW, KH, KW, sy, sx, dy, padTop, padLeft, scratch, phaseWidth, act, p0, p1);
    if (after != ACT_NONE) activateCopy(plane, plane, OH * OW, after, 0, 0);
  }
}

// The entry points share one signature. Each runs channels [cStart, cEnd) of x[C, H, W] with
// weights w[C, KH, KW] and bias (0 for none) into out[C, OH, OW]. `scratch` is the caller's alone:
// a zero row and up to nextPow2((KH−1)·dy + 1 + sy) ring rows, each sx phases of phaseWidth
// floats; two staging rows of ceil(OW/8)·32 bytes; KH + KW i32 tables. phaseWidth is a multiple of
// 4, at least ceil(OW/8)·8 + (KW−1)·dx/sx and the copied row: padLeft + ceil(W/4)·4 at stride 1,
// (padLeft+1)/2 + ceil(W/8)·4 at stride 2, ceil((padLeft+W)/sx) otherwise. Reads up to 28 bytes
// past x. The specialised entries ignore the kernel size, strides and dilations they fix.

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
