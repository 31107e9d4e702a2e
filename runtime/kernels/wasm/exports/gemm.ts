/** Exports of assembly/gemm.ts. Pointers are byte offsets into the shared memory; strides are bytes unless named otherwise. */

export interface GemmExports {
  gemmPackB(b: number, K: number, N: number, transB: number, out: number): void;
  gemvPacked(a: number, aRowStride: number, aColStride: number, M: number, packed: number, K: number, N: number, out: number): void;
  gemvColumns(a: number, aRowStride: number, aColStride: number, M: number, b: number, K: number, N: number, out: number): void;
  gemvRows(a: number, lda: number, M: number, b: number, K: number, N: number, out: number): void;
  gemmPackA(a: number, rowStride: number, colStride: number, M: number, K: number, out: number): void;
  gemmTiles(aPacked: number, packed: number, K: number, M: number, N: number, out: number): void;
  transposeMatrix(a: number, rows: number, cols: number, out: number): void;
  /** C strides in floats (0 along broadcast axes); c = 0 for none. */
  gemmEpilogue(y: number, M: number, N: number, alpha: number, c: number, cRowStride: number, cColStride: number, beta: number,
    act: number, p0: number, p1: number): void;
}
