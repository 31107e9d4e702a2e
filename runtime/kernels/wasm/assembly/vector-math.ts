// Vector math of the activations: e^x, sigmoid, SiLU and tanh per f32x4 lane (Cephes' float
// polynomials; measured within 2 ulp of the double-precision reference), shared by the fused
// epilogues (activation.ts) and the standalone activation blocks (elementwise.ts).
import { madd4, nmadd4 } from './fma';

/** Four copies of each constant exp4 uses, in the order `expConstant` names them. */
const EXP_CONSTANTS: usize = memory.data<f32>([
  -87.33654, -87.33654, -87.33654, -87.33654,
  88.72283, 88.72283, 88.72283, 88.72283,
  1.44269504, 1.44269504, 1.44269504, 1.44269504,
  12582912.0, 12582912.0, 12582912.0, 12582912.0,
  0.693359375, 0.693359375, 0.693359375, 0.693359375,
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0,
], 16);
/** 127 − 0x4b400000 as i32 lanes: the exponent bias less the magic number's bits (exp4's 2ⁿ). */
const EXP_SCALE_BIAS: usize = memory.data<i32>([-1262485377, -1262485377, -1262485377, -1262485377], 16);

/**
 * Constant i of exp4, loaded from the static table: one load, where a v128 constant costs V8
 * three instructions (an immediate into a general register, a move, a shuffle) at every use.
 */
@inline function expConstant(i: i32): v128 {
  return v128.load(EXP_CONSTANTS + (<usize>i << 4));
}

/**
 * e^x per lane (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-5 polynomial, 2ⁿ by exponent
 * bits). x is clamped to [-87.3, 88.7] (results saturate to about 1e-38 and +inf); NaN passes.
 * The polynomial runs on `madd4` (fused in the relaxed build).
 */
@inline export function exp4(x: v128): v128 {
  // pmax/pmin keep x when x is NaN, so NaN flows through.
  x = f32x4.pmin(f32x4.pmax(x, expConstant(0)), expConstant(1));
  // Adding 1.5·2²³ rounds x·log2(e) to an integer n held in the low mantissa bits.
  const magic = expConstant(3);
  const shifted = madd4(x, expConstant(2), magic);
  const n = f32x4.sub(shifted, magic);
  const r = nmadd4(n, expConstant(5), nmadd4(n, expConstant(4), x));
  let p = madd4(expConstant(6), r, expConstant(7));
  p = madd4(p, r, expConstant(8));
  p = madd4(p, r, expConstant(9));
  p = madd4(p, r, expConstant(10));
  p = madd4(p, r, expConstant(11));
  p = f32x4.add(madd4(f32x4.mul(p, r), r, r), expConstant(12));
  // 2ⁿ: n's bits in shifted, less the magic's, plus the exponent bias, into the exponent field.
  const scale = i32x4.shl(i32x4.add(shifted, v128.load(EXP_SCALE_BIAS)), 23);
  return f32x4.mul(p, scale);
}

@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh per lane: Cephes tanhf's odd polynomial below |x| = 0.625, 1 − 2/(e^2|x| + 1) above. */
@inline export function tanh4(x: v128): v128 {
  const magnitude = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(magnitude, magnitude));
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(magnitude, f32x4.splat(0.625)));
}

/** x·sigmoid(x) = x / (1 + e^−x) per lane (SiLU, also called Swish). */
@inline export function silu4(x: v128): v128 {
  return f32x4.div(x, f32x4.add(f32x4.splat(1), exp4(f32x4.neg(x))));
}

/**
 * GELU x·Φ(x) = x/2·(1 + erf(x/√2)) per lane, with erfc(z) = t·P(t)·e^(−z²), t = 1/(1 + 0.3275911·z)
 * (Abramowitz–Stegun 7.1.26, |error| ≤ 1.5e-7 in erf). For x < 0, x/2·erfc(|x|/√2) is used directly,
 * so the negative tail keeps its relative accuracy instead of cancelling 1 + erf.
 */
@inline export function gelu4(x: v128): v128 {
  const z = f32x4.mul(f32x4.abs(x), f32x4.splat(0.70710678));
  const t = f32x4.div(f32x4.splat(1), madd4(z, f32x4.splat(0.3275911), f32x4.splat(1)));
  let p = madd4(t, f32x4.splat(1.061405429), f32x4.splat(-1.453152027));
  p = madd4(p, t, f32x4.splat(1.421413741));
  p = madd4(p, t, f32x4.splat(-0.284496736));
  p = madd4(p, t, f32x4.splat(0.254829592));
  const erfc = f32x4.mul(f32x4.mul(p, t), exp4(f32x4.neg(f32x4.mul(z, z))));
  const half = f32x4.mul(f32x4.mul(x, f32x4.splat(0.5)), erfc);
  return v128.bitselect(f32x4.sub(x, half), half, f32x4.ge(x, f32x4.splat(0)));
}

/** GELU's tanh form x/2·(1 + tanh(u)), u = √(2/π)(x + 0.044715x³), as x / (1 + e^(−2u)). */
@inline export function geluTanh4(x: v128): v128 {
  const cube = f32x4.mul(f32x4.mul(x, x), x);
  const twoU = f32x4.mul(madd4(cube, f32x4.splat(0.044715), x), f32x4.splat(1.5957691216));
  return f32x4.div(x, f32x4.add(f32x4.splat(1), exp4(f32x4.neg(twoU))));
}
