/** Exports of assembly/elementwise.ts. Pointers are byte offsets into the shared memory. */

export interface ElementwiseExports {
}
