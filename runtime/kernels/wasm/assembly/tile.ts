// The 6×8 register tile every GEMM-shaped kernel here runs on: 6 rows of A (output channels),
// 8 columns of B (output positions), 12 f32x4 accumulators. B columns are addressed through a
// table of byte offsets, one per k, so the same loop serves packed panels (offset = 32·k) and
// implicit im2col over a prepared input (offset = where tap k reads). Rows are emitted in
// reverse order: TurboFan then keeps the 12 accumulators, 2 B vectors and 1 broadcast in the
// 15 registers it has, without spilling (see KERNEL-NOTES.md).
//
// The tile functions add the bias and apply the clamp-shaped activations (none, Relu, Clip) in
// registers, and leave the others to `tileEpilogue`, a separate function run on the just-written
// (L1-resident) tile. Keeping the tile small matters for cold runs: V8 runs a function's first
// calls on Liftoff code and swaps in TurboFan code only when its background compile finishes,
// which takes far longer for a function with eight inlined activation paths.
import { activate4, clamp4, isVectorExp, ACT_CLIP, ACT_NONE, ACT_RELU } from './activation';
import { activateCopy } from './elementwise';
import { madd4 } from './fma';

export const TILE_M: i32 = 6;
export const TILE_N: i32 = 8;

/** Stores one row of the tile; only `validN` columns when short. */
@inline function storeRow(out: usize, v0: v128, v1: v128, validN: i32): void {
  if (validN == 8) {
    v128.store(out, v0);
    v128.store(out, v1, 16);
    return;
  }
  storePartial(out, v0, validN);
  storePartial(out + 16, v1, validN - 4);
}

