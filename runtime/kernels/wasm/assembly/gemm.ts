// Matrix products for Gemm and MatMul: Y[M, N] = A'[M, K] · B'[K, N], then an epilogue
// Y = act(alpha·Y + beta·C). Three ways to read B:
// - raw rows (B' = Bᵀ, B stored [N, K]): each output is a dot product over a contiguous row;
// - raw columns (B stored [K, N]): SIMD over 16 output columns, B rows N floats apart;
// - packed panels (the weight transform): 16 columns interleaved over K, read as one stream;
//   with several rows of A a 6×8 register tile (tile.ts's scheme) runs over the panels.
// The hot block of each path is its own small function, called once per block: V8 compiles
// lazily, tiers small functions up quickly, and swaps them in while a long first call runs.
// A is addressed with a row and a column stride (bytes), so transA needs no copy, except for the
// dot-product path, which wants A's rows contiguous.
import { activateCopy } from './elementwise';
import { storePartial, TILE_M, TILE_N } from './tile';
import { madd4 } from './fma';

/** Columns per packed panel of B. */
const PANEL_N: i32 = 16;

/**
 * Four rows of Bᵀ at once: 4×4 blocks of B [N, K] (rows n..n+3 at `rows`, `ldb` bytes apart,
 * columns k..k+3) transposed into panel rows k..k+3 (64 bytes apart) at `out`.
 */
