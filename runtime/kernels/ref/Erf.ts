/**
 * Erf: the Gauss error function over float32/float64. `erf` is computed in double precision to
 * about 1e-15: the Maclaurin series below |x| = 2.5, and above it 1 - erfc(x) from erfc's
 * continued fraction (evaluated bottom-up), which converges fast there. Gelu uses it too.
 */
import type { ReferenceKernel } from '../kernel.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

const twoOverSqrtPi = 2 / Math.sqrt(Math.PI);

export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)); terms peak near n = x^2.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return twoOverSqrtPi * sum;
  }
  if (a > 6) return Math.sign(x); // erfc(6) ~ 2e-17
  // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...)))))
  let tail = a;
  for (let k = 60; k >= 1; k--) tail = a + k / 2 / tail;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / tail;
  return Math.sign(x) * (1 - erfc);
}

function erfLoop(src: FloatArray, dst: FloatArray): void {
  for (let i = 0; i < src.length; i++) dst[i] = erf(src[i]);
}

export const Erf: ReferenceKernel = {
  op: 'Erf',
  infer: inferFloatUnary,
  run: (inputs, attrs) => mapFloat(inputs, attrs, erfLoop),
};
