// Depthwise 3×3 convolution with four channels in a vector. The per-channel row kernels of
// conv-depthwise.ts spend more on short rows, ring copies and one long FMA chain per step than on
// arithmetic, most of all on small planes (MobileNetV2's 14² and 7² stages). Per group of 4
// channels and band of output rows: the 4 input planes' rows are transposed into a zero-padded
// buffer [rows][PW][4 channels], each output is 9 FMAs on whole vectors at stride 1 or 2 (outputs
// are independent, so the core overlaps their chains) into [rows·OW][4 channels], and a transpose
// writes the 4 output planes back.
//
// On NC4HW4 values (depthwise3x3nc4hw4) the input's blocks [H][W][4] already are that buffer's
// order: input rows are copied whole into the padded band, the same core accumulates straight
// into the output block's rows, and the activation runs over them while they are in L1. No
// transposes in or out.
import { activate4, clamp4, isVectorExp, ACT_CLIP, ACT_NONE, ACT_RELU } from './activation';
import { activateCopy } from './elementwise';
import { madd4 } from './fma';

/** The 4 floats at byte `offset` of 4 channels' filters or biases, as one vector. */
@inline function gather4(a0: usize, a1: usize, a2: usize, a3: usize, offset: usize): v128 {
  let v = f32x4.splat(load<f32>(a0 + offset));
  v = f32x4.replace_lane(v, 1, load<f32>(a1 + offset));
  v = f32x4.replace_lane(v, 2, load<f32>(a2 + offset));
  return f32x4.replace_lane(v, 3, load<f32>(a3 + offset));
}

/**
 * Rows [0, rows) and columns [0, cols) of 4 planes (`p0`…`p3`, `W` floats a row) into the
 * interleaved buffer from `dst` (row pitch `pitch` bytes): 4×4 transposes, the last one moved back
 * to end at `cols` (rewriting interior cells only, so the padding stays zero).
 */
