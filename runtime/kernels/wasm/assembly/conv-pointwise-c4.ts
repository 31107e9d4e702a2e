// 1×1 convolution (stride 1, no padding) on NC4HW4 activations:
// out[co >> 2][p][co & 3] = bias[co] + Σ_ci W[co, ci] · x[ci >> 2][p][ci & 3].
// The 4 output channels of one pixel are one vector, so a tile of 4 pixels × 8 output channels
// (two output blocks) holds 8 accumulators; per input channel it broadcasts the 4 pixels' lane of
// that channel and loads the 8 channels' weights as two vectors (packed [⌈M/8⌉][C][8], zero past
// M). Its stores need no transpose. Why 4 pixels and not tile.ts's 6: whatever the source order,
// TurboFan emitted all six broadcasts and one weight vector's FMAs first, keeping the six
// broadcasts live (12 + 6 + 2 registers) and spilling at ~30 GFLOP/s; 8 + 4 + 2 fits the 15
// registers in any order (50–59 GFLOP/s on MobileNetV2's pointwise shapes, 0.92–1.10× the time
// of wasm.Conv.direct-packed). Broadcast addresses are a pointer plus a constant, channels walked
// 4 at a time one block plane after another; unrolling those 4 spilled again (~36), and one flat
// channel loop stepping the pointer by a select was no faster.
import { activateInPlace, clamp4, ACT_CLIP, ACT_NONE, ACT_RELU } from './activation';
import { madd4 } from './fma';

const PIXELS: i32 = 4;
/** Input bytes a block of pixels may span, so that it stays in L2 while every weight panel passes over it. */
const INPUT_BLOCK_BYTES: i32 = 131072;

/**
 * Packs W[M, C] (the raw [M, C, 1, 1] filter) into panels of 8 output channels: panel j holds
 * W[8j + i, k] at [k·8 + i], rows past M zero. `out` holds ⌈M/8⌉·8·C floats.
 */
export function packPointwiseC4(w: usize, M: i32, C: i32, out: usize): void {
  const panelBytes = <usize>C << 5;
  for (let m0 = 0; m0 < M; m0 += 8) {
    for (let i = 0; i < 8; i++) {
      const row = m0 + i;
      let dst = out + (<usize>i << 2);
      const end = dst + panelBytes;
      if (row >= M) {
        for (; dst < end; dst += 32) store<f32>(dst, 0);
        continue;
      }
      let src = w + (<usize>row * <usize>C << 2);
      for (; dst < end; dst += 32) {
        store<f32>(dst, load<f32>(src));
        src += 4;
      }
    }
    out += panelBytes;
  }
}

/** The bias (0: none) padded with zeros to ⌈M/8⌉·8 floats at `out`, so a tile loads its 8 channels' bias as two vectors. */
export function padPointwiseBias(bias: usize, M: i32, out: usize): void {
  const padded = (M + 7) & ~7;
  for (let co = 0; co < padded; co++) {
    store<f32>(out + (<usize>co << 2), bias != 0 && co < M ? load<f32>(bias + (<usize>co << 2)) : 0);
  }
}

@inline function clampOf(v: v128, act: i32, lo: v128, hi: v128): v128 {
  if (act == ACT_RELU) return f32x4.pmax(v, lo);
  if (act == ACT_CLIP) return clamp4(v, lo, hi);
  return v;
}

@inline function storeIf(at: usize, v: v128, valid: bool): void {
  if (valid) v128.store(at, v);
}

/**
 * One tile: `base` is the input at the tile's first pixel, `out0` the output there in the pair's
 * first block, `outPlaneBytes` the distance to its second block (stored when `blocks` is 2).
 * A ragged tile (`validP` < 4 pixels) re-reads its last pixel for the missing ones and stores
 * only the valid ones; a full tile's pixel offsets are constants. `inPlaneBytes` is the distance
 * between input block planes.
 */
