// Winograd F(m, 3) convolution (3×3, stride 1), m = 2, 4 or 6, tile α = m + 2, with the
// Lavin–Gray matrices. Weights U = G·g·Gᵀ are stored per tile position p (α² of them) as packA
// panels of [M × C], so each position is one GEMM [M × C]·[C × tiles] on the 6×8 tile of tile.ts.
// Per block of 8-tile panels, a lane transforms the input (V = Bᵀ·d·B, f32x4 across 4 tiles,
// read from a copy of the input padded and split into m column phases so that 4 neighbouring
// tiles are 4 consecutive floats), runs the α² GEMMs, and transforms the output (Y = Aᵀ·M·A,
// plus bias and the fused activation). Both transforms run in place in their panel's buffer, in
// two passes (rows, then columns), so they need no scratch of their own.
import { TILE_M, TILE_N, tilePackedA } from './tile';
import { activate4, clamp4, ACT_CLIP, ACT_NONE, ACT_RELU } from './activation';

// G (α×3) in the structure every Lavin–Gray G has: row 0 = (g, 0, 0), rows 2j+1 and 2j+2 =
// (e0, ±o1, e2) for the point pairs ±1, ±2 (±1/2), row α−1 = (0, 0, 1). Stored as g, then
// (e0, o1, e2) per pair.
const G2: usize = memory.data<f64>([1, 0.5, 0.5, 0.5]);
const G4: usize = memory.data<f64>([1.0 / 4, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 24, 1.0 / 12, 1.0 / 6]);
const G6: usize = memory.data<f64>([1, -2.0 / 9, -2.0 / 9, -2.0 / 9, 1.0 / 90, 1.0 / 45, 2.0 / 45, 1.0 / 45, 1.0 / 90, 1.0 / 180]);

/**
 * The weight transform: g[M, C, 3, 3] → U, α² positions `positionStride` bytes apart (see
 * winogradPositionStride), position p = ξ·α + ν in packA layout of ceil(M/6)·6 × C (panel b
 * holds U[6b + i, c] at [c·6 + i]; rows past M zero). Computed in f64 (two kernels per f64x2,
 * rows i and i+1 of a panel, which are neighbours in U) and rounded once, so offline and at
 * load it gives the same bytes.
 */
export function winogradTransformWeights(m: i32, g: usize, M: i32, C: i32, out: usize): void {
  const positions = (m + 2) * (m + 2);
  const G = m == 2 ? G2 : m == 4 ? G4 : G6;
  const rowsPadded = (M + TILE_M - 1) / TILE_M * TILE_M;
  const positionBytes = <usize>winogradPositionStride(M, C);
  const kernelRowBytes = <usize>C * 36;
  // Panel by panel, channel by channel: each position's 6 floats of a channel are written
  // together, so the α² output streams advance one 24-byte run at a time.
  for (let m0 = 0; m0 < rowsPadded; m0 += TILE_M) {
    const panel = out + <usize>m0 * <usize>C * 4;
    for (let c = 0; c < C; c++) {
      const slot = panel + <usize>c * (TILE_M * 4);
      for (let i = 0; i < TILE_M; i += 2) {
        const oc = m0 + i;
        const dst = slot + (<usize>i << 2);
        if (oc < M) {
          const k = g + <usize>oc * kernelRowBytes + <usize>c * 36;
          transformKernelPair(G, m, k, k + kernelRowBytes, oc + 1 < M, dst, positionBytes);
        } else {
          for (let p = 0; p < positions; p++) store<u64>(dst + <usize>p * positionBytes, 0);
        }
      }
    }
  }
}

/**
 * Bytes between the weight matrices of two tile positions: ceil(M/6)·6·C floats rounded up to an
 * odd number of 64-byte lines. A power-of-two-like stride would map all α² matrices to the same
 * cache sets, and the transform writing them together would run several times slower.
 */
export function winogradPositionStride(M: i32, C: i32): i32 {
  const lines = ((M + TILE_M - 1) / TILE_M * TILE_M * C * 4 + 63) >> 6;
  return (lines | 1) << 6;
}

