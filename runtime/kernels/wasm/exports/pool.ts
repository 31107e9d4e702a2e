/** Exports of assembly/pool.ts. Pointers are byte offsets into the shared memory. */

export interface PoolExports {
}
