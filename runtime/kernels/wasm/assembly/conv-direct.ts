// Direct convolution as an implicit GEMM: output[oc, oy, ox..ox+8] accumulates
// W[oc, k] · input[tap k of (oy, ox..ox+8)] over k = (ic, ky, kx), with no im2col buffer.
// The input is first padded and, for strides > 1, split into column phases so that the 8
// positions of a tile read 8 consecutive floats for every tap. The offset table gives each
// tap's byte offset from the tile's base.
import { TILE_M, TILE_N, tileRawA } from './tile';
import { tileRowPackedA } from './tile-row';

/**
 * Pads input x[C, H, W] and splits columns into `sx` phases: out[c, r, p, j] = xpad[c, r, j·sx + p]
 * with xpad[c, r, q] = x[c, r − padTop, q − padLeft] or 0, for the PH rows and sx·phaseWidth
 * columns the convolution reads (input beyond them is never read and not copied). `out` holds
 * C·PH·sx·phaseWidth floats.
 */
export function convPrepareInput(x: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32,
  PH: i32, sx: i32, phaseWidth: i32, out: usize): void {
  const rowFloats = sx * phaseWidth;
  memory.fill(out, 0, <usize>C * <usize>PH * <usize>rowFloats * 4);
  const rows = min(H, PH - padTop);
  const cols = min(W, rowFloats - padLeft);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < rows; y++) {
      const src = x + ((<usize>c * <usize>H + <usize>y) * <usize>W << 2);
      const dstRow = out + ((<usize>c * <usize>PH + <usize>(y + padTop)) * <usize>rowFloats << 2);
      if (sx == 1) {
        memory.copy(dstRow + (<usize>padLeft << 2), src, <usize>cols << 2);
        continue;
      }
      // One pass per phase: strided reads, sequential writes, no division per element.
      for (let phase = 0; phase < sx; phase++) {
        // Input columns xcol = j·sx + phase − padLeft for j in [jStart, jEnd).
        const first = padLeft - phase;
        const last = cols - 1 + padLeft - phase;
        if (last < 0) continue;
        const jStart = first > 0 ? (first + sx - 1) / sx : 0;
        const jEnd = last / sx + 1;
        let from = src + (<usize>(jStart * sx + phase - padLeft) << 2);
        let to = dstRow + ((<usize>phase * <usize>phaseWidth + <usize>jStart) << 2);
        const step = <usize>sx << 2;
        for (let j = jStart; j < jEnd; j++) {
          store<f32>(to, load<f32>(from));
          from += step;
          to += 4;
        }
      }
    }
  }
}

/**
 * Fills the tap offset table (K = C·KH·KW entries, bytes) for a prepared input with rows of
 * `rowBytes` and planes of `planeBytes`.
 */
export function convTapOffsets(C: i32, KH: i32, KW: i32, dy: i32, dx: i32, sx: i32, phaseWidth: i32,
  rowBytes: i32, planeBytes: i32, out: usize): void {
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        const col = kx * dx;
        const offset = c * planeBytes + ky * dy * rowBytes + ((col % sx) * phaseWidth + col / sx) * 4;
        store<i32>(out, offset);
        out += 4;
      }
    }
  }
}

/**
 * Runs the implicit GEMM over output rows [rowStart, rowEnd) and columns [colStart, colEnd) of
 * every output channel (lanes split the work along rows, or along columns when there is one row).
 * a: weights, packed (packedA = 1) or raw [M, K]. prepared: input as convPrepareInput left it
 * (rows `rowBytes` apart, output row oy starts at prepared row oy·sy). out: [M, OH, OW].
 */
export function convDirect(a: usize, packed: i32, offsets: usize, K: i32, prepared: usize, rowBytes: i32, sy: i32,
  out: usize, M: i32, OH: i32, OW: i32, rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32,
  bias: usize, act: i32, p0: f32, p1: f32): void {
  const ldo = <usize>OH * <usize>OW << 2;
  // Short reductions (small K) reuse a block of input columns across all output channels while it
  // sits in L1; long ones reuse each weight panel across the whole row instead.
  const blockCols = K <= SHORT_K ? max(TILE_N, (L1_BLOCK_BYTES / (K * 4)) & ~(TILE_N - 1)) : colEnd - colStart;
  for (let oy = rowStart; oy < rowEnd; oy++) {
    const rowBase = prepared + <usize>(oy * sy) * <usize>rowBytes;
    for (let block = colStart; block < colEnd; block += blockCols) {
      const blockEnd = min(colEnd, block + blockCols);
      for (let m0 = 0; m0 < M; m0 += TILE_M) {
        const validM = min(TILE_M, M - m0);
        const biasRow: usize = bias == 0 ? <usize>0 : bias + (<usize>m0 << 2);
        const weights = a + <usize>m0 * <usize>K * 4;
        const outRow = out + <usize>m0 * ldo + ((<usize>oy * <usize>OW) << 2);
        if (packed) {
          tileRowPackedA(weights, offsets, rowBase + (<usize>block << 2), K, outRow + (<usize>block << 2), ldo,
            validM, blockEnd - block, biasRow, act, p0, p1);
          continue;
        }
        for (let ox = block; ox < blockEnd; ox += TILE_N) {
          const validN = min(TILE_N, blockEnd - ox);
          const base = rowBase + (<usize>ox << 2);
          const dst = outRow + (<usize>ox << 2);
          tileRawA(weights, <usize>K << 2, offsets, base, K, dst, ldo, validM, validN, biasRow, act, p0, p1);
        }
      }
    }
  }
}

const SHORT_K: i32 = 256;
const L1_BLOCK_BYTES: i32 = 16384;
