/**
 * Activation layouts in the planned memory. A value's `dims` are always ONNX's logical
 * [N, C, H, W]; its layout says how the floats are ordered:
 *
 * - `NCHW`: ONNX's row-major order (every graph input and output is NCHW).
 * - `NC4HW4`: channels in blocks of four, [N][⌈C/4⌉][H][W][4]: the 4 channels of one pixel are
 *   one SIMD vector (channel c is lane c & 3 of block c >> 2). When C is not a multiple of 4, the
 *   last block's lanes past C ("pad lanes") hold finite values that no kernel lets into a real
 *   channel: producers write whatever their zero-padded weights give there (activation of 0),
 *   consumers multiply them by zero weights or skip them. Only 4-D values have this layout.
 */
export type ActivationLayout = 'NCHW' | 'NC4HW4';

/** Elements a value occupies in `layout` (NC4HW4 rounds channels up to a multiple of 4). */
export function layoutElements(dims: readonly number[], layout: ActivationLayout = 'NCHW'): number {
  let n = 1;
  dims.forEach((d, axis) => { n *= layout === 'NC4HW4' && axis === 1 ? Math.ceil(d / 4) * 4 : d; });
  return n;
}
