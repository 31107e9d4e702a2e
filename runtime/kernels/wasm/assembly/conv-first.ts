// Direct convolution for few input channels (a model's first layer, C = 3) into NC4HW4: a tile
// is 4 output pixels × 8 output channels. Per tap, one weight vector for each group of 4 channels
// (packed by `packFirstWeights`) and one broadcast input float per pixel feed 8 accumulators, each
// one pixel's 4 channels: an NC4HW4 cell, stored as it is. The input is read as conv-direct.ts
// prepares it (padded, split into stride phases: the 4 pixels of a tap are 4 consecutive floats),
// through its tap offset table.
//
// Why 4 pixels and not tile.ts's 6 rows × 8: with the broadcasts on the input side, TurboFan
// ordered a 6-pixel tile's FMAs so that all six broadcasts were live at once and spilled 5
// vectors an iteration (about 30 GFLOP/s); 8 accumulators, 2 weights and 4 broadcasts fit the 15
// registers in any order (about 55 GFLOP/s, as fast as im2col + SGEMM on these layers).
import { activateInPlace, clamp4, ACT_CLIP, ACT_NONE, ACT_RELU } from './activation';
import { madd4 } from './fma';

/**
 * Packs w[M, K] (K = C·KH·KW, row-major) into pairs of channel groups: out[p][k][8] holds
 * w[8p + j, k] for j < 8, zero for channels at or past M. `out` holds ⌈M/8⌉·K·8 floats.
 */
export function packFirstWeights(w: usize, M: i32, K: i32, out: usize): void {
  const pairs = (M + 7) >> 3;
  for (let p = 0; p < pairs; p++) {
    for (let j = 0; j < 8; j++) {
      const m = p * 8 + j;
      let dst = out + ((<usize>p * <usize>K << 3) + <usize>j << 2);
      let src = w + (<usize>m * <usize>K << 2);
      for (let k = 0; k < K; k++) {
        store<f32>(dst, m < M ? load<f32>(src) : 0);
        src += 4;
        dst += 32;
      }
    }
  }
}

/** The bias of channels [c0, c0 + 4) as a vector, zero past M (pad lanes: activation of 0). */
@inline function biasBlock(bias: usize, c0: i32, M: i32): v128 {
  let v = f32x4.splat(0);
  if (bias == 0) return v;
  const at = bias + (<usize>c0 << 2);
  if (c0 < M) v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (c0 + 1 < M) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (c0 + 2 < M) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  if (c0 + 3 < M) v = f32x4.replace_lane(v, 3, load<f32>(at, 12));
  return v;
}

@inline function storeCells(out: usize, pixels: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  v128.store(out, v0);
  if (pixels > 1) v128.store(out, v1, 16);
  if (pixels > 2) v128.store(out, v2, 32);
  if (pixels > 3) v128.store(out, v3, 48);
}

/**
 * One tile: channel groups c0/4 and c0/4 + 1 (weights `a`, [K][8]) of `pixels` (1–4) output
 * pixels whose taps read base + taps[k] + 4·i. Cells go to `out` (first group) and
 * `out + groupBytes` (second, stored only when `both`), with bias and the clamp-shaped
 * activations applied; other activations are left to the caller.
 */
function firstTile(a: usize, taps: usize, base: usize, K: i32, out: usize, groupBytes: usize, pixels: i32, both: bool,
  bias: usize, c0: i32, M: i32, act: i32, p0: f32, p1: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = taps + (<usize>K << 2);
  while (taps < end) {
    const w0 = v128.load(a);
    const w1 = v128.load(a, 16);
    const x = base + <usize>load<i32>(taps);
    // Pixels in reverse order, as tile.ts emits its rows.
    let s = v128.load32_splat(x, 12);
    c30 = madd4(s, w0, c30); c31 = madd4(s, w1, c31);
    s = v128.load32_splat(x, 8);
    c20 = madd4(s, w0, c20); c21 = madd4(s, w1, c21);
    s = v128.load32_splat(x, 4);
    c10 = madd4(s, w0, c10); c11 = madd4(s, w1, c11);
    s = v128.load32_splat(x, 0);
    c00 = madd4(s, w0, c00); c01 = madd4(s, w1, c01);
    a += 32;
    taps += 4;
  }
  // Bounds made after the loop: two more live vectors during it would spill.
  const lo = f32x4.splat(act == ACT_RELU ? 0 : act == ACT_CLIP ? p0 : -Infinity);
  const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
  let b = biasBlock(bias, c0, M);
  storeCells(out, pixels, clamp4(f32x4.add(c00, b), lo, hi), clamp4(f32x4.add(c10, b), lo, hi), clamp4(f32x4.add(c20, b), lo, hi),
    clamp4(f32x4.add(c30, b), lo, hi));
  if (!both) return;
  b = biasBlock(bias, c0 + 4, M);
  storeCells(out + groupBytes, pixels, clamp4(f32x4.add(c01, b), lo, hi), clamp4(f32x4.add(c11, b), lo, hi), clamp4(f32x4.add(c21, b), lo, hi),
    clamp4(f32x4.add(c31, b), lo, hi));
}

/**
 * One output row of every channel group as cells: `out` points at group 0's first cell, groups
 * are `groupBytes` apart. Activations other than the clamp-shaped ones run over the stored cells.
 */
function firstRow(a: usize, taps: usize, K: i32, base: usize, out: usize, groupBytes: usize, M: i32, OW: i32, bias: usize,
  act: i32, p0: f32, p1: f32): void {
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  const groups = (M + 3) >> 2;
  const pairBytes = <usize>K << 5;
  for (let g = 0; g < groups; g += 2) {
    const cells = out + <usize>g * groupBytes;
    const both = g + 1 < groups;
    for (let ox = 0; ox < OW; ox += 4) {
      firstTile(a, taps, base + (<usize>ox << 2), K, cells + (<usize>ox << 4), groupBytes, min(4, OW - ox), both,
        bias, g << 2, M, clamp ? act : ACT_NONE, p0, p1);
    }
    if (!clamp) {
      const stored = both ? 2 : 1;
      for (let j = 0; j < stored; j++) {
        const start = cells + <usize>j * groupBytes;
        activateInPlace(start, OW << 2, act, p0, p1);
      }
    }
    a += pairBytes;
  }
}

/**
 * Output rows [rowStart, rowEnd) of out[⌈M/4⌉][OH][OW][4], the convolution of a prepared input
 * (convPrepareInput: rows of `rowBytes`, output row oy at prepared + oy·sy·rowBytes; taps:
 * convTapOffsets) with packed weights `a` (packFirstWeights) and bias (0 for none), M output
 * channels.
 */
export function convFirst(a: usize, taps: usize, K: i32, prepared: usize, rowBytes: i32, sy: i32, out: usize,
  M: i32, OH: i32, OW: i32, rowStart: i32, rowEnd: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const outRowBytes = <usize>OW << 4;
  const outBlockBytes = <usize>OH * outRowBytes;
  for (let oy = rowStart; oy < rowEnd; oy++) {
    firstRow(a, taps, K, prepared + <usize>(oy * sy) * <usize>rowBytes, out + <usize>oy * outRowBytes, outBlockBytes,
      M, OW, bias, act, p0, p1);
  }
}