@inline function transpose4x4(rows: usize, ldb: usize, out: usize): void {
  const v0 = v128.load(rows);
  const v1 = v128.load(rows + ldb);
  const v2 = v128.load(rows + ldb * 2);
  const v3 = v128.load(rows + ldb * 3);
  const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(out, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(out, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 64);
  v128.store(out, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 128);
  v128.store(out, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 192);
}

/** One panel of B' = B'[k, n0 + j], j < 16, from B [K, N] or (transB) B [N, K]; columns past N zero. */
function packPanel(b: usize, K: i32, N: i32, transB: i32, n0: i32, out: usize): void {
  const width = min(PANEL_N, N - n0);
  let k = 0;
  if (width == PANEL_N) {
    if (transB) {
      // Bᵀ's panel rows are columns of B: transpose 4×4 blocks, reading 16 rows of B in step.
      const ldb = <usize>K << 2;
      const rows = b + <usize>n0 * ldb;
      for (; k + 4 <= K; k += 4) {
        const at = rows + (<usize>k << 2);
        const dst = out + (<usize>k << 6);
        transpose4x4(at, ldb, dst);
        transpose4x4(at + ldb * 4, ldb, dst + 16);
        transpose4x4(at + ldb * 8, ldb, dst + 32);
        transpose4x4(at + ldb * 12, ldb, dst + 48);
      }
    } else {
      for (; k < K; k++) {
        const src = b + ((<usize>k * <usize>N + <usize>n0) << 2);
        const dst = out + (<usize>k << 6);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        v128.store(dst, v128.load(src, 32), 32);
        v128.store(dst, v128.load(src, 48), 48);
      }
    }
  }
  for (; k < K; k++) {
    for (let j = 0; j < PANEL_N; j++) {
      const n = n0 + j;
      const at = transB ? <usize>n * <usize>K + <usize>k : <usize>k * <usize>N + <usize>n;
      store<f32>(out + ((<usize>k << 6) + (<usize>j << 2)), j < width ? load<f32>(b + (at << 2)) : 0);
    }
  }
}

/**
 * The weight transform: packs B' (B [K, N], or B [N, K] read transposed when transB) into panels
 * of 16 columns: out[(p·K + k)·16 + j] = B'[k, 16p + j], columns past N zero.
 * `out` holds ceil(N/16)·16·K floats.
 */
export function gemmPackB(b: usize, K: i32, N: i32, transB: i32, out: usize): void {
  const panelBytes = <usize>K << 6;
  for (let n0 = 0; n0 < N; n0 += PANEL_N) {
    packPanel(b, K, N, transB, n0, out);
    out += panelBytes;
  }
}

/** Stores the 16 sums of one panel, `valid` of them when the panel is the last, short one. */
@inline function storePanel(dst: usize, c0: v128, c1: v128, c2: v128, c3: v128, valid: i32): void {
  storePartial(dst, c0, valid);
  if (valid > 4) storePartial(dst + 16, c1, valid - 4);
  if (valid > 8) storePartial(dst + 32, c2, valid - 8);
  if (valid > 12) storePartial(dst + 48, c3, valid - 12);
}

/** One packed panel: dst[j] = Σk A'[k]·panel[k, j], 4 accumulators over one contiguous stream. */
function packedPanel(aRow: usize, aColStride: usize, panel: usize, K: i32, ldb: usize, dst: usize, valid: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let ak = aRow;
  let b = panel;
  const end = panel + (<usize>K << 6);
  while (b < end) {
    const av = v128.load32_splat(ak);
    c0 = madd4(av, v128.load(b), c0);
    c1 = madd4(av, v128.load(b, 16), c1);
    c2 = madd4(av, v128.load(b, 32), c2);
    c3 = madd4(av, v128.load(b, 48), c3);
    ak += aColStride;
    b += 64;
  }
  storePanel(dst, c0, c1, c2, c3, valid);
}

/** 16 columns of raw B [K, N] (rows `ldb` bytes apart): the same sums as packedPanel. */
function columnBlock(aRow: usize, aColStride: usize, columns: usize, K: i32, ldb: usize, dst: usize, valid: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let ak = aRow;
  let b = columns;
  for (let k = 0; k < K; k++) {
    const av = v128.load32_splat(ak);
    c0 = madd4(av, v128.load(b), c0);
    c1 = madd4(av, v128.load(b, 16), c1);
    c2 = madd4(av, v128.load(b, 32), c2);
    c3 = madd4(av, v128.load(b, 48), c3);
    ak += aColStride;
    b += ldb;
  }
  storePanel(dst, c0, c1, c2, c3, valid);
}

type BlockOf16 = (aRow: usize, aColStride: usize, b: usize, K: i32, ldb: usize, dst: usize, valid: i32) => void;

/**
 * Y[m, :] = A'[m, :] · B' for each of M rows, 16 columns per call of the block function (called
 * through a reference: never inlined, so V8 tiers it up from Liftoff during a long first call).
 */
@inline function gemvBlocks(block: BlockOf16, a: usize, aRowStride: usize, aColStride: usize, M: i32, b: usize,
  blockStride: usize, ldb: usize, K: i32, N: i32, out: usize): void {
  for (let m = 0; m < M; m++) {
    const aRow = a + <usize>m * aRowStride;
    const outRow = out + ((<usize>m * <usize>N) << 2);
    let columns = b;
    for (let n0 = 0; n0 < N; n0 += PANEL_N) {
      block(aRow, aColStride, columns, K, ldb, outRow + (<usize>n0 << 2), N - n0);
      columns += blockStride;
    }
  }
}

/**
 * Y[m, :] = A'[m, :] · B' with B packed by gemmPackB, for each of M rows. A'[m, k] is at
 * a + m·aRowStride + k·aColStride.
 */
export function gemvPacked(a: usize, aRowStride: usize, aColStride: usize, M: i32, packed: usize, K: i32, N: i32, out: usize): void {
  gemvBlocks(packedPanel, a, aRowStride, aColStride, M, packed, <usize>K << 6, 64, K, N, out);
}

/**
 * Y[m, :] = A'[m, :] · B with raw B [K, N] (no transform), SIMD over 16 output columns at a time
 * (B rows N floats apart). Reads up to 60 bytes past the end of B.
 */
export function gemvColumns(a: usize, aRowStride: usize, aColStride: usize, M: i32, b: usize, K: i32, N: i32, out: usize): void {
  gemvBlocks(columnBlock, a, aRowStride, aColStride, M, b, 64, <usize>N << 2, K, N, out);
}

/** Sums each of four vectors' lanes: [Σc0, Σc1, Σc2, Σc3]. */
@inline function sumLanes4(c0: v128, c1: v128, c2: v128, c3: v128): v128 {
  const s01 = f32x4.add(f32x4.shuffle(c0, c1, 0, 1, 4, 5), f32x4.shuffle(c0, c1, 2, 3, 6, 7));
  const s23 = f32x4.add(f32x4.shuffle(c2, c3, 0, 1, 4, 5), f32x4.shuffle(c2, c3, 2, 3, 6, 7));
  return f32x4.add(f32x4.shuffle(s01, s23, 0, 2, 4, 6), f32x4.shuffle(s01, s23, 1, 3, 5, 7));
}

/** Four dot products of A's row with B rows r0..r3 (`rowBytes` long); `valid` of them stored. */
function dot4(aRow: usize, r0: usize, r1: usize, r2: usize, r3: usize, rowBytes: usize, dst: usize, valid: i32): void {
  const vectorBytes = rowBytes & ~<usize>15;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let i: usize = 0;
  for (; i < vectorBytes; i += 16) {
    const av = v128.load(aRow + i);
    c0 = madd4(av, v128.load(r0 + i), c0);
    c1 = madd4(av, v128.load(r1 + i), c1);
    c2 = madd4(av, v128.load(r2 + i), c2);
    c3 = madd4(av, v128.load(r3 + i), c3);
  }
  let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
  for (; i < rowBytes; i += 4) {
    const ak = load<f32>(aRow + i);
    t0 += ak * load<f32>(r0 + i);
    t1 += ak * load<f32>(r1 + i);
    t2 += ak * load<f32>(r2 + i);
    t3 += ak * load<f32>(r3 + i);
  }
  storePartial(dst, f32x4.add(sumLanes4(c0, c1, c2, c3), f32x4(t0, t1, t2, t3)), valid);
}

/**
 * Y[m, :] = A[m, :] · Bᵀ with raw B [N, K] (transB, no transform): dot products of A's row
 * (contiguous, rows `lda` bytes apart) with 4 rows of B at a time (through a reference, see
 * gemvBlocks).
 */
export function gemvRows(a: usize, lda: usize, M: i32, b: usize, K: i32, N: i32, out: usize): void {
  const dot: (aRow: usize, r0: usize, r1: usize, r2: usize, r3: usize, rowBytes: usize, dst: usize, valid: i32) => void = dot4;
  const ldb = <usize>K << 2;
  for (let m = 0; m < M; m++) {
    const aRow = a + <usize>m * lda;
    const outRow = out + ((<usize>m * <usize>N) << 2);
    for (let n0 = 0; n0 < N; n0 += 4) {
      // Rows past N re-read the last row; their sums are not stored.
      const last = N - 1;
      dot(aRow, b + <usize>n0 * ldb, b + <usize>min(n0 + 1, last) * ldb, b + <usize>min(n0 + 2, last) * ldb,
        b + <usize>min(n0 + 3, last) * ldb, ldb, outRow + (<usize>n0 << 2), N - n0);
    }
  }
}

/**
 * Packs A' (A'[m, k] at a + m·rowStride + k·colStride) into 6-row panels for the tile:
 * out[(p·K + k)·6 + i] = A'[6p + i, k], rows past M zero. `out` holds ceil(M/6)·6·K floats.
 */
export function gemmPackA(a: usize, rowStride: usize, colStride: usize, M: i32, K: i32, out: usize): void {
  for (let m0 = 0; m0 < M; m0 += TILE_M) {
    for (let k = 0; k < K; k++) {
      const column = a + <usize>k * colStride;
      for (let i = 0; i < TILE_M; i++) {
        const row = m0 + i;
        store<f32>(out, row < M ? load<f32>(column + <usize>row * rowStride) : 0);
        out += 4;
      }
    }
  }
}

@inline function storeTileRow(out: usize, v0: v128, v1: v128, validN: i32): void {
  if (validN == TILE_N) {
    v128.store(out, v0);
    v128.store(out, v1, 16);
    return;
  }
  storePartial(out, v0, validN);
  storePartial(out + 16, v1, validN - 4);
}

/**
 * One 6×8 tile of Y: A packed in 6-row panels (a[k·6 + i]), 8 columns of a B panel (rows 64
 * bytes apart). Like tile.ts's tilePackedA, rows are emitted in reverse order to stay in the 15
 * registers; unlike it, no bias or activation (Gemm's epilogue runs after), which keeps the
 * function small for V8 to compile.
 */
function tile6x8(a: usize, b: usize, K: i32, out: usize, ldo: usize, validM: i32, validN: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  const end = b + (<usize>K << 6);
  while (b < end) {
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
    b += 64;
  }
  storeTileRow(out, c00, c01, validN);
  if (validM > 1) storeTileRow(out + ldo, c10, c11, validN);
  if (validM > 2) storeTileRow(out + ldo * 2, c20, c21, validN);
  if (validM > 3) storeTileRow(out + ldo * 3, c30, c31, validN);
  if (validM > 4) storeTileRow(out + ldo * 4, c40, c41, validN);
  if (validM > 5) storeTileRow(out + ldo * 5, c50, c51, validN);
}

/**
 * Y = A' · B' for M > 1 with A packed by gemmPackA and B by gemmPackB: 6×8 tiles, output
 * columns outer so that a half panel of B stays in cache across all rows of A.
 */
export function gemmTiles(aPacked: usize, packed: usize, K: i32, M: i32, N: i32, out: usize): void {
  const ldo = <usize>N << 2;
  const panelBytes = <usize>K << 6;
  const aPanelBytes = <usize>K * <usize>(TILE_M << 2);
  for (let n0 = 0; n0 < N; n0 += TILE_N) {
    const b = packed + <usize>(n0 / PANEL_N) * panelBytes + (<usize>(n0 % PANEL_N) << 2);
    const validN = min(TILE_N, N - n0);
    let aPanel = aPacked;
    for (let m0 = 0; m0 < M; m0 += TILE_M) {
      tile6x8(aPanel, b, K, out + <usize>m0 * ldo + (<usize>n0 << 2), ldo, min(TILE_M, M - m0), validN);
      aPanel += aPanelBytes;
    }
  }
}

/** out[c, r] = a[r, c] for a [rows, cols]: A's rows made contiguous for the dot-product path. */
export function transposeMatrix(a: usize, rows: i32, cols: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(out + ((<usize>c * <usize>rows + <usize>r) << 2), load<f32>(a + ((<usize>r * <usize>cols + <usize>c) << 2)));
    }
  }
}

