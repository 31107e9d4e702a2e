/** Exports of assembly/pool-c4.ts. Pointers are byte offsets into the shared memory. */

export interface PoolC4Exports {
  /** One image: x[⌈C/4⌉][P][4] (NC4HW4, P = H·W) → out[C], the mean over P. */
  globalAveragePoolC4(x: number, C: number, P: number, out: number): void;
}
