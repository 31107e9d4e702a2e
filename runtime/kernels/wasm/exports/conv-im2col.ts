/** Exports of assembly/conv-im2col.ts. Pointers are byte offsets into the shared memory. */

export interface ConvIm2colExports {
}
