/** Exports of assembly/conv-winograd.ts. Pointers are byte offsets into the shared memory. */

export interface ConvWinogradExports {
}