/**
 * Y = act(alpha·Y + beta·C) in place over Y [M, N]. C (0: none) is broadcast: element (m, n)
 * at c + (m·cRowStride + n·cColStride)·4 with strides of 0 along broadcast axes (cColStride 0
 * or 1). The activation is one activateCopy pass over Y.
 */
export function gemmEpilogue(y: usize, M: i32, N: i32, alpha: f32, c: usize, cRowStride: i32, cColStride: i32, beta: f32,
  act: i32, p0: f32, p1: f32): void {
  if (alpha != 1 || c != 0) {
    const alphaVector = f32x4.splat(alpha);
    const betaVector = f32x4.splat(beta);
    const rowBytes = <usize>N << 2;
    const vectorBytes = rowBytes & ~<usize>15;
    for (let m = 0; m < M; m++) {
      const row = y + <usize>m * rowBytes;
      const cRow = c + ((<usize>m * <usize>cRowStride) << 2);
      let i: usize = 0;
      for (; i < vectorBytes; i += 16) {
        let v = f32x4.mul(v128.load(row + i), alphaVector);
        if (c != 0) v = f32x4.add(v, f32x4.mul(cColStride ? v128.load(cRow + i) : v128.load32_splat(cRow), betaVector));
        v128.store(row + i, v);
      }
      for (; i < rowBytes; i += 4) {
        let v = load<f32>(row + i) * alpha;
        if (c != 0) v += load<f32>(cColStride ? cRow + i : cRow) * beta;
        store<f32>(row + i, v);
      }
    }
  }
  if (act != 0) activateCopy(y, y, M * N, act, p0, p1);
}
