// Convolution as an explicit im2col + SGEMM: the im2col matrix B[k, n] (k = (c, ky, kx), n =
// (oy, ox)) is written straight into 8-column panels (panel j holds columns 8j..8j+7 as
// [k·8 + t]), then the 6×8 tile of tile.ts multiplies the packed weights by each panel. A lane
// packs and multiplies a block of panels at a time, so the block is still in cache for the GEMM.
import { TILE_M, TILE_N, tilePackedA } from './tile';

const PANEL_ROW_BYTES: usize = <usize>TILE_N * 4;

/** out[k] = k·strideBytes for k < K: the B offset table of a packed panel (stride 32). */
export function panelOffsets(K: i32, strideBytes: i32, out: usize): void {
  for (let k = 0; k < K; k++) store<i32>(out + (<usize>k << 2), k * strideBytes);
}

@inline function zeroColumns(dst: usize, count: i32): void {
  if (count == TILE_N) {
    v128.store(dst, i32x4.splat(0));
    v128.store(dst, i32x4.splat(0), 16);
    return;
  }
  for (let t = 0; t < count; t++) store<f32>(dst + (<usize>t << 2), 0);
}

/**
 * Writes `len` columns (output row oy, columns ox0..ox0+len) of every k into a panel at `dst`
 * (the first of those columns' slot in row k = 0). Taps outside the input read as zero.
 */
function im2colSegment(x: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  padTop: i32, padLeft: i32, oy: i32, ox0: i32, len: i32, dst: usize): void {
  const planeBytes = <usize>H * <usize>W << 2;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>c * planeBytes;
    for (let ky = 0; ky < KH; ky++) {
      const iy = oy * sy - padTop + ky * dy;
      const rowInside = iy >= 0 && iy < H;
      const rowIndex: i32 = rowInside ? iy : 0;
      const row = plane + (<usize>rowIndex * <usize>W << 2);
      for (let kx = 0; kx < KW; kx++) {
        const ix0 = ox0 * sx - padLeft + kx * dx;
        if (!rowInside) {
          zeroColumns(dst, len);
        } else if (sx == 1 && len == TILE_N && ix0 >= 0 && ix0 + TILE_N <= W) {
          const src = row + (<usize>ix0 << 2);
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        } else {
          for (let t = 0; t < len; t++) {
            const ix = ix0 + t * sx;
            store<f32>(dst + (<usize>t << 2), <u32>ix < <u32>W ? load<f32>(row + (<usize>ix << 2)) : 0);
          }
        }
        dst += PANEL_ROW_BYTES;
      }
    }
  }
}

/**
 * Packs im2col columns [n0, n0 + 8) of x[C, H, W] into the panel at `dst` (K·8 floats); columns
 * at or past N = OH·OW are zero. A panel may span several output rows.
 */
export function im2colPanel(x: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  padTop: i32, padLeft: i32, OW: i32, N: i32, n0: i32, dst: usize): void {
  const nEnd = min(n0 + TILE_N, N);
  let filled = 0;
  for (let n = n0; n < nEnd;) {
    const oy = n / OW;
    const ox0 = n - oy * OW;
    const len = min(nEnd - n, OW - ox0);
    im2colSegment(x, C, H, W, KH, KW, sy, sx, dy, dx, padTop, padLeft, oy, ox0, len, dst + (<usize>filled << 2));
    filled += len;
    n += len;
  }
  if (filled == TILE_N) return;
  const K = C * KH * KW;
  for (let k = 0; k < K; k++) zeroColumns(dst + <usize>k * PANEL_ROW_BYTES + (<usize>filled << 2), TILE_N - filled);
}

/**
 * Lane work: packs panels [panelStart, panelEnd) into `panels` (panel j at j·K·32 bytes) and
 * multiplies them by the packed weights `a` (packA layout of [M, K]), `panelsPerBlock` panels at
 * a time. out: [M, N] (= [M, OH, OW]). offsets: panelOffsets(K, 32).
 */
export function convIm2col(a: usize, offsets: usize, x: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32,
  sy: i32, sx: i32, dy: i32, dx: i32, padTop: i32, padLeft: i32, OW: i32, N: i32,
  panels: usize, panelStart: i32, panelEnd: i32, panelsPerBlock: i32,
  out: usize, M: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const K = C * KH * KW;
  const panelBytes = <usize>K * PANEL_ROW_BYTES;
  const ldo = <usize>N << 2;
  for (let j0 = panelStart; j0 < panelEnd; j0 += panelsPerBlock) {
    const j1 = min(j0 + panelsPerBlock, panelEnd);
    for (let j = j0; j < j1; j++) {
      im2colPanel(x, C, H, W, KH, KW, sy, sx, dy, dx, padTop, padLeft, OW, N, j * TILE_N, panels + <usize>j * panelBytes);
    }
    for (let m0 = 0; m0 < M; m0 += TILE_M) {
      const validM = min(TILE_M, M - m0);
      const aPanel = a + <usize>m0 * <usize>K * 4;
      const biasRow: usize = bias == 0 ? <usize>0 : bias + (<usize>m0 << 2);
      const outRow = out + <usize>m0 * ldo;
      for (let j = j0; j < j1; j++) {
        const n0 = j * TILE_N;
        tilePackedA(aPanel, offsets, panels + <usize>j * panelBytes, K, outRow + (<usize>n0 << 2), ldo,
          validM, min(TILE_N, N - n0), biasRow, act, p0, p1);
      }
    }
  }
}