@inline function scale64(a: v128, s: f64): v128 { return f64x2.mul(a, f64x2.splat(s)); }

/** Rounds two f64 to f32 and stores them side by side. */
@inline function storePair(dst: usize, v: v128): void {
  v128.store64_lane(dst, f32x4.demote_f64x2_zero(v), 0);
}

/** Element `offset` of kernels k0 and k1 (zero when there is no k1) as an f64x2. */
@inline function kernelPair(k0: usize, k1: usize, hasK1: bool, offset: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(k0 + offset)), 1, hasK1 ? <f64>load<f32>(k1 + offset) : 0);
}

/** (a, b, c)·Gᵀ: the α values of one row, ν-th to dst + ν·stride. */
function weightRow(G: usize, m: i32, a: v128, b: v128, c: v128, dst: usize, stride: usize): void {
  storePair(dst, scale64(a, load<f64>(G)));
  let d = dst + stride;
  const end = G + 8 + <usize>(m >> 1) * 24;
  for (let pair = G + 8; pair < end; pair += 24) {
    const even = f64x2.add(scale64(a, load<f64>(pair)), scale64(c, load<f64>(pair, 16)));
    const odd = scale64(b, load<f64>(pair, 8));
    storePair(d, f64x2.add(even, odd));
    storePair(d + stride, f64x2.sub(even, odd));
    d += stride * 2;
  }
  storePair(d, c);
}

/** U = G·k·Gᵀ of kernels k0 and k1 (3×3 each); U(ξ, ν) of both goes to dst + (ξ·α + ν)·stride. */
function transformKernelPair(G: usize, m: i32, k0: usize, k1: usize, hasK1: bool, dst: usize, stride: usize): void {
  const k00 = kernelPair(k0, k1, hasK1, 0), k01 = kernelPair(k0, k1, hasK1, 4), k02 = kernelPair(k0, k1, hasK1, 8);
  const k10 = kernelPair(k0, k1, hasK1, 12), k11 = kernelPair(k0, k1, hasK1, 16), k12 = kernelPair(k0, k1, hasK1, 20);
  const k20 = kernelPair(k0, k1, hasK1, 24), k21 = kernelPair(k0, k1, hasK1, 28), k22 = kernelPair(k0, k1, hasK1, 32);
  const rowStride = <usize>(m + 2) * stride;
  const first = load<f64>(G);
  weightRow(G, m, scale64(k00, first), scale64(k01, first), scale64(k02, first), dst, stride);
  let d = dst + rowStride;
  const end = G + 8 + <usize>(m >> 1) * 24;
  // Rows ξ = 2j+1, 2j+2 of G·k share their even and odd parts.
  for (let pair = G + 8; pair < end; pair += 24) {
    const e0 = load<f64>(pair), o1 = load<f64>(pair, 8), e2 = load<f64>(pair, 16);
    const even0 = f64x2.add(scale64(k00, e0), scale64(k20, e2)), odd0 = scale64(k10, o1);
    const even1 = f64x2.add(scale64(k01, e0), scale64(k21, e2)), odd1 = scale64(k11, o1);
    const even2 = f64x2.add(scale64(k02, e0), scale64(k22, e2)), odd2 = scale64(k12, o1);
    weightRow(G, m, f64x2.add(even0, odd0), f64x2.add(even1, odd1), f64x2.add(even2, odd2), d, stride);
    weightRow(G, m, f64x2.sub(even0, odd0), f64x2.sub(even1, odd1), f64x2.sub(even2, odd2), d + rowStride, stride);
    d += rowStride * 2;
  }
  weightRow(G, m, k20, k21, k22, d, stride);
}

/**
 * Pads x[C, H, W] and splits its columns into m phases: out[c, r, p, j] = xpad[c, r, j·m + p]
 * (xpad = x shifted by the begin pads, zero outside), for PH rows and phaseWidth columns per phase.
 */