function interleave4(p0: usize, p1: usize, p2: usize, p3: usize, W: i32, rows: i32, cols: i32, dst: usize, pitch: usize): void {
  const rowBytes = <usize>W << 2;
  for (let y = 0; y < rows; y++) {
    const from = <usize>y * rowBytes;
    const to = dst + <usize>y * pitch;
    if (cols < 4) {
      for (let x = 0; x < cols; x++) {
        const at = from + (<usize>x << 2);
        v128.store(to + (<usize>x << 4), gather4(p0, p1, p2, p3, at));
      }
      continue;
    }
    let x = 0;
    while (true) {
      x = min(x, cols - 4);
      const at = from + (<usize>x << 2);
      const v0 = v128.load(p0 + at), v1 = v128.load(p1 + at), v2 = v128.load(p2 + at), v3 = v128.load(p3 + at);
      const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
      const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
      const cell = to + (<usize>x << 4);
      v128.store(cell, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(cell, f32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
      v128.store(cell, f32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
      v128.store(cell, f32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
      if (x == cols - 4) break;
      x += 4;
    }
  }
}

/**
 * The interleaved outputs [n][4], clamped to [lo, hi], back into the first `valid` of 4 planes
 * from `q0` (`planeBytes` apart).
 */
function deinterleave4(src: usize, n: i32, q0: usize, planeBytes: usize, valid: i32, lo: v128, hi: v128): void {
  const q1 = q0 + planeBytes, q2 = q1 + planeBytes, q3 = q2 + planeBytes;
  if (n < 4) {
    for (let i = 0; i < n; i++) {
      const v = clamp4(v128.load(src + (<usize>i << 4)), lo, hi);
      const at = <usize>i << 2;
      store<f32>(q0 + at, f32x4.extract_lane(v, 0));
      if (valid > 1) store<f32>(q1 + at, f32x4.extract_lane(v, 1));
      if (valid > 2) store<f32>(q2 + at, f32x4.extract_lane(v, 2));
      if (valid > 3) store<f32>(q3 + at, f32x4.extract_lane(v, 3));
    }
    return;
  }
  let i = 0;
  while (true) {
    i = min(i, n - 4);
    const cell = src + (<usize>i << 4);
    const v0 = clamp4(v128.load(cell), lo, hi), v1 = clamp4(v128.load(cell, 16), lo, hi);
    const v2 = clamp4(v128.load(cell, 32), lo, hi), v3 = clamp4(v128.load(cell, 48), lo, hi);
    const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
    const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
    const at = <usize>i << 2;
    v128.store(q0 + at, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
    if (valid > 1) v128.store(q1 + at, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
    if (valid > 2) v128.store(q2 + at, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
    if (valid > 3) v128.store(q3 + at, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
    if (i == n - 4) break;
    i += 4;
  }
}

/**
 * One filter row's 3 taps (`wa`, `wb`, `wc`) over the outputs [OH][OW] of one group, added to
 * what `out` holds (or to the bias `b` on the first row). Three passes of 3 taps keep every
 * operand in registers (one pass of 9 made TurboFan spill), and a step computes 4 neighbouring
 * outputs at stride 1 (6 input loads for 12 FMAs), 2 at stride 2 (5 for 6).
 */
@inline function convolveRow4(s2: bool, padded: usize, pitch: usize, wa: v128, wb: v128, wc: v128, first: bool, b: v128,
  OH: i32, OW: i32, sy: i32, out: usize): void {
  const rowStep = <usize>sy * pitch;
  const step = s2 ? 2 : 4;
  const stepOutputs = OW - OW % step;
  let dst = out;
  for (let oy = 0; oy < OH; oy++) {
    let r = padded + <usize>oy * rowStep;
    for (let ox = 0; ox < stepOutputs; ox += step) {
      const x0 = v128.load(r), x1 = v128.load(r, 16), x2 = v128.load(r, 32), x3 = v128.load(r, 48), x4 = v128.load(r, 64);
      if (s2) {
        let a0 = madd4(x0, wa, first ? b : v128.load(dst));
        let a1 = madd4(x2, wa, first ? b : v128.load(dst, 16));
        a0 = madd4(x1, wb, a0);
        a1 = madd4(x3, wb, a1);
        v128.store(dst, madd4(x2, wc, a0));
        v128.store(dst, madd4(x4, wc, a1), 16);
        dst += 32;
        r += 64;
      } else {
        const x5 = v128.load(r, 80);
        let a0 = madd4(x0, wa, first ? b : v128.load(dst));
        let a1 = madd4(x1, wa, first ? b : v128.load(dst, 16));
        let a2 = madd4(x2, wa, first ? b : v128.load(dst, 32));
        let a3 = madd4(x3, wa, first ? b : v128.load(dst, 48));
        a0 = madd4(x1, wb, a0);
        a1 = madd4(x2, wb, a1);
        a2 = madd4(x3, wb, a2);
        a3 = madd4(x4, wb, a3);
        v128.store(dst, madd4(x2, wc, a0));
        v128.store(dst, madd4(x3, wc, a1), 16);
        v128.store(dst, madd4(x4, wc, a2), 32);
        v128.store(dst, madd4(x5, wc, a3), 48);
        dst += 64;
        r += 64;
      }
    }
    for (let ox = stepOutputs; ox < OW; ox++) {
      let acc = madd4(v128.load(r), wa, first ? b : v128.load(dst));
      acc = madd4(v128.load(r, 16), wb, acc);
      v128.store(dst, madd4(v128.load(r, 32), wc, acc));
      dst += 16;
      r += s2 ? 32 : 16;
    }
  }
}

function convolveRow4s1(padded: usize, pitch: usize, wa: v128, wb: v128, wc: v128, first: bool, b: v128,
  OH: i32, OW: i32, sy: i32, out: usize): void {
  convolveRow4(false, padded, pitch, wa, wb, wc, first, b, OH, OW, sy, out);
}

function convolveRow4s2(padded: usize, pitch: usize, wa: v128, wb: v128, wc: v128, first: bool, b: v128,
  OH: i32, OW: i32, sy: i32, out: usize): void {
  convolveRow4(true, padded, pitch, wa, wb, wc, first, b, OH, OW, sy, out);
}

/**
 * Channels [cStart, cEnd) of x[C, H, W] (cStart a multiple of 4) with 3×3 filters w[C, 3, 3] and
 * bias (0 for none) at strides sy, sx into out[C, OH, OW], in bands of `bandRows` output rows (so
 * that a large plane's buffers stay small). The padded buffer holds a band's (bandRows − 1)·sy + 3
 * rows of PW = (OW − 1)·sx + 3 cells of 16 bytes; `scratch` (the lane's own) holds it, then
 * bandRows·OW cells of outputs, then 9 tap vectors, each part 64-byte aligned.
 */
export function depthwise3x3c4(x: usize, w: usize, bias: usize, out: usize, cStart: i32, cEnd: i32, H: i32, W: i32,
  OH: i32, OW: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, bandRows: i32, PW: i32, scratch: usize,
  act: i32, p0: f32, p1: f32): void {
  const pitch = <usize>PW << 4;
  const paddedBytes = (<usize>((bandRows - 1) * sy + 3) * pitch + 63) & ~<usize>63;
  const outputs = scratch + paddedBytes;
  const taps = outputs + ((<usize>(bandRows * OW) << 4) + 63 & ~<usize>63);
  memory.fill(scratch, 0, paddedBytes);
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  const lo = f32x4.splat(act == ACT_RELU ? 0 : act == ACT_CLIP ? p0 : -Infinity);
  const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
  const unbounded = f32x4.splat(Infinity);
  const inPlane = <usize>H * <usize>W << 2;
  const inRowBytes = <usize>W << 2;
  const outPlane = <usize>OH * <usize>OW << 2;
  const cols = min(W, PW - padLeft);
  const last = cEnd - 1;
  for (let c0 = cStart; c0 < cEnd; c0 += 4) {
    // Channels past cEnd re-read the last one; their results are not stored.
    const c1 = min(c0 + 1, last), c2 = min(c0 + 2, last), c3 = min(c0 + 3, last);
    const f0 = w + <usize>c0 * 36, f1 = w + <usize>c1 * 36, f2 = w + <usize>c2 * 36, f3 = w + <usize>c3 * 36;
    for (let k: usize = 0; k < 9; k++) v128.store(taps + (k << 4), gather4(f0, f1, f2, f3, k << 2));
    const b = bias == 0 ? f32x4.splat(0)
      : gather4(bias + (<usize>c0 << 2), bias + (<usize>c1 << 2), bias + (<usize>c2 << 2), bias + (<usize>c3 << 2), 0);
    const x0 = x + <usize>c0 * inPlane, x1 = x + <usize>c1 * inPlane, x2 = x + <usize>c2 * inPlane, x3 = x + <usize>c3 * inPlane;
    for (let oy0 = 0; oy0 < OH; oy0 += bandRows) {
      const bandOH = min(bandRows, OH - oy0);
      // Buffer row j is padded row oy0·sy + j, input row oy0·sy + j − padTop; rows outside the
      // input are zero: as filled above with one band, rewritten with several (an earlier band
      // may have left input there).
      const bandIn = (bandOH - 1) * sy + 3;
      const first = oy0 * sy - padTop;
      const yStart = max(0, first), yEnd = min(H, first + bandIn);
      if (bandRows < OH) {
        for (let j = 0; j < bandIn; j++) {
          const y = first + j;
          if (y < 0 || y >= H) memory.fill(scratch + <usize>j * pitch, 0, pitch);
        }
      }
      if (yEnd > yStart && cols > 0) {
        const at = <usize>yStart * inRowBytes;
        interleave4(x0 + at, x1 + at, x2 + at, x3 + at, W, yEnd - yStart, cols,
          scratch + <usize>(yStart - first) * pitch + (<usize>padLeft << 4), pitch);
      }
      for (let ky: usize = 0; ky < 3; ky++) {
        const row = taps + ky * 48;
        const wa = v128.load(row), wb = v128.load(row, 16), wc = v128.load(row, 32);
        if (sx == 1) convolveRow4s1(scratch + ky * pitch, pitch, wa, wb, wc, ky == 0, b, bandOH, OW, sy, outputs);
        else convolveRow4s2(scratch + ky * pitch, pitch, wa, wb, wc, ky == 0, b, bandOH, OW, sy, outputs);
      }
      const n = bandOH * OW;
      if (!clamp) {
        const end = outputs + (<usize>n << 4);
        if (isVectorExp(act)) activateCopy(outputs, outputs, n << 2, act, p0, p1);
        else for (let cell = outputs; cell < end; cell += 16) v128.store(cell, activate4(v128.load(cell), act, p0, p1));
      }
      deinterleave4(outputs, n, out + <usize>c0 * outPlane + (<usize>(oy0 * OW) << 2), outPlane, min(4, cEnd - c0),
        clamp ? lo : f32x4.neg(unbounded), clamp ? hi : unbounded);
    }
  }
}

/**
 * The float at byte `offset` of `valid` (1–4) consecutive channels' filters or biases (`stride`
 * bytes apart) as one vector, zero in the lanes past `valid`: pad lanes get zero weights and
 * zero bias, so whatever finite values the input's pad lanes hold never reach a real channel.
 */
@inline function gatherBlock(base: usize, stride: usize, valid: i32, offset: usize): v128 {
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(base + offset));
  if (valid > 1) v = f32x4.replace_lane(v, 1, load<f32>(base + stride + offset));
  if (valid > 2) v = f32x4.replace_lane(v, 2, load<f32>(base + stride * 2 + offset));
  if (valid > 3) v = f32x4.replace_lane(v, 3, load<f32>(base + stride * 3 + offset));
  return v;
}

/**
 * Blocks [blockStart, blockEnd) of x[⌈C/4⌉][H][W][4] with 3×3 filters w[C, 3, 3] and bias (0 for
 * none) at strides sy, sx into out[⌈C/4⌉][OH][OW][4], in bands of `bandRows` output rows.
 * `scratch` (the lane's own) holds the padded band, (bandRows − 1)·sy + 3 rows of PW =
 * (OW − 1)·sx + 3 cells of 16 bytes, then 9 tap vectors, each part 64-byte aligned.
 */
export function depthwise3x3nc4hw4(x: usize, w: usize, bias: usize, out: usize, C: i32, blockStart: i32, blockEnd: i32,
  H: i32, W: i32, OH: i32, OW: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, bandRows: i32, PW: i32, scratch: usize,
  act: i32, p0: f32, p1: f32): void {
  const pitch = <usize>PW << 4;
  const paddedBytes = (<usize>((bandRows - 1) * sy + 3) * pitch + 63) & ~<usize>63;
  const taps = scratch + paddedBytes;
  memory.fill(scratch, 0, paddedBytes);
  const clamp = act == ACT_NONE || act == ACT_RELU || act == ACT_CLIP;
  const lo = f32x4.splat(act == ACT_RELU ? 0 : act == ACT_CLIP ? p0 : -Infinity);
  const hi = f32x4.splat(act == ACT_CLIP ? p1 : Infinity);
  const inRowBytes = <usize>W << 4;
  const inBlock = <usize>H * inRowBytes;
  const outRowBytes = <usize>OW << 4;
  const outBlock = <usize>OH * outRowBytes;
  const cols = min(W, PW - padLeft);
  for (let block = blockStart; block < blockEnd; block++) {
    const c0 = block << 2;
    const valid = min(4, C - c0);
    const filters = w + <usize>c0 * 36;
    for (let k: usize = 0; k < 9; k++) v128.store(taps + (k << 4), gatherBlock(filters, 36, valid, k << 2));
    const b = bias == 0 ? f32x4.splat(0) : gatherBlock(bias + (<usize>c0 << 2), 4, valid, 0);
    const xb = x + <usize>block * inBlock;
    const ob = out + <usize>block * outBlock;
    for (let oy0 = 0; oy0 < OH; oy0 += bandRows) {
      const bandOH = min(bandRows, OH - oy0);
      // Buffer row j is padded row oy0·sy + j, input row oy0·sy + j − padTop; rows outside the
      // input are zero: as filled above with one band, rewritten with several.
      const bandIn = (bandOH - 1) * sy + 3;
      const first = oy0 * sy - padTop;
      if (bandRows < OH) {
        for (let j = 0; j < bandIn; j++) {
          const y = first + j;
          if (y < 0 || y >= H) memory.fill(scratch + <usize>j * pitch, 0, pitch);
        }
      }
      if (cols > 0) {
        const yStart = max(0, first), yEnd = min(H, first + bandIn);
        const cell = scratch + (<usize>padLeft << 4);
        for (let y = yStart; y < yEnd; y++) {
          memory.copy(cell + <usize>(y - first) * pitch, xb + <usize>y * inRowBytes, <usize>cols << 4);
        }
      }
      const outputs = ob + <usize>oy0 * outRowBytes;
      for (let ky: usize = 0; ky < 3; ky++) {
        const row = taps + ky * 48;
        const wa = v128.load(row), wb = v128.load(row, 16), wc = v128.load(row, 32);
        if (sx == 1) convolveRow4s1(scratch + ky * pitch, pitch, wa, wb, wc, ky == 0, b, bandOH, OW, sy, outputs);
        else convolveRow4s2(scratch + ky * pitch, pitch, wa, wb, wc, ky == 0, b, bandOH, OW, sy, outputs);
      }
      const end = outputs + <usize>bandOH * outRowBytes;
      if (clamp) {
        if (act != ACT_NONE) for (let cell = outputs; cell < end; cell += 16) v128.store(cell, clamp4(v128.load(cell), lo, hi));
      } else if (isVectorExp(act)) {
        activateCopy(outputs, outputs, <i32>((end - outputs) >> 2), act, p0, p1);
      } else {
        for (let cell = outputs; cell < end; cell += 16) v128.store(cell, activate4(v128.load(cell), act, p0, p1));
      }
    }
  }
}
