// Multiply-add of four floats, a·b + c: fused (`f32x4.relaxed_madd`, one vfmadd on x64) in the
// relaxed-SIMD build, multiply then add in the portable SIMD build (asconfig.json's `relaxed` and
// `simd` targets; the branch folds at compile time).
@inline export function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** c − a·b: fused (`f32x4.relaxed_nmadd`) in the relaxed-SIMD build, multiply then subtract in the portable one. */
@inline export function nmadd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}