export function winogradPrepareInput(x: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32,
  m: i32, PH: i32, phaseWidth: i32, out: usize): void {
  const phaseBytes = <usize>phaseWidth << 2;
  // Columns j ∈ [inside, insideEnd) of every phase read inside the row, 4 at a time (m = 2, 4).
  const inside = (padLeft + m - 1) / m;
  const vectorEnd = m == 6 ? inside : max(inside, inside + ((W + padLeft) / m - inside) / 4 * 4);
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < PH; r++) {
      const iy = r - padTop;
      const rowOut = out + (<usize>(c * PH + r) * <usize>m) * phaseBytes;
      if (iy < 0 || iy >= H) {
        memory.fill(rowOut, 0, <usize>m * phaseBytes);
        continue;
      }
      const row = x + ((<usize>(c * H + iy) * <usize>W) << 2);
      prepareColumns(row, W, padLeft, m, rowOut, phaseBytes, 0, inside);
      for (let j = inside; j < vectorEnd; j += 4) {
        const src = row + (<usize>(j * m - padLeft) << 2);
        const dst = rowOut + (<usize>j << 2);
        const a = v128.load(src), b = v128.load(src, 16);
        if (m == 2) {
          v128.store(dst, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
          v128.store(dst + phaseBytes, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
          continue;
        }
        const c4 = v128.load(src, 32), d = v128.load(src, 48);
        const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(c4, d, 0, 4, 1, 5), t3 = v128.shuffle<f32>(c4, d, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(dst + phaseBytes, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(dst + phaseBytes * 2, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(dst + phaseBytes * 3, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      }
      prepareColumns(row, W, padLeft, m, rowOut, phaseBytes, vectorEnd, phaseWidth);
    }
  }
}

/** Columns [j0, j1) of every phase of one prepared row, element by element, zero outside the row. */
function prepareColumns(row: usize, W: i32, padLeft: i32, m: i32, rowOut: usize, phaseBytes: usize, j0: i32, j1: i32): void {
  for (let p = 0; p < m; p++) {
    const dst = rowOut + <usize>p * phaseBytes;
    let col = j0 * m + p - padLeft;
    for (let j = j0; j < j1; j++) {
      store<f32>(dst + (<usize>j << 2), <u32>col < <u32>W ? load<f32>(row + (<usize>col << 2)) : 0);
      col += m;
    }
  }
}

@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline function scale(a: v128, s: f32): v128 { return f32x4.mul(a, f32x4.splat(s)); }

// One-dimensional input transforms (rows of Bᵀ), 4 tiles per vector; result i goes to out + i·stride.
@inline function inputRow2(d0: v128, d1: v128, d2: v128, d3: v128, out: usize, stride: usize): void {
  v128.store(out, sub(d0, d2));
  v128.store(out + stride, add(d1, d2));
  v128.store(out + stride * 2, sub(d2, d1));
  v128.store(out + stride * 3, sub(d1, d3));
}

@inline function inputRow4(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, stride: usize): void {
  const d4MinusD2 = sub(d4, d2);
  const d3MinusD1Twice = scale(sub(d3, d1), 2);
  const d3PlusD4 = add(d3, d4);
  const d4MinusD3 = sub(d4, d3);
  v128.store(out, add(sub(scale(d0, 4), scale(d2, 5)), d4));
  v128.store(out + stride, sub(d3PlusD4, scale(add(d1, d2), 4)));
  v128.store(out + stride * 2, add(d4MinusD3, scale(sub(d1, d2), 4)));
  v128.store(out + stride * 3, add(d4MinusD2, d3MinusD1Twice));
  v128.store(out + stride * 4, sub(d4MinusD2, d3MinusD1Twice));
  v128.store(out + stride * 5, add(sub(scale(d1, 4), scale(d3, 5)), d5));
}

@inline function inputRow6(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, d6: v128, d7: v128,
  out: usize, stride: usize): void {
  v128.store(out, add(sub(d0, d6), scale(sub(d4, d2), 5.25)));
  v128.store(out + stride * 7, add(sub(d7, d1), scale(sub(d3, d5), 5.25)));
  const a12 = sub(add(d2, d6), scale(d4, 4.25));
  const b12 = sub(add(d1, d5), scale(d3, 4.25));
  v128.store(out + stride, add(a12, b12));
  v128.store(out + stride * 2, sub(a12, b12));
  const a34 = sub(add(d6, scale(d2, 0.25)), scale(d4, 1.25));
  const b34 = add(sub(scale(d1, 0.5), scale(d3, 2.5)), scale(d5, 2));
  v128.store(out + stride * 3, add(a34, b34));
  v128.store(out + stride * 4, sub(a34, b34));
  const a56 = add(d6, scale(sub(d2, scale(d4, 1.25)), 4));
  const b56 = add(sub(scale(d1, 2), scale(d3, 2.5)), scale(d5, 0.5));
  v128.store(out + stride * 5, add(a56, b56));
  v128.store(out + stride * 6, sub(a56, b56));
}

/**
 * V = Bᵀ·d·B for one channel of 4 tiles, one function per m so that only the one in use is
 * compiled. d(r, s) is the vector at src + r·rowStride + (s mod m)·colA + (s div m)·colB;
 * V(ξ, ν) goes to dst + (ξ·α + ν)·posStride. F(2,3) fits in registers; the larger ones write
 * Bᵀ-transformed rows into the destination, then transform its columns in place.
 */
function inputTransformF23(src: usize, rowStride: usize, colA: usize, colB: usize, dst: usize, posStride: usize): void {
  const rowSlots = posStride * 4;
  // Bᵀ·d column by column, then each row of that times B.
  const s1 = src + rowStride, s2 = src + rowStride * 2, s3 = src + rowStride * 3;
  let a = v128.load(src), b = v128.load(s1), c = v128.load(s2), e = v128.load(s3);
  const z00 = sub(a, c), z10 = add(b, c), z20 = sub(c, b), z30 = sub(b, e);
  a = v128.load(src + colA); b = v128.load(s1 + colA); c = v128.load(s2 + colA); e = v128.load(s3 + colA);
  const z01 = sub(a, c), z11 = add(b, c), z21 = sub(c, b), z31 = sub(b, e);
  a = v128.load(src + colB); b = v128.load(s1 + colB); c = v128.load(s2 + colB); e = v128.load(s3 + colB);
  const z02 = sub(a, c), z12 = add(b, c), z22 = sub(c, b), z32 = sub(b, e);
  const colAB = colA + colB;
  a = v128.load(src + colAB); b = v128.load(s1 + colAB); c = v128.load(s2 + colAB); e = v128.load(s3 + colAB);
  const z03 = sub(a, c), z13 = add(b, c), z23 = sub(c, b), z33 = sub(b, e);
  inputRow2(z00, z01, z02, z03, dst, posStride);
  inputRow2(z10, z11, z12, z13, dst + rowSlots, posStride);
  inputRow2(z20, z21, z22, z23, dst + rowSlots * 2, posStride);
  inputRow2(z30, z31, z32, z33, dst + rowSlots * 3, posStride);
}

function inputTransformF43(src: usize, rowStride: usize, colA: usize, colB: usize, dst: usize, posStride: usize): void {
  const rowSlots = posStride * 6;
  let s = src, d = dst;
  for (let r = 0; r < 6; r++) {
    inputRow4(v128.load(s), v128.load(s + colA), v128.load(s + colA * 2), v128.load(s + colA * 3),
      v128.load(s + colB), v128.load(s + colA + colB), d, posStride);
    s += rowStride; d += rowSlots;
  }
  d = dst;
  for (let nu = 0; nu < 6; nu++) {
    inputRow4(v128.load(d), v128.load(d + rowSlots), v128.load(d + rowSlots * 2), v128.load(d + rowSlots * 3),
      v128.load(d + rowSlots * 4), v128.load(d + rowSlots * 5), d, rowSlots);
    d += posStride;
  }
}

function inputTransformF63(src: usize, rowStride: usize, colA: usize, colB: usize, dst: usize, posStride: usize): void {
  const rowSlots = posStride * 8;
  let s = src, d = dst;
  for (let r = 0; r < 8; r++) {
    inputRow6(v128.load(s), v128.load(s + colA), v128.load(s + colA * 2), v128.load(s + colA * 3),
      v128.load(s + colA * 4), v128.load(s + colA * 5), v128.load(s + colB), v128.load(s + colA + colB), d, posStride);
    s += rowStride; d += rowSlots;
  }
  d = dst;
  for (let nu = 0; nu < 8; nu++) {
    inputRow6(v128.load(d), v128.load(d + rowSlots), v128.load(d + rowSlots * 2), v128.load(d + rowSlots * 3),
      v128.load(d + rowSlots * 4), v128.load(d + rowSlots * 5), v128.load(d + rowSlots * 6), v128.load(d + rowSlots * 7),
      d, rowSlots);
    d += posStride;
  }
}

@inline function inputTransform(m: i32, src: usize, rowStride: usize, colA: usize, colB: usize, dst: usize, posStride: usize): void {
  if (m == 2) inputTransformF23(src, rowStride, colA, colB, dst, posStride);
  else if (m == 4) inputTransformF43(src, rowStride, colA, colB, dst, posStride);
  else inputTransformF63(src, rowStride, colA, colB, dst, posStride);
}

// One-dimensional output transforms (rows of Aᵀ); result i goes to out + i·stride.
@inline function outputRow2(m0: v128, m1: v128, m2: v128, m3: v128, out: usize, stride: usize): void {
  v128.store(out, add(add(m0, m1), m2));
  v128.store(out + stride, sub(sub(m1, m2), m3));
}

@inline function outputRow4(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, out: usize, stride: usize): void {
  const sum12 = add(m1, m2), diff12 = sub(m1, m2), sum34 = add(m3, m4), diff34 = sub(m3, m4);
  v128.store(out, add(add(m0, sum12), sum34));
  v128.store(out + stride, add(diff12, scale(diff34, 2)));
  v128.store(out + stride * 2, add(sum12, scale(sum34, 4)));
  v128.store(out + stride * 3, add(add(diff12, scale(diff34, 8)), m5));
}

@inline function outputRow6(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128,
  out: usize, stride: usize): void {
  const sum12 = add(m1, m2), diff12 = sub(m1, m2), sum34 = add(m3, m4), diff34 = sub(m3, m4);
  const sum56 = add(m5, m6), diff56 = sub(m5, m6);
  v128.store(out, add(add(add(m0, sum12), sum34), scale(sum56, 32)));
  v128.store(out + stride, add(add(diff12, scale(diff34, 2)), scale(diff56, 16)));
  v128.store(out + stride * 2, add(add(sum12, scale(sum34, 4)), scale(sum56, 8)));
  v128.store(out + stride * 3, add(add(diff12, scale(diff34, 8)), scale(diff56, 4)));
  v128.store(out + stride * 4, add(add(sum12, scale(sum34, 16)), scale(sum56, 2)));
  v128.store(out + stride * 5, add(add(add(m7, diff12), scale(diff34, 32)), diff56));
}

/**
 * Y = Aᵀ·M·A in place for one output channel of 4 tiles, one function per m: M(ξ, ν) is the
 * vector at src + (ξ·α + ν)·32 (the GEMM output layout); Y(y, x) is left at src + (y·α + x)·32.
 */
function outputTransformF23(src: usize): void {
  let s = src;
  for (let r = 0; r < 4; r++) {
    outputRow2(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), s, 32);
    s += 128;
  }
  s = src;
  for (let x = 0; x < 2; x++) {
    outputRow2(v128.load(s), v128.load(s, 128), v128.load(s, 256), v128.load(s, 384), s, 128);
    s += 32;
  }
}

function outputTransformF43(src: usize): void {
  let s = src;
  for (let r = 0; r < 6; r++) {
    outputRow4(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), v128.load(s, 128), v128.load(s, 160), s, 32);
    s += 192;
  }
  s = src;
  for (let x = 0; x < 4; x++) {
    outputRow4(v128.load(s), v128.load(s, 192), v128.load(s, 384), v128.load(s, 576), v128.load(s, 768), v128.load(s, 960), s, 192);
    s += 32;
  }
}

function outputTransformF63(src: usize): void {
  let s = src;
  for (let r = 0; r < 8; r++) {
    outputRow6(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), v128.load(s, 128), v128.load(s, 160),
      v128.load(s, 192), v128.load(s, 224), s, 32);
    s += 256;
  }
  s = src;
  for (let x = 0; x < 6; x++) {
    outputRow6(v128.load(s), v128.load(s, 256), v128.load(s, 512), v128.load(s, 768), v128.load(s, 1024), v128.load(s, 1280),
      v128.load(s, 1536), v128.load(s, 1792), s, 256);
    s += 32;
  }
}

/** Byte offset of tile n's top-left element in the prepared input's plane (phase 0). */
@inline function tileOffset(n: i32, m: i32, TW: i32, rowBytes: i32): usize {
  const ty = n / TW;
  return <usize>(ty * m) * <usize>rowBytes + (<usize>(n - ty * TW) << 2);
}

/** Copies d(r, s) of 4 tiles that are not neighbours into slot (r, s) of dst, one lane per tile. */
function gatherTiles(m: i32, src: usize, rel0: usize, rel1: usize, rel2: usize, rel3: usize,
  rowStride: usize, colA: usize, dst: usize, posStride: usize): void {
  const alpha = m + 2;
  for (let r = 0; r < alpha; r++) {
    const row = src + <usize>r * rowStride;
    for (let s = 0; s < alpha; s++) {
      const at = row + <usize>(s % m) * colA + (<usize>(s / m) << 2);
      let v = f32x4.splat(load<f32>(at + rel0));
      v = f32x4.replace_lane(v, 1, load<f32>(at + rel1));
      v = f32x4.replace_lane(v, 2, load<f32>(at + rel2));
      v = f32x4.replace_lane(v, 3, load<f32>(at + rel3));
      v128.store(dst + <usize>(r * alpha + s) * posStride, v);
    }
  }
}

/**
 * Input transform of panels [panelStart, panelEnd) (8 tiles each; tiles past T repeat tile T−1)
 * from the prepared input into V, which holds these panels from its start: panel j, position p,
 * channel c, tile t at V + ((j − panelStart)·α² + p)·posStride + c·32 + t·4.
 */
export function winogradInputPanels(m: i32, prepared: usize, C: i32, rowBytes: i32, phaseBytes: i32, planeBytes: i32,
  TW: i32, T: i32, V: usize, posStride: i32, panelStart: i32, panelEnd: i32): void {
  const alpha = m + 2;
  const slotStride = <usize>posStride;
  const panelBytes = <usize>(alpha * alpha) * slotStride;
  for (let j = panelStart; j < panelEnd; j++) {
    for (let half = 0; half < 2; half++) {
      const n0 = j * TILE_N + half * 4;
      const rel0 = tileOffset(min(n0, T - 1), m, TW, rowBytes);
      const rel1 = tileOffset(min(n0 + 1, T - 1), m, TW, rowBytes);
      const rel2 = tileOffset(min(n0 + 2, T - 1), m, TW, rowBytes);
      const rel3 = tileOffset(min(n0 + 3, T - 1), m, TW, rowBytes);
      const neighbours = rel1 == rel0 + 4 && rel2 == rel0 + 8 && rel3 == rel0 + 12;
      let src = prepared;
      let dst = V + <usize>(j - panelStart) * panelBytes + (<usize>half << 4);
      for (let c = 0; c < C; c++) {
        if (neighbours) {
          inputTransform(m, src + rel0, <usize>rowBytes, <usize>phaseBytes, 4, dst, slotStride);
        } else {
          gatherTiles(m, src, rel0, rel1, rel2, rel3, <usize>rowBytes, <usize>phaseBytes, dst, slotStride);
          inputTransform(m, dst, <usize>alpha * slotStride, slotStride, <usize>m * slotStride, dst, slotStride);
        }
        src += <usize>planeBytes;
        dst += TILE_N * 4;
      }
    }
  }
}

/**
 * The α² GEMMs of panels [panelStart, panelEnd): for each position p, U_p [M × C] times V_p of
 * each panel into Mbuf, which like V holds these panels from its start: panel j, channel oc,
 * position p, tile t at Mbuf + (((j − panelStart)·M + oc)·α² + p)·32 + t·4.
 */
export function winogradGemmPanels(m: i32, U: usize, offsets: usize, C: i32, M: i32, V: usize, posStride: i32,
  Mbuf: usize, panelStart: i32, panelEnd: i32): void {
  const positions = (m + 2) * (m + 2);
  const panelBytes = <usize>positions * <usize>posStride;
  const ldo = <usize>positions * (TILE_N * 4);
  const outPanelBytes = <usize>M * ldo;
  const positionBytes = <usize>winogradPositionStride(M, C);
  for (let p = 0; p < positions; p++) {
    const Ap = U + <usize>p * positionBytes;
    const Vp = V + <usize>p * <usize>posStride;
    const Mp = Mbuf + (<usize>p << 5);
    for (let m0 = 0; m0 < M; m0 += TILE_M) {
      const a = Ap + <usize>m0 * <usize>C * 4;
      const validM = min(TILE_M, M - m0);
      const outRows = Mp + <usize>m0 * ldo;
      for (let j = panelStart; j < panelEnd; j++) {
        const slot = <usize>(j - panelStart);
        tilePackedA(a, offsets, Vp + slot * panelBytes, C, outRows + slot * outPanelBytes, ldo, validM, TILE_N, 0, 0, 0, 0);
      }
    }
  }
}

/** Copies tile n's m×m outputs (lane `src`, slot (y, x) at src + (y·α + x)·32) into the output plane, cut at its edges. */
function storeTile(m: i32, src: usize, n: i32, TW: i32, OH: i32, OW: i32, plane: usize): void {
  const alpha = m + 2;
  const ty = n / TW;
  const oy0 = ty * m;
  const ox0 = (n - ty * TW) * m;
  const rows = min(m, OH - oy0);
  const cols = min(m, OW - ox0);
  for (let y = 0; y < rows; y++) {
    const dst = plane + (<usize>((oy0 + y) * OW + ox0) << 2);
    const row = src + <usize>(y * alpha) * 32;
    for (let x = 0; x < cols; x++) store<f32>(dst + (<usize>x << 2), load<f32>(row + (<usize>x << 5)));
  }
}

/** Bias and activation of slot (y, x) ∈ m×m of one channel of 4 tiles, in place. */
function epilogue(m: i32, src: usize, b: v128, act: i32, p0: f32, p1: f32): void {
  const rowSlots = <usize>(m + 2) * 32;
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  const lo = f32x4.splat(act == ACT_NONE ? -Infinity : act == ACT_RELU ? 0 : p0);
  const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
  for (let y = 0; y < m; y++) {
    let slot = src + <usize>y * rowSlots;
    for (let x = 0; x < m; x++) {
      const v = add(v128.load(slot), b);
      v128.store(slot, clamp ? clamp4(v, lo, hi) : activate4(v, act, p0, p1));
      slot += 32;
    }
  }
}

/**
 * Stores the m×m outputs of 4 whole tiles side by side in one tile row: output row y of the 4
 * tiles is 4·m consecutive floats at dst + y·rowBytes, gathered from Y(y, 0..m−1) by transposing.
 */
function storeNeighbours(m: i32, src: usize, dst: usize, rowBytes: usize): void {
  const rowSlots = <usize>(m + 2) * 32;
  for (let y = 0; y < m; y++) {
    const y0 = v128.load(src), y1 = v128.load(src, 32);
    if (m == 2) {
      v128.store(dst, v128.shuffle<f32>(y0, y1, 0, 4, 1, 5));
      v128.store(dst, v128.shuffle<f32>(y0, y1, 2, 6, 3, 7), 16);
    } else {
      const y2 = v128.load(src, 64), y3 = v128.load(src, 96);
      const t0 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
      // Tile q's x = 0..3.
      const r0 = v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), r1 = v128.shuffle<f32>(t0, t2, 2, 3, 6, 7);
      const r2 = v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), r3 = v128.shuffle<f32>(t1, t3, 2, 3, 6, 7);
      if (m == 4) {
        v128.store(dst, r0);
        v128.store(dst, r1, 16);
        v128.store(dst, r2, 32);
        v128.store(dst, r3, 48);
      } else {
        // Tiles 0, 1 and 2, 3's x = 4, 5, interleaved.
        const y4 = v128.load(src, 128), y5 = v128.load(src, 160);
        const u0 = v128.shuffle<f32>(y4, y5, 0, 4, 1, 5), u1 = v128.shuffle<f32>(y4, y5, 2, 6, 3, 7);
        v128.store(dst, r0);
        v128.store(dst, v128.shuffle<f32>(u0, r1, 0, 1, 4, 5), 16);
        v128.store(dst, v128.shuffle<f32>(r1, u0, 2, 3, 6, 7), 32);
        v128.store(dst, r2, 48);
        v128.store(dst, v128.shuffle<f32>(u1, r3, 0, 1, 4, 5), 64);
        v128.store(dst, v128.shuffle<f32>(r3, u1, 2, 3, 6, 7), 80);
      }
    }
    src += rowSlots;
    dst += rowBytes;
  }
}