/** Stores the first n (≤ 4) lanes of v; lane by lane because static scratch would be shared by every thread. */
@inline export function storePartial(out: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(out, v); return; }
  if (n > 0) store<f32>(out, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(out, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(out, f32x4.extract_lane(v, 2), 8);
}

/** Adds the per-row bias (0: none) and applies the activation to a stored validM × validN tile. */
export function tileEpilogue(out: usize, ldo: usize, validM: i32, validN: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  if (bias == 0 && act == 0) return;
  if (bias == 0 && isVectorExp(act)) {
    // The activation's own loop (isVectorExp), row by row.
    for (let i = 0; i < validM; i++) activateCopy(out + <usize>i * ldo, out + <usize>i * ldo, validN, act, p0, p1);
    return;
  }
  for (let i = 0; i < validM; i++) {
    const b = f32x4.splat(bias == 0 ? 0 : load<f32>(bias + (<usize>i << 2)));
    const row = out + <usize>i * ldo;
    if (validN == 8) {
      v128.store(row, activate4(f32x4.add(v128.load(row), b), act, p0, p1));
      v128.store(row, activate4(f32x4.add(v128.load(row, 16), b), act, p0, p1), 16);
      continue;
    }
    for (let j = 0; j < validN; j += 4) {
      const at = row + (<usize>j << 2);
      const lanes = min(4, validN - j);
      const v = activate4(f32x4.add(lanes == 4 ? v128.load(at) : loadPartial(at, lanes), b), act, p0, p1);
      storePartial(at, v, lanes);
    }
  }
}

@inline function loadPartial(at: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/** Relu and Clip (and plain bias) are a clamp: lower and upper bounds for activation code `act`. */
@inline function clampLow(act: i32, p0: f32): f32 {
  return act == ACT_RELU ? 0 : act == ACT_CLIP ? p0 : -Infinity;
}
@inline function clampHigh(act: i32, p1: f32): f32 {
  return act == ACT_CLIP ? p1 : Infinity;
}
@inline function isClamp(act: i32): bool {
  return act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
}
@inline function rowBias(bias: usize, row: i32): v128 {
  return f32x4.splat(bias == 0 ? 0 : load<f32>(bias + (<usize>row << 2)));
}
@inline function finish(v: v128, b: v128, lo: v128, hi: v128): v128 {
  return clamp4(f32x4.add(v, b), lo, hi);
}

@inline function storeTile(out: usize, ldo: usize, validM: i32, validN: i32,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128,
  c30: v128, c31: v128, c40: v128, c41: v128, c50: v128, c51: v128): void {
  storeRow(out, c00, c01, validN);
  if (validM > 1) storeRow(out + ldo, c10, c11, validN);
  if (validM > 2) storeRow(out + ldo * 2, c20, c21, validN);
  if (validM > 3) storeRow(out + ldo * 3, c30, c31, validN);
  if (validM > 4) storeRow(out + ldo * 4, c40, c41, validN);
  if (validM > 5) storeRow(out + ldo * 5, c50, c51, validN);
}

/**
 * A tile's epilogue: bias and the clamp-shaped activations (none, Relu, Clip) in registers, the
 * store, then any other activation over the stored values. Inlined into each tile function.
 */
@inline function finishTile(out: usize, ldo: usize, validM: i32, validN: i32, bias: usize, act: i32, p0: f32, p1: f32,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128,
  c30: v128, c31: v128, c40: v128, c41: v128, c50: v128, c51: v128): void {
  const lo = f32x4.splat(clampLow(act, p0));
  const hi = f32x4.splat(clampHigh(act, p1));
  let b = rowBias(bias, 0);
  c00 = finish(c00, b, lo, hi); c01 = finish(c01, b, lo, hi);
  b = rowBias(bias, min(1, validM - 1));
  c10 = finish(c10, b, lo, hi); c11 = finish(c11, b, lo, hi);
  b = rowBias(bias, min(2, validM - 1));
  c20 = finish(c20, b, lo, hi); c21 = finish(c21, b, lo, hi);
  b = rowBias(bias, min(3, validM - 1));
  c30 = finish(c30, b, lo, hi); c31 = finish(c31, b, lo, hi);
  b = rowBias(bias, min(4, validM - 1));
  c40 = finish(c40, b, lo, hi); c41 = finish(c41, b, lo, hi);
  b = rowBias(bias, min(5, validM - 1));
  c50 = finish(c50, b, lo, hi); c51 = finish(c51, b, lo, hi);
  storeTile(out, ldo, validM, validN, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
  if (!isClamp(act)) tileEpilogue(out, ldo, validM, validN, 0, act, p0, p1);
}

/**
 * One tile with A packed in 6-row panels (a[k·6 + i]). `out` points at row 0, column 0 of the
 * tile; `ldo` is the byte distance between output rows (channels). `bias` (0 for none) points at
 * this tile's first row's bias.
 */
export function tilePackedA(a: usize, offsets: usize, base: usize, K: i32, out: usize, ldo: usize,
  validM: i32, validN: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  const end = offsets + (<usize>K << 2);
  while (offsets < end) {
    const b = base + <usize>load<i32>(offsets);
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a, 20);
    c50 = madd4(av, b0, c50); c51 = madd4(av, b1, c51);
    av = v128.load32_splat(a, 16);
    c40 = madd4(av, b0, c40); c41 = madd4(av, b1, c41);
    av = v128.load32_splat(a, 12);
    c30 = madd4(av, b0, c30); c31 = madd4(av, b1, c31);
    av = v128.load32_splat(a, 8);
    c20 = madd4(av, b0, c20); c21 = madd4(av, b1, c21);
    av = v128.load32_splat(a, 4);
    c10 = madd4(av, b0, c10); c11 = madd4(av, b1, c11);
    av = v128.load32_splat(a, 0);
    c00 = madd4(av, b0, c00); c01 = madd4(av, b1, c01);
    a += 24;
    offsets += 4;
  }
  finishTile(out, ldo, validM, validN, bias, act, p0, p1, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
}

/**
 * One tile with A as raw rows (a[i·K + k], the ONNX weight layout: no transform). Rows past
 * `validM` re-read the last valid row; their results are not stored.
 */
export function tileRawA(a: usize, lda: usize, offsets: usize, base: usize, K: i32, out: usize, ldo: usize,
  validM: i32, validN: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const a0 = a;
  const a1 = a + lda * <usize>min(1, validM - 1);
  const a2 = a + lda * <usize>min(2, validM - 1);
  const a3 = a + lda * <usize>min(3, validM - 1);
  const a4 = a + lda * <usize>min(4, validM - 1);
  const a5 = a + lda * <usize>min(5, validM - 1);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let k: usize = 0; k < <usize>K; k++) {
    const b = base + <usize>load<i32>(offsets + (k << 2));
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const ka = k << 2;
    let av = v128.load32_splat(a5 + ka);
    c50 = madd4(av, b0, c50); c51 = madd4(av, b1, c51);
    av = v128.load32_splat(a4 + ka);
    c40 = madd4(av, b0, c40); c41 = madd4(av, b1, c41);
    av = v128.load32_splat(a3 + ka);
    c30 = madd4(av, b0, c30); c31 = madd4(av, b1, c31);
    av = v128.load32_splat(a2 + ka);
    c20 = madd4(av, b0, c20); c21 = madd4(av, b1, c21);
    av = v128.load32_splat(a1 + ka);
    c10 = madd4(av, b0, c10); c11 = madd4(av, b1, c11);
    av = v128.load32_splat(a0 + ka);
    c00 = madd4(av, b0, c00); c01 = madd4(av, b1, c01);
  }
  finishTile(out, ldo, validM, validN, bias, act, p0, p1, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
}

/**
 * Packs an M×K row-major matrix (row stride `lda` bytes) into 6-row panels: panel p holds
 * a[(6p+i)·K + k] at [k·6 + i], rows past M zero. This is the weight transform of the packed
 * GEMM-shaped kernels. `out` must hold ceil(M/6)·6·K floats.
 */
export function packA(a: usize, lda: usize, M: i32, K: i32, out: usize): void {
  const panelBytes = <usize>K * <usize>(TILE_M * 4);
  for (let m0 = 0; m0 < M; m0 += TILE_M) {
    // Row by row: reads stream along each row, writes stride through one panel that stays in cache.
    for (let i = 0; i < TILE_M; i++) {
      const row = m0 + i;
      let dst = out + (<usize>i << 2);
      const end = dst + panelBytes;
      if (row >= M) {
        for (; dst < end; dst += TILE_M * 4) store<f32>(dst, 0);
        continue;
      }
      let src = a + <usize>row * lda;
      for (; dst < end; dst += TILE_M * 4) {
        store<f32>(dst, load<f32>(src));
        src += 4;
      }
    }
    out += panelBytes;
  }
}
