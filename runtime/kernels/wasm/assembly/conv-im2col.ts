// Convolution as an explicit im2col + SGEMM: the im2col matrix B[k, n] (k = (c, ky, kx), n =
// (oy, ox)) is written into 8-column panels (panel j holds columns 8j..8j+7 as [k·8 + t]),
// then the 6×8 tile of tile.ts multiplies the packed weights by each panel. The columns are
// copied from the input as conv-direct.ts prepares it (padded, split into stride phases), so
// every tap of a run of output columns is a run of consecutive floats at a fixed tap offset.
// A lane packs and multiplies a block of panels at a time, while the block is still in cache.
import { TILE_M, TILE_N, tilePackedA } from './tile';

const PANEL_ROW_BYTES: usize = <usize>TILE_N * 4;

/** out[k] = k·strideBytes for k < K: the B offset table of a packed panel (stride 32). */
export function panelOffsets(K: i32, strideBytes: i32, out: usize): void {
  for (let k = 0; k < K; k++) store<i32>(out + (<usize>k << 2), k * strideBytes);
}

/**
 * Copies `len` (≤ 8) consecutive output columns of every tap into a panel: row k gets the floats
 * at base + taps[k]; dst is the first column's slot in row 0.
 */
function copyColumns(base: usize, taps: usize, K: i32, len: i32, dst: usize): void {
  const end = taps + (<usize>K << 2);
  if (len == TILE_N) {
    for (; taps < end; taps += 4) {
      const src = base + <usize>load<i32>(taps);
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      dst += PANEL_ROW_BYTES;
    }
    return;
  }
  const bytes = <usize>len << 2;
  for (; taps < end; taps += 4) {
    const src = base + <usize>load<i32>(taps);
    for (let t: usize = 0; t < bytes; t += 4) store<f32>(dst + t, load<f32>(src + t));
    dst += PANEL_ROW_BYTES;
  }
}

/**
 * Packs im2col columns [n0, n0 + 8) into the panel at `dst` (K·8 floats); columns at or past
 * N = rows·OW are zero. Output row oy starts at prepared + oy·sy·rowBytes; taps: the tap offset
 * table (convTapOffsets). A panel may span several output rows.
 */
export function im2colPanel(prepared: usize, rowBytes: i32, sy: i32, taps: usize, K: i32, OW: i32, N: i32, n0: i32, dst: usize): void {
  const nEnd = min(n0 + TILE_N, N);
  let filled = 0;
  for (let n = n0; n < nEnd;) {
    const oy = n / OW;
    const ox0 = n - oy * OW;
    const len = min(nEnd - n, OW - ox0);
    copyColumns(prepared + <usize>(oy * sy) * <usize>rowBytes + (<usize>ox0 << 2), taps, K, len, dst + (<usize>filled << 2));
    filled += len;
    n += len;
  }
  if (filled == TILE_N) return;
  for (let k = 0; k < K; k++) {
    const row = dst + <usize>k * PANEL_ROW_BYTES;
    for (let t = filled; t < TILE_N; t++) store<f32>(row + (<usize>t << 2), 0);
  }
}

/**
 * Lane work: packs panels [panelStart, panelEnd), `panelsPerBlock` at a time, and multiplies
 * them by the packed weights `a` (packA layout of [M, K]) into out [M, N]. Every block reuses
 * the slots of the lane's first panels in `panels` (panel slot s at s·K·32 bytes), so the
 * panels stay in cache and are never written back to memory; lanes have disjoint slots.
 * offsets: panelOffsets(K, 32).
 */
export function convIm2col(a: usize, offsets: usize, prepared: usize, rowBytes: i32, sy: i32, taps: usize, K: i32,
  OW: i32, N: i32, panels: usize, panelStart: i32, panelEnd: i32, panelsPerBlock: i32,
  out: usize, M: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const panelBytes = <usize>K * PANEL_ROW_BYTES;
  const ldo = <usize>N << 2;
  for (let j0 = panelStart; j0 < panelEnd; j0 += panelsPerBlock) {
    const j1 = min(j0 + panelsPerBlock, panelEnd);
    const block = panels + <usize>panelStart * panelBytes;
    for (let j = j0; j < j1; j++) {
      im2colPanel(prepared, rowBytes, sy, taps, K, OW, N, j * TILE_N, block + <usize>(j - j0) * panelBytes);
    }
    for (let m0 = 0; m0 < M; m0 += TILE_M) {
      const validM = min(TILE_M, M - m0);
      const aPanel = a + <usize>m0 * <usize>K * 4;
      const biasRow: usize = bias == 0 ? <usize>0 : bias + (<usize>m0 << 2);
      const outRow = out + <usize>m0 * ldo;
      for (let j = j0; j < j1; j++) {
        const n0 = j * TILE_N;
        tilePackedA(aPanel, offsets, block + <usize>(j - j0) * panelBytes, K, outRow + (<usize>n0 << 2), ldo,
          validM, min(TILE_N, N - n0), biasRow, act, p0, p1);
      }
    }
  }
}
