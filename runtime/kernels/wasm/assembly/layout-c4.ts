// Layout conversions between NCHW and NC4HW4 ([⌈C/4⌉][P][4] per image, P = H·W), one image at a
// time, over a range of channel blocks and of pixels (so lanes can split either). Four channel
// planes become one block by 4×4 transposes of 4 pixels at a time; a ragged last block packs
// zeros into its pad lanes, and unpacking drops them.

/** Rows of the 4×4 matrix whose columns are v0…v3, by the two-stage shuffle. */
@inline function transposeRow(v0: v128, v1: v128, v2: v128, v3: v128, row: i32): v128 {
  const low = row < 2;
  const a = low ? f32x4.shuffle(v0, v1, 0, 4, 1, 5) : f32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const b = low ? f32x4.shuffle(v2, v3, 0, 4, 1, 5) : f32x4.shuffle(v2, v3, 2, 6, 3, 7);
  return (row & 1) == 0 ? f32x4.shuffle(a, b, 0, 1, 4, 5) : f32x4.shuffle(a, b, 2, 3, 6, 7);
}

/** Pixels [pStart, pEnd) of one block: 4 planes from q0 (`planeBytes` apart, only `valid` real) → cells at `dst`. */
@inline function packBlock(valid: i32, q0: usize, planeBytes: usize, dst: usize, pStart: i32, pEnd: i32): void {
  const q1 = q0 + planeBytes, q2 = q1 + planeBytes, q3 = q2 + planeBytes;
  const zero = f32x4.splat(0);
  let p = pStart;
  for (; p + 4 <= pEnd; p += 4) {
    const at = <usize>p << 2;
    const v0 = v128.load(q0 + at);
    const v1 = valid > 1 ? v128.load(q1 + at) : zero;
    const v2 = valid > 2 ? v128.load(q2 + at) : zero;
    const v3 = valid > 3 ? v128.load(q3 + at) : zero;
    const cell = dst + (<usize>p << 4);
    v128.store(cell, transposeRow(v0, v1, v2, v3, 0));
    v128.store(cell, transposeRow(v0, v1, v2, v3, 1), 16);
    v128.store(cell, transposeRow(v0, v1, v2, v3, 2), 32);
    v128.store(cell, transposeRow(v0, v1, v2, v3, 3), 48);
  }
  for (; p < pEnd; p++) {
    const at = <usize>p << 2;
    let v = v128.load32_zero(q0 + at);
    if (valid > 1) v = v128.load32_lane(q1 + at, v, 1);
    if (valid > 2) v = v128.load32_lane(q2 + at, v, 2);
    if (valid > 3) v = v128.load32_lane(q3 + at, v, 3);
    v128.store(dst + (<usize>p << 4), v);
  }
}

function packFullBlock(q0: usize, planeBytes: usize, dst: usize, pStart: i32, pEnd: i32): void {
  packBlock(4, q0, planeBytes, dst, pStart, pEnd);
}

function packRaggedBlock(valid: i32, q0: usize, planeBytes: usize, dst: usize, pStart: i32, pEnd: i32): void {
  packBlock(valid, q0, planeBytes, dst, pStart, pEnd);
}

/** NCHW x[C][P] → NC4HW4 out[⌈C/4⌉][P][4] for blocks [blockStart, blockEnd) and pixels [pStart, pEnd). */
export function toNC4HW4(x: usize, C: i32, P: i32, out: usize, blockStart: i32, blockEnd: i32, pStart: i32, pEnd: i32): void {
  const planeBytes = <usize>P << 2;
  for (let block = blockStart; block < blockEnd; block++) {
    const q0 = x + <usize>(block * 4) * planeBytes;
    const dst = out + <usize>block * (planeBytes << 2);
    const valid = min(4, C - block * 4);
    if (valid == 4) packFullBlock(q0, planeBytes, dst, pStart, pEnd);
    else packRaggedBlock(valid, q0, planeBytes, dst, pStart, pEnd);
  }
}

/** Pixels [pStart, pEnd) of one block: cells at `src` → the first `valid` of 4 planes from q0. */
@inline function unpackBlock(valid: i32, src: usize, q0: usize, planeBytes: usize, pStart: i32, pEnd: i32): void {
  const q1 = q0 + planeBytes, q2 = q1 + planeBytes, q3 = q2 + planeBytes;
  let p = pStart;
  for (; p + 4 <= pEnd; p += 4) {
    const cell = src + (<usize>p << 4);
    const v0 = v128.load(cell), v1 = v128.load(cell, 16), v2 = v128.load(cell, 32), v3 = v128.load(cell, 48);
    const at = <usize>p << 2;
    v128.store(q0 + at, transposeRow(v0, v1, v2, v3, 0));
    if (valid > 1) v128.store(q1 + at, transposeRow(v0, v1, v2, v3, 1));
    if (valid > 2) v128.store(q2 + at, transposeRow(v0, v1, v2, v3, 2));
    if (valid > 3) v128.store(q3 + at, transposeRow(v0, v1, v2, v3, 3));
  }
  for (; p < pEnd; p++) {
    const v = v128.load(src + (<usize>p << 4));
    const at = <usize>p << 2;
    v128.store32_lane(q0 + at, v, 0);
    if (valid > 1) v128.store32_lane(q1 + at, v, 1);
    if (valid > 2) v128.store32_lane(q2 + at, v, 2);
    if (valid > 3) v128.store32_lane(q3 + at, v, 3);
  }
}

function unpackFullBlock(src: usize, q0: usize, planeBytes: usize, pStart: i32, pEnd: i32): void {
  unpackBlock(4, src, q0, planeBytes, pStart, pEnd);
}

function unpackRaggedBlock(valid: i32, src: usize, q0: usize, planeBytes: usize, pStart: i32, pEnd: i32): void {
  unpackBlock(valid, src, q0, planeBytes, pStart, pEnd);
}

/** NC4HW4 x[⌈C/4⌉][P][4] → NCHW out[C][P] for blocks [blockStart, blockEnd) and pixels [pStart, pEnd). */
export function toNCHW(x: usize, C: i32, P: i32, out: usize, blockStart: i32, blockEnd: i32, pStart: i32, pEnd: i32): void {
  const planeBytes = <usize>P << 2;
  for (let block = blockStart; block < blockEnd; block++) {
    const src = x + <usize>block * (planeBytes << 2);
    const q0 = out + <usize>(block * 4) * planeBytes;
    const valid = min(4, C - block * 4);
    if (valid == 4) unpackFullBlock(src, q0, planeBytes, pStart, pEnd);
    else unpackRaggedBlock(valid, src, q0, planeBytes, pStart, pEnd);
  }
}
