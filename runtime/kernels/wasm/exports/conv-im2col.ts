/** Exports of assembly/conv-im2col.ts. Pointers are byte offsets into the shared memory. */

export interface ConvIm2colExports {
  panelOffsets(K: number, strideBytes: number, out: number): void;
  im2colPanel(prepared: number, rowBytes: number, sy: number, taps: number, K: number, OW: number, N: number,
    n0: number, dst: number): void;
  convIm2col(a: number, offsets: number, prepared: number, rowBytes: number, sy: number, taps: number, K: number,
    OW: number, N: number, panels: number, panelStart: number, panelEnd: number, panelsPerBlock: number,
    out: number, M: number, bias: number, act: number, p0: number, p1: number): void;
}
