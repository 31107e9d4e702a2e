/** Exports of assembly/conv-pointwise-c4.ts. Pointers are byte offsets into the shared memory. */

export interface ConvPointwiseC4Exports {
  packPointwiseC4(w: number, M: number, C: number, out: number): void;
  padPointwiseBias(bias: number, M: number, out: number): void;
  convPointwiseC4(w: number, inPlaneBytes: number, C: number, x: number, out: number, outPlaneBytes: number, blocks: number,
    pairStart: number, pairEnd: number, pixelStart: number, pixelEnd: number, biasPadded: number,
    act: number, p0: number, p1: number): void;
}
