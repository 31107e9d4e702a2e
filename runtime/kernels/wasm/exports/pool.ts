/** Exports of assembly/pool.ts. Pointers are byte offsets into the shared memory. */

export interface PoolExports {
  /** kind: 0 max, 1 average. */
  pool2d(kind: number, x: number, planes: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sy: number, sx: number, dy: number, dx: number, padTop: number, padLeft: number, padBottom: number, padRight: number,
    countPads: number, columnCounts: number, row: number, rowFloats: number, out: number): void;
  globalPool(kind: number, x: number, planes: number, size: number, out: number): void;
}