/**
 * Output transform of panels [panelStart, panelEnd) (in Mbuf from its start, as the GEMMs left
 * them): Y = Aᵀ·M·A + bias, activated, into out[M, OH, OW]. Runs in place in Mbuf.
 */
export function winogradOutputPanels(m: i32, Mbuf: usize, M: i32, TW: i32, T: i32, out: usize, OH: i32, OW: i32,
  panelStart: i32, panelEnd: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const alpha = m + 2;
  const ldo = <usize>(alpha * alpha) * (TILE_N * 4);
  const outPanelBytes = <usize>M * ldo;
  const planeBytes = <usize>OH * <usize>OW << 2;
  const rowBytes = <usize>OW << 2;
  for (let j = panelStart; j < panelEnd; j++) {
    for (let half = 0; half < 2; half++) {
      const n0 = j * TILE_N + half * 4;
      if (n0 >= T) break;
      const tiles = min(4, T - n0);
      const ty = n0 / TW;
      const tx = n0 - ty * TW;
      // Four whole tiles side by side: stored row by row with vector stores.
      const neighbours = tiles == 4 && tx + 4 <= TW && (ty + 1) * m <= OH && (tx + 4) * m <= OW;
      const corner = out + (<usize>(ty * m) * rowBytes) + (<usize>(tx * m) << 2);
      let src = Mbuf + <usize>(j - panelStart) * outPanelBytes + (<usize>half << 4);
      for (let oc = 0; oc < M; oc++) {
        if (m == 2) outputTransformF23(src);
        else if (m == 4) outputTransformF43(src);
        else outputTransformF63(src);
        epilogue(m, src, f32x4.splat(bias == 0 ? <f32>0 : load<f32>(bias + (<usize>oc << 2))), act, p0, p1);
        if (neighbours) {
          storeNeighbours(m, src, corner + <usize>oc * planeBytes, rowBytes);
        } else {
          for (let q = 0; q < tiles; q++) storeTile(m, src + (<usize>q << 2), n0 + q, TW, OH, OW, out + <usize>oc * planeBytes);
        }
        src += ldo;
      }
    }
  }
}