@inline function tile(ragged: bool, w: usize, inPlaneBytes: usize, C: i32, base: usize, out0: usize, outPlaneBytes: usize,
  blocks: i32, validP: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const o1: usize = ragged ? <usize>min(1, validP - 1) << 4 : 16;
  const o2: usize = ragged ? <usize>min(2, validP - 1) << 4 : 32;
  const o3: usize = ragged ? <usize>min(3, validP - 1) << 4 : 48;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let block = 0; block < C; block += 4) {
    const blockEnd = base + (<usize>min(4, C - block) << 2);
    for (let b = base; b < blockEnd; b += 4) {
      const w0 = v128.load(w);
      const w1 = v128.load(w, 16);
      let xv = ragged ? v128.load32_splat(b + o3) : v128.load32_splat(b, 48);
      c30 = madd4(xv, w0, c30); c31 = madd4(xv, w1, c31);
      xv = ragged ? v128.load32_splat(b + o2) : v128.load32_splat(b, 32);
      c20 = madd4(xv, w0, c20); c21 = madd4(xv, w1, c21);
      xv = ragged ? v128.load32_splat(b + o1) : v128.load32_splat(b, 16);
      c10 = madd4(xv, w0, c10); c11 = madd4(xv, w1, c11);
      xv = v128.load32_splat(b);
      c00 = madd4(xv, w0, c00); c01 = madd4(xv, w1, c01);
      w += 32;
    }
    base += inPlaneBytes;
  }
  const b0 = v128.load(bias), b1 = v128.load(bias, 16);
  c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1);
  c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
  c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1);
  c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  if (clamp && act != ACT_NONE) {
    const lo = f32x4.splat(act == ACT_CLIP ? p0 : 0);
    const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
    c00 = clampOf(c00, act, lo, hi); c01 = clampOf(c01, act, lo, hi);
    c10 = clampOf(c10, act, lo, hi); c11 = clampOf(c11, act, lo, hi);
    c20 = clampOf(c20, act, lo, hi); c21 = clampOf(c21, act, lo, hi);
    c30 = clampOf(c30, act, lo, hi); c31 = clampOf(c31, act, lo, hi);
  }
  v128.store(out0, c00);
  storeIf(out0 + 16, c10, !ragged || validP > 1);
  storeIf(out0 + 32, c20, !ragged || validP > 2);
  storeIf(out0 + 48, c30, !ragged);
  const out1 = out0 + outPlaneBytes;
  if (blocks > 1) {
    v128.store(out1, c01);
    storeIf(out1 + 16, c11, !ragged || validP > 1);
    storeIf(out1 + 32, c21, !ragged || validP > 2);
    storeIf(out1 + 48, c31, !ragged);
  }
  if (!clamp) {
    const floats = (ragged ? validP : PIXELS) << 2;
    activateInPlace(out0, floats, act, p0, p1);
    if (blocks > 1) activateInPlace(out1, floats, act, p0, p1);
  }
}

@noinline function tileFull(w: usize, inPlaneBytes: usize, C: i32, base: usize, out0: usize, outPlaneBytes: usize,
  blocks: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  tile(false, w, inPlaneBytes, C, base, out0, outPlaneBytes, blocks, PIXELS, bias, act, p0, p1);
}

@noinline function tileRagged(w: usize, inPlaneBytes: usize, C: i32, base: usize, out0: usize, outPlaneBytes: usize,
  blocks: i32, validP: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  tile(true, w, inPlaneBytes, C, base, out0, outPlaneBytes, blocks, validP, bias, act, p0, p1);
}

/**
 * Pixels [pixelStart, pixelEnd) of output block pairs [pairStart, pairEnd) of one image: `x` its
 * input [⌈C/4⌉][P][4] (block planes `inPlaneBytes` = P·16 apart), `out` its output
 * [blocks][P][4] (blocks = ⌈M/4⌉, `outPlaneBytes` apart), `w` the packed weights, `biasPadded` as
 * padPointwiseBias left it. Pixels go in blocks that stay in L2 while every panel passes.
 */
export function convPointwiseC4(w: usize, inPlaneBytes: usize, C: i32, x: usize, out: usize, outPlaneBytes: usize, blocks: i32,
  pairStart: i32, pairEnd: i32, pixelStart: i32, pixelEnd: i32, biasPadded: usize, act: i32, p0: f32, p1: f32): void {
  const pixelBytes = ((C + 3) >> 2) << 4;
  const blockPixels = max(PIXELS, INPUT_BLOCK_BYTES / pixelBytes / PIXELS * PIXELS);
  const panelBytes = <usize>C << 5;
  for (let first = pixelStart; first < pixelEnd; first += blockPixels) {
    const last = min(pixelEnd, first + blockPixels);
    for (let pair = pairStart; pair < pairEnd; pair++) {
      const panel = w + <usize>pair * panelBytes;
      const bias = biasPadded + (<usize>pair << 5);
      const pairBlocks = min(2, blocks - pair * 2);
      const outPair = out + <usize>(pair * 2) * outPlaneBytes;
      let p = first;
      for (; p + PIXELS <= last; p += PIXELS) {
        const at = <usize>p << 4;
        tileFull(panel, inPlaneBytes, C, x + at, outPair + at, outPlaneBytes, pairBlocks, bias, act, p0, p1);
      }
      if (p < last) {
        const at = <usize>p << 4;
        tileRagged(panel, inPlaneBytes, C, x + at, outPair + at, outPlaneBytes, pairBlocks, last - p, bias, act, p0, p1);
      }
    }
  }
}
