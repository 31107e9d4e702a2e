/** Exports of assembly/layout-c4.ts. Pointers are byte offsets into the shared memory; P = H·W. */

/** One image's channel blocks [blockStart, blockEnd) and pixels [pStart, pEnd), from one layout to the other. */
export type LayoutConversion = (x: number, C: number, P: number, out: number, blockStart: number, blockEnd: number,
  pStart: number, pEnd: number) => void;

export interface LayoutC4Exports {
  toNC4HW4: LayoutConversion;
  toNCHW: LayoutConversion;
}
