/** Exports of assembly/conv-first.ts. Pointers are byte offsets into the shared memory. */

export interface ConvFirstExports {
  /** w[M, K] into pairs of 4-channel groups, [⌈M/8⌉][K][8], zero past M. */
  packFirstWeights(w: number, M: number, K: number, out: number): void;
  /** Rows [rowStart, rowEnd) of out[⌈M/4⌉][OH][OW][4], the convolution of a prepared input (ConvFirst.ts). */
  convFirst(a: number, taps: number, K: number, prepared: number, rowBytes: number, sy: number, out: number,
    M: number, OH: number, OW: number, rowStart: number, rowEnd: number, bias: number, act: number, p0: number, p1: number): void;
}
