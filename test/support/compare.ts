/**
 * Tensor comparison for tests: compiler/compare-tensors.ts's rule, and the max error relative to
 * the expected output's largest magnitude, which the model tests report.
 */
export { compareTensors, type Mismatch } from '../../compiler/compare-tensors.js';

/** max |a − e| / max |e|: the model-level error measure. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxMagnitude = 0;
  let maxError = 0;
  for (let i = 0; i < expected.length; i++) {
    maxMagnitude = Math.max(maxMagnitude, Math.abs(expected[i]));
    maxError = Math.max(maxError, Math.abs(actual[i] - expected[i]));
  }
  if (actual.length !== expected.length || Number.isNaN(maxError)) return Infinity;
  return maxMagnitude === 0 ? maxError : maxError / maxMagnitude;
}
