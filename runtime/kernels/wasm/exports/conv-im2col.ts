/** Exports of assembly/conv-im2col.ts. Pointers are byte offsets into the shared memory. */

export interface ConvIm2colExports {
  panelOffsets(K: number, strideBytes: number, out: number): void;
  im2colPanel(x: number, C: number, H: number, W: number, KH: number, KW: number, sy: number, sx: number,
    dy: number, dx: number, padTop: number, padLeft: number, OW: number, N: number, n0: number, dst: number): void;
  convIm2col(a: number, offsets: number, x: number, C: number, H: number, W: number, KH: number, KW: number,
    sy: number, sx: number, dy: number, dx: number, padTop: number, padLeft: number, OW: number, N: number,
    panels: number, panelStart: number, panelEnd: number, panelsPerBlock: number,
    out: number, M: number, bias: number, act: number, p0: number, p1: number): void;
}
