/** Exports of assembly/conv-winograd.ts. Pointers are byte offsets into the shared memory; m is 2, 4 or 6. */

export interface ConvWinogradExports {
  winogradPositionStride(M: number, C: number): number;
  winogradTransformWeights(m: number, g: number, M: number, C: number, out: number): void;
  winogradPrepareInput(x: number, C: number, H: number, W: number, padTop: number, padLeft: number,
    m: number, PH: number, phaseWidth: number, out: number): void;
  winogradInputPanels(m: number, prepared: number, C: number, rowBytes: number, phaseBytes: number, planeBytes: number,
    TW: number, T: number, V: number, posStride: number, panelStart: number, panelEnd: number): void;
  winogradGemmPanels(m: number, U: number, offsets: number, C: number, M: number, V: number, posStride: number,
    Mbuf: number, panelStart: number, panelEnd: number): void;
  winogradOutputPanels(m: number, Mbuf: number, M: number, TW: number, T: number, out: number, OH: number, OW: number,
    panelStart: number, panelEnd: number, bias: number, act: number, p0: number, p1: number): void;
}
