/** Exports of assembly/elementwise.ts. Pointers are byte offsets into the shared memory. */

export interface ElementwiseExports {
  /** op: 0 add, 1 sub, 2 mul, 3 div (a op b). */
  binarySame(op: number, a: number, b: number, out: number, n: number, act: number, p0: number, p1: number): void;
  /** op: 0 add, 1 sub, 2 mul, 3 div (full op part), 4 sub and 5 div reversed (part op full). */
  binaryBroadcast(op: number, full: number, part: number, out: number, outer: number, mid: number, inner: number,
    act: number, p0: number, p1: number): void;
  activateCopy(x: number, out: number, n: number, act: number, p0: number, p1: number): void;
  copyBlocks(src: number, srcStride: number, dst: number, dstStride: number, blockBytes: number, count: number): void;
}
