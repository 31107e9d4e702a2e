/** Exports of assembly/conv-depthwise.ts. Pointers are byte offsets into the shared memory. */

export interface ConvDepthwiseExports {
}
