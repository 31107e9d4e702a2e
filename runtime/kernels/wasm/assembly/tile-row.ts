// A row of 6×8 tiles over one 6-row weight panel: the direct convolution's inner loop, for
// reductions short enough (1×1 convs with K = 16…32) that a tile's fixed cost — call, bias,
// activation, stores — is a third of its time. The tiles of a row share one call; accumulators
// start at the bias (no adds after the loop); no activation means no clamp; and a ragged tail of
// at most 4 columns runs a 6×4 tile (half the work of a wasted 6×8). The 6×8 loop is tile.ts's,
// rows in reverse order for the same 15-register reason.
import { clamp4, isVectorExp, ACT_CLIP, ACT_NONE, ACT_RELU } from './activation';
import { storePartial, tileEpilogue, tilePackedA, TILE_N } from './tile';
import { madd4 } from './fma';

/** Row i's bias splat (0 when there is none); rows past validM repeat the last valid row's. */
@inline function biasSplat(bias: usize, row: i32, validM: i32): v128 {
  return bias == 0 ? f32x4.splat(0) : v128.load32_splat(bias + (<usize>min(row, validM - 1) << 2));
}

@inline function clampOf(v: v128, act: i32, lo: v128, hi: v128): v128 {
  if (act == ACT_RELU) return f32x4.pmax(v, lo);
  if (act == ACT_CLIP) return clamp4(v, lo, hi);
  return v;
}

@inline function storeRow8(out: usize, validM: i32, row: i32, v0: v128, v1: v128): void {
  if (row < validM) {
    v128.store(out, v0);
    v128.store(out, v1, 16);
  }
}

/**
 * Columns [0, cols) of output rows m0..m0+validM: `a` is the packed panel, `base` the input at
 * column 0 (tap k of column n at base + offsets[k] + 4n), `out` the output at row 0, column 0.
 */
export function tileRowPackedA(a: usize, offsets: usize, base: usize, K: i32, out: usize, ldo: usize,
  validM: i32, cols: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  // A vector-exp activation runs once over each finished row (isVectorExp), not per tile.
  const tileAct = isVectorExp(act) ? ACT_NONE : act;
  const fullEnd = cols & ~(TILE_N - 1);
  for (let n = 0; n < fullEnd; n += TILE_N) {
    const at = <usize>n << 2;
    tile6x8PackedA(a, offsets, base + at, K, out + at, ldo, validM, bias, tileAct, p0, p1);
  }
  const rest = cols - fullEnd;
  if (rest > 0) {
    const at = <usize>fullEnd << 2;
    if (rest <= 4) {
      tile6x4PackedA(a, offsets, base + at, K, out + at, ldo, validM, rest, bias, tileAct, p0, p1);
    } else {
      tilePackedA(a, offsets, base + at, K, out + at, ldo, validM, rest, bias, tileAct, p0, p1);
    }
  }
  if (tileAct == act) return;
  tileEpilogue(out, ldo, validM, cols, 0, act, p0, p1);
}

/** One full-width 6×8 tile of a packed panel, accumulators starting at the bias. */
@noinline function tile6x8PackedA(a: usize, offsets: usize, base: usize, K: i32, out: usize, ldo: usize,
  validM: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  let c00 = biasSplat(bias, 0, validM), c01 = c00;
  let c10 = biasSplat(bias, 1, validM), c11 = c10;
  let c20 = biasSplat(bias, 2, validM), c21 = c20;
  let c30 = biasSplat(bias, 3, validM), c31 = c30;
  let c40 = biasSplat(bias, 4, validM), c41 = c40;
  let c50 = biasSplat(bias, 5, validM), c51 = c50;
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
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  if (clamp && act != ACT_NONE) {
    const lo = f32x4.splat(act == ACT_CLIP ? p0 : 0);
    const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
    c00 = clampOf(c00, act, lo, hi); c01 = clampOf(c01, act, lo, hi);
    c10 = clampOf(c10, act, lo, hi); c11 = clampOf(c11, act, lo, hi);
    c20 = clampOf(c20, act, lo, hi); c21 = clampOf(c21, act, lo, hi);
    c30 = clampOf(c30, act, lo, hi); c31 = clampOf(c31, act, lo, hi);
    c40 = clampOf(c40, act, lo, hi); c41 = clampOf(c41, act, lo, hi);
    c50 = clampOf(c50, act, lo, hi); c51 = clampOf(c51, act, lo, hi);
  }
  v128.store(out, c00);
  v128.store(out, c01, 16);
  storeRow8(out + ldo, validM, 1, c10, c11);
  storeRow8(out + ldo * 2, validM, 2, c20, c21);
  storeRow8(out + ldo * 3, validM, 3, c30, c31);
  storeRow8(out + ldo * 4, validM, 4, c40, c41);
  storeRow8(out + ldo * 5, validM, 5, c50, c51);
  if (!clamp) tileEpilogue(out, ldo, validM, TILE_N, 0, act, p0, p1);
}

/** One 6×4 tile (validN ≤ 4 columns) of a packed panel: a ragged row end at half a 6×8's cost. */
export function tile6x4PackedA(a: usize, offsets: usize, base: usize, K: i32, out: usize, ldo: usize,
  validM: i32, validN: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  let c5 = biasSplat(bias, 5, validM), c4 = biasSplat(bias, 4, validM), c3 = biasSplat(bias, 3, validM);
  let c2 = biasSplat(bias, 2, validM), c1 = biasSplat(bias, 1, validM), c0 = biasSplat(bias, 0, validM);
  const end = offsets + (<usize>K << 2);
  for (let tap = offsets; tap < end; tap += 4) {
    const b0 = v128.load(base + <usize>load<i32>(tap));
    c5 = madd4(v128.load32_splat(a, 20), b0, c5);
    c4 = madd4(v128.load32_splat(a, 16), b0, c4);
    c3 = madd4(v128.load32_splat(a, 12), b0, c3);
    c2 = madd4(v128.load32_splat(a, 8), b0, c2);
    c1 = madd4(v128.load32_splat(a, 4), b0, c1);
    c0 = madd4(v128.load32_splat(a, 0), b0, c0);
    a += 24;
  }
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  if (clamp && act != ACT_NONE) {
    const lo = f32x4.splat(act == ACT_CLIP ? p0 : 0);
    const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
    c0 = clampOf(c0, act, lo, hi); c1 = clampOf(c1, act, lo, hi); c2 = clampOf(c2, act, lo, hi);
    c3 = clampOf(c3, act, lo, hi); c4 = clampOf(c4, act, lo, hi); c5 = clampOf(c5, act, lo, hi);
  }
  storePartial(out, c0, validN);
  if (validM > 1) storePartial(out + ldo, c1, validN);
  if (validM > 2) storePartial(out + ldo * 2, c2, validN);
  if (validM > 3) storePartial(out + ldo * 3, c3, validN);
  if (validM > 4) storePartial(out + ldo * 4, c4, validN);
  if (validM > 5) storePartial(out + ldo * 5, c5, validN);
  if (!clamp) tileEpilogue(out, ldo, validM, validN, 0, act, p0, p1);
}
