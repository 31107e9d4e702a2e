/**
 * Tensor comparison by the ONNX runner's rule |actual − expected| ≤ atol + rtol·|expected| (NaN
 * equal to NaN, integers exact): the compiler's own checks (bucket padding) and the tests use it.
 */
import type { Tensor } from '../runtime/tensor/tensor.js';

export interface Mismatch {
  reason: string;
  maxAbsError: number;
}

export function compareTensors(actual: Tensor, expected: Tensor, rtol = 1e-3, atol = 1e-7): Mismatch | undefined {
  if (actual.dtype !== expected.dtype) return { reason: `dtype ${actual.dtype}, expected ${expected.dtype}`, maxAbsError: Infinity };
  const sameDims = actual.dims.length === expected.dims.length && actual.dims.every((d, i) => d === expected.dims[i]);
  if (!sameDims) return { reason: `dims [${actual.dims}], expected [${expected.dims}]`, maxAbsError: Infinity };
  const exact = !(actual.dtype === 'float32' || actual.dtype === 'float64');
  let maxAbsError = 0;
  let worst = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = Number(actual.data[i]);
    const e = Number(expected.data[i]);
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const error = Number.isNaN(a - e) ? Infinity : Math.abs(a - e);
    const allowed = exact ? 0 : atol + rtol * Math.abs(e);
    if (error > allowed && (worst < 0 || error > maxAbsError)) worst = i;
    maxAbsError = Math.max(maxAbsError, error);
  }
  if (worst < 0) return undefined;
  return { reason: `element ${worst}: ${Number(actual.data[worst])} vs ${Number(expected.data[worst])}`, maxAbsError };
}
