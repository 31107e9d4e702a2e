/** Exports of assembly/conv-depthwise.ts. Pointers are byte offsets into the shared memory. */

/**
 * Depthwise convolution of channels [cStart, cEnd) of x[C, H, W] into out[C, OH, OW] with weights
 * w[C, KH, KW] and bias (0 for none); `scratch` holds the calling lane's padded row ring of
 * `phaseWidth`-float phases (see ConvDepthwise.ts for both sizes). The specialised kernels ignore
 * the kernel size, strides and dilations they fix.
 */
export type DepthwiseKernel = (x: number, w: number, bias: number, out: number, cStart: number, cEnd: number,
  H: number, W: number, OH: number, OW: number, KH: number, KW: number, sy: number, sx: number, dy: number, dx: number,
  padTop: number, padLeft: number, scratch: number, phaseWidth: number, act: number, p0: number, p1: number) => void;

/**
 * depthwise3x3c4: channels [cStart, cEnd) (cStart a multiple of 4) four to a vector; `scratch`
 * is the lane's padded band of rows of PW cells, outputs and taps (ConvDepthwise.ts gives the sizes).
 */
export type Depthwise3x3C4Kernel = (x: number, w: number, bias: number, out: number, cStart: number, cEnd: number,
  H: number, W: number, OH: number, OW: number, sy: number, sx: number, padTop: number, padLeft: number,
  bandRows: number, PW: number, scratch: number, act: number, p0: number, p1: number) => void;

/**
 * depthwise3x3nc4hw4: blocks [blockStart, blockEnd) of 4 channels of x[⌈C/4⌉][H][W][4] into
 * out[⌈C/4⌉][OH][OW][4]; `scratch` is the lane's padded band of rows of PW cells and taps.
 */
export type Depthwise3x3NC4HW4Kernel = (x: number, w: number, bias: number, out: number, C: number,
  blockStart: number, blockEnd: number, H: number, W: number, OH: number, OW: number, sy: number, sx: number,
  padTop: number, padLeft: number, bandRows: number, PW: number, scratch: number, act: number, p0: number, p1: number) => void;

export interface ConvDepthwiseExports {
  depthwise3x3c4: Depthwise3x3C4Kernel;
  depthwise3x3nc4hw4: Depthwise3x3NC4HW4Kernel;
  depthwise3x3s1: DepthwiseKernel;
  depthwise3x3s2: DepthwiseKernel;
  depthwise5x5s1: DepthwiseKernel;
  depthwise5x5s2: DepthwiseKernel;
  depthwiseGeneral: DepthwiseKernel;
}
