// Activations fused into kernel epilogues. Codes are shared with runtime/kernels/activation-codes.ts.
import { gelu4, geluTanh4, sigmoid4, silu4, tanh4 } from './vector-math';
import { activateCopy } from './elementwise';

export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_CLIP: i32 = 2;        // p0 = min, p1 = max
export const ACT_LEAKY_RELU: i32 = 3;  // p0 = alpha
export const ACT_HARD_SIGMOID: i32 = 4; // p0 = alpha, p1 = beta
export const ACT_HARD_SWISH: i32 = 5;
export const ACT_SIGMOID: i32 = 6;
export const ACT_TANH: i32 = 7;
export const ACT_SILU: i32 = 8;        // x·sigmoid(x): the passes' fusion of Mul(x, Sigmoid(x))
export const ACT_GELU: i32 = 9;        // x·Φ(x) (erf form)
export const ACT_GELU_TANH: i32 = 10;  // GELU's tanh approximation

@inline export function activateScalar(x: f32, act: i32, p0: f32, p1: f32): f32 {
  if (act == ACT_NONE) return x;
  if (act == ACT_RELU) return x > 0 ? x : 0;
  if (act == ACT_CLIP) return min<f32>(max<f32>(x, p0), p1);
  if (act == ACT_LEAKY_RELU) return x >= 0 ? x : x * p0;
  if (act == ACT_HARD_SIGMOID) return min<f32>(max<f32>(x * p0 + p1, 0), 1);
  if (act == ACT_HARD_SWISH) return x * min<f32>(max<f32>(x * (1.0 / 6.0) + 0.5, 0), 1);
  if (act == ACT_SIGMOID) return <f32>(1.0 / (1.0 + Math.exp(-<f64>x)));
  if (act == ACT_SILU) return <f32>(<f64>x / (1.0 + Math.exp(-<f64>x)));
  if (act == ACT_GELU) return geluScalar(x);
  if (act == ACT_GELU_TANH) {
    const x64 = <f64>x;
    return <f32>(x64 / (1.0 + Math.exp(-1.5957691216057308 * (x64 + 0.044715 * x64 * x64 * x64))));
  }
  return <f32>Math.tanh(<f64>x);
}

/** gelu4's formula for one value, in double precision. */
function geluScalar(x: f32): f32 {
  const x64 = <f64>x;
  const z = Math.abs(x64) * 0.7071067811865476;
  const t = 1.0 / (1.0 + 0.3275911 * z);
  const p = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const half = 0.5 * x64 * p * Math.exp(-z * z);
  return <f32>(x64 >= 0 ? x64 - half : half);
}

/**
 * max(v, lo) then min(·, hi) as `pmax`/`pmin`: one instruction each on x64, where f32x4.max and
 * f32x4.min take eight (they order ±0 and pick NaN lane by lane). NaN passes through as in the
 * reference; with lo > hi every lane becomes hi, as numpy.clip gives. Only a zero's sign may
 * differ from the reference's.
 */
@inline export function clamp4(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

@inline export function activate4(v: v128, act: i32, p0: f32, p1: f32): v128 {
  if (act == ACT_NONE) return v;
  if (act == ACT_RELU) return f32x4.max(v, f32x4.splat(0));
  if (act == ACT_CLIP) return f32x4.min(f32x4.max(v, f32x4.splat(p0)), f32x4.splat(p1));
  if (act == ACT_LEAKY_RELU) {
    const negative = f32x4.lt(v, f32x4.splat(0));
    return v128.bitselect(f32x4.mul(v, f32x4.splat(p0)), v, negative);
  }
  if (act == ACT_HARD_SIGMOID) {
    return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(v, f32x4.splat(p0)), f32x4.splat(p1)), f32x4.splat(0)), f32x4.splat(1));
  }
  if (act == ACT_HARD_SWISH) {
    const gate = f32x4.min(f32x4.max(f32x4.add(f32x4.mul(v, f32x4.splat(1.0 / 6.0)), f32x4.splat(0.5)), f32x4.splat(0)), f32x4.splat(1));
    return f32x4.mul(v, gate);
  }
  if (act == ACT_SIGMOID) return sigmoid4(v);
  if (act == ACT_SILU) return silu4(v);
  if (act == ACT_GELU) return gelu4(v);
  if (act == ACT_GELU_TANH) return geluTanh4(v);
  return tanh4(v);
}

/**
 * Whether an activation is a vector exp (Sigmoid, Silu, Tanh, both GELUs): kernels apply those by a pass of
 * `activateCopy` over what they just wrote, whose loop is specialised per activation, rather than
 * through `activate4` inside their own loops, where its constants do not stay in registers
 * (measured: depthwise 5×5 with a fused SiLU ran slower than the depthwise then a standalone pass).
 */
@inline export function isVectorExp(act: i32): bool {
  return act == ACT_SIGMOID || act == ACT_SILU || act == ACT_TANH || act == ACT_GELU || act == ACT_GELU_TANH;
}

/** Applies an activation in place to n floats at ptr (used after kernels without an epilogue). */
export function activateInPlace(ptr: usize, n: i32, act: i32, p0: f32, p1: f32): void {
  if (isVectorExp(act)) {
    activateCopy(ptr, ptr, n, act, p0, p1);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = ptr + (<usize>i << 2);
    v128.store(at, activate4(v128.load(at), act, p0, p1));
  }
  for (; i < n; i++) {
    const at = ptr + (<usize>i << 2);
    store<f32>(at, activateScalar(load<f32>(at), act, p0, p1));
  }
}
