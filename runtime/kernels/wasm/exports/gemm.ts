/** Exports of assembly/gemm.ts. Pointers are byte offsets into the shared memory. */

export interface GemmExports {
}
