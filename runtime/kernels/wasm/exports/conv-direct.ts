/** Exports of assembly/activation.ts, tile.ts and conv-direct.ts. Pointers are byte offsets. */
export interface ConvDirectExports {
  heapBase(): number;
  activateInPlace(ptr: number, n: number, act: number, p0: number, p1: number): void;
  packA(a: number, lda: number, M: number, K: number, out: number): void;
  convPrepareInput(x: number, C: number, H: number, W: number, padTop: number, padLeft: number,
    PH: number, sx: number, phaseWidth: number, out: number): void;
  convTapOffsets(C: number, KH: number, KW: number, dy: number, dx: number, sx: number, phaseWidth: number,
    rowBytes: number, planeBytes: number, out: number): void;
  convDirect(a: number, packed: number, offsets: number, K: number, prepared: number, rowBytes: number, sy: number,
    out: number, M: number, OH: number, OW: number, rowStart: number, rowEnd: number, colStart: number, colEnd: number, bias: number,
    act: number, p0: number, p1: number): void;
}
