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
import { bytesPerElement, type ValueInfo } from './tensor.js';

export type ActivationLayout = 'NCHW' | 'NC4HW4';

/** Elements a value occupies in `layout` (NC4HW4 rounds channels up to a multiple of 4). */
export function layoutElements(dims: readonly number[], layout: ActivationLayout = 'NCHW'): number {
  let n = 1;
  dims.forEach((d, axis) => { n *= layout === 'NC4HW4' && axis === 1 ? Math.ceil(d / 4) * 4 : d; });
  return n;
}

/** Bytes a value occupies in its layout. */
export function valueBytes(info: ValueInfo): number {
  return layoutElements(info.dims, info.layout) * bytesPerElement(info.dtype);
}

/** NCHW floats of logical `dims` in NC4HW4 order (pad lanes zero). For tests, profiles and tools, not a kernel. */
export function toNC4HW4(data: Float32Array, dims: readonly number[]): Float32Array {
  const [N, C, H, W] = dims;
  const plane = H * W;
  const blocks = Math.ceil(C / 4);
  const out = new Float32Array(N * blocks * 4 * plane);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const from = (n * C + c) * plane;
      const to = ((n * blocks + (c >> 2)) * plane) * 4 + (c & 3);
      for (let p = 0; p < plane; p++) out[to + p * 4] = data[from + p];
    }
  }
  return out;
}

/** NC4HW4 floats of logical `dims` back in NCHW order (pad lanes dropped). */
export function fromNC4HW4(data: Float32Array, dims: readonly number[]): Float32Array {
  const [N, C, H, W] = dims;
  const plane = H * W;
  const blocks = Math.ceil(C / 4);
  const out = new Float32Array(N * C * plane);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const from = ((n * blocks + (c >> 2)) * plane) * 4 + (c & 3);
      const to = (n * C + c) * plane;
      for (let p = 0; p < plane; p++) out[to + p] = data[from + p * 4];
    }
  }
  return out;
}
