// Row-wise kernels of transformers: LayerNormalization and Softmax over the last axes of a
// [rows, cols] float32 view. Each row is read in SIMD vectors with a scalar tail; sums run in
// four lanes, so their rounding differs from the reference's double-precision loop by a few ulp.
import { exp4 } from './vector-math';
import { madd4 } from './fma';

@inline function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline function horizontalMax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

function rowMean(row: usize, cols: i32): f32 {
  const bytes = <usize>cols << 2;
  const vectorEnd = bytes & ~<usize>15;
  let acc = f32x4.splat(0);
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) acc = f32x4.add(acc, v128.load(row + i));
  let sum = horizontalSum(acc);
  for (; i < bytes; i += 4) sum += load<f32>(row + i);
  return sum / <f32>cols;
}

/** Σ (x − mean)² / cols: the population variance, from the centred values (no cancellation). */
function rowVariance(row: usize, cols: i32, mean: f32): f32 {
  const bytes = <usize>cols << 2;
  const vectorEnd = bytes & ~<usize>15;
  const m = f32x4.splat(mean);
  let acc = f32x4.splat(0);
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) {
    const d = f32x4.sub(v128.load(row + i), m);
    acc = madd4(d, d, acc);
  }
  let sum = horizontalSum(acc);
  for (; i < bytes; i += 4) {
    const d = load<f32>(row + i) - mean;
    sum += d * d;
  }
  return sum / <f32>cols;
}

/**
 * out[r, c] = (x[r, c] − mean_r) / √(var_r + epsilon) · scale[c] + bias[c] for r < rows, c < cols
 * (bias 0: none). `out` may be `x`.
 */
export function layerNorm(x: usize, rows: i32, cols: i32, scale: usize, bias: usize, epsilon: f32, out: usize): void {
  const bytes = <usize>cols << 2;
  const vectorEnd = bytes & ~<usize>15;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    const outRow = out + <usize>r * bytes;
    const mean = rowMean(row, cols);
    const inverse = <f32>(1.0 / Math.sqrt(<f64>rowVariance(row, cols, mean) + <f64>epsilon));
    const m = f32x4.splat(mean);
    const s = f32x4.splat(inverse);
    let i: usize = 0;
    for (; i < vectorEnd; i += 16) {
      let v = f32x4.mul(f32x4.mul(f32x4.sub(v128.load(row + i), m), s), v128.load(scale + i));
      if (bias != 0) v = f32x4.add(v, v128.load(bias + i));
      v128.store(outRow + i, v);
    }
    for (; i < bytes; i += 4) {
      let v = (load<f32>(row + i) - mean) * inverse * load<f32>(scale + i);
      if (bias != 0) v += load<f32>(bias + i);
      store<f32>(outRow + i, v);
    }
  }
}

/**
 * out[r, :] = softmax(scale · x[r, :] + mask[r, :]) for r < rows: e^(v − max) / Σ e^(v − max).
 * `mask` (0: none) is additive, its rows `maskRowBytes` apart (0: one row for all). A row of −∞
 * gives NaN, as the reference does. `out` may be `x`.
 */
export function softmaxRows(x: usize, rows: i32, cols: i32, scale: f32, mask: usize, maskRowBytes: usize, out: usize): void {
  const bytes = <usize>cols << 2;
  const vectorEnd = bytes & ~<usize>15;
  const scaleVector = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    const outRow = out + <usize>r * bytes;
    const maskRow = mask + <usize>r * maskRowBytes;
    let i: usize = 0;
    // v = scale · x + mask into out, with the row's max.
    let maxVector = f32x4.splat(-Infinity);
    for (; i < vectorEnd; i += 16) {
      let v = f32x4.mul(v128.load(row + i), scaleVector);
      if (mask != 0) v = f32x4.add(v, v128.load(maskRow + i));
      v128.store(outRow + i, v);
      maxVector = f32x4.max(maxVector, v);
    }
    let rowMax = horizontalMax(maxVector);
    for (; i < bytes; i += 4) {
      let v = load<f32>(row + i) * scale;
      if (mask != 0) v += load<f32>(maskRow + i);
      store<f32>(outRow + i, v);
      rowMax = max(rowMax, v);
    }
    const m = f32x4.splat(rowMax);
    let acc = f32x4.splat(0);
    for (i = 0; i < vectorEnd; i += 16) {
      const e = exp4(f32x4.sub(v128.load(outRow + i), m));
      v128.store(outRow + i, e);
      acc = f32x4.add(acc, e);
    }
    let sum = horizontalSum(acc);
    for (; i < bytes; i += 4) {
      const e = <f32>Math.exp(<f64>(load<f32>(outRow + i) - rowMax));
      store<f32>(outRow + i, e);
      sum += e;
    }
    const inverse: f32 = <f32>1.0 / sum;
    const s = f32x4.splat(inverse);
    for (i = 0; i < vectorEnd; i += 16) v128.store(outRow + i, f32x4.mul(v128.load(outRow + i), s));
    for (; i < bytes; i += 4) store<f32>(outRow + i, load<f32>(outRow + i) * inverse);
  }
}
