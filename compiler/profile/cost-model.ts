/**
 * The cost model: per kernel variant, time = a + b·flops + c·bytes with a, b, c ≥ 0 (bytes are
 * activation bytes for execution, weight bytes for transforms), fitted by least squares on
 * relative error (so small layers count as much as big ones), and judged by its median error on
 * held-out measurements (leave-one-out). `predict` prefers a measurement of the same signature.
 */
import type { DeviceProfile, FamilyModel, Fit, KernelCost, Sample } from './profile.js';
import type { CostFeatures } from './signature.js';

export interface Point {
  flops: number;
  bytes: number;
  ms: number;
}

type Cost = 'executeWarmMs' | 'executeFirstMs' | 'transformMs';
const costs: readonly Cost[] = ['executeWarmMs', 'executeFirstMs', 'transformMs'];

/** Every subset of the three terms; the best non-negative one wins. */
const termSets: readonly (readonly number[])[] = [[0, 1, 2], [0, 1], [0, 2], [1, 2], [0], [1], [2]];

function features(p: Point): number[] {
  return [1, p.flops, p.bytes];
}

function solve(points: readonly Point[], terms: readonly number[]): number[] | undefined {
  const n = terms.length;
  const ata = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const atb = new Array<number>(n).fill(0);
  // Scale columns so the normal equations stay well conditioned (flops ~1e9, bytes ~1e6).
  const scale = terms.map((t) => Math.max(...points.map((p) => Math.abs(features(p)[t])), 1e-30));
  for (const p of points) {
    const w = 1 / Math.max(p.ms, 1e-6);
    const row = terms.map((t, i) => (features(p)[t] / scale[i]) * w);
    for (let i = 0; i < n; i++) {
      atb[i] += row[i] * p.ms * w;
      for (let j = 0; j < n; j++) ata[i][j] += row[i] * row[j];
    }
  }
  const x = gauss(ata, atb);
  return x?.map((v, i) => v / scale[i]);
}

function gauss(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) < 1e-12) return undefined;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

export function evaluate(fit: Pick<Fit, 'a' | 'b' | 'c'>, flops: number, bytes: number): number {
  return fit.a + fit.b * flops + fit.c * bytes;
}

function relativeError(fit: Pick<Fit, 'a' | 'b' | 'c'>, points: readonly Point[]): number {
  return points.reduce((sum, p) => sum + ((evaluate(fit, p.flops, p.bytes) - p.ms) / Math.max(p.ms, 1e-6)) ** 2, 0);
}

/** Best non-negative fit of a + b·flops + c·bytes to `points`. */
export function fitPoints(points: readonly Point[]): Omit<Fit, 'samples' | 'medianErrorPct'> {
  if (points.length === 0) return { a: 0, b: 0, c: 0 };
  let best = { a: median(points.map((p) => p.ms)), b: 0, c: 0 };
  let bestError = relativeError(best, points);
  for (const terms of termSets) {
    if (terms.length > points.length) continue;
    const x = solve(points, terms);
    if (!x || x.some((v) => !(v >= 0))) continue;
    const fit = { a: 0, b: 0, c: 0 };
    terms.forEach((t, i) => { fit[(['a', 'b', 'c'] as const)[t]] = x[i]; });
    const error = relativeError(fit, points);
    if (error < bestError) {
      best = fit;
      bestError = error;
    }
  }
  return best;
}

/** The fit plus its median absolute error (percent) when each point is predicted without it. */
export function fitWithError(points: readonly Point[]): Fit {
  const fit = fitPoints(points);
  if (points.length < 3) return { ...fit, samples: points.length, medianErrorPct: null };
  const errors = points.map((p, i) => {
    const others = points.filter((_, j) => j !== i);
    const predicted = evaluate(fitPoints(others), p.flops, p.bytes);
    return (Math.abs(predicted - p.ms) / Math.max(p.ms, 1e-6)) * 100;
  });
  return { ...fit, samples: points.length, medianErrorPct: median(errors) };
}

export function fitCostModel(kernels: readonly KernelCost[]): Record<string, FamilyModel> {
  const families = [...new Set(kernels.map((k) => k.kernel))].sort();
  const model: Record<string, FamilyModel> = {};
  for (const family of families) {
    const rows = kernels.filter((k) => k.kernel === family);
    const pointsFor = (cost: Cost): Point[] => rows
      .filter((k) => k[cost].samples > 0)
      .map((k) => ({ flops: k.flops, bytes: cost === 'transformMs' ? k.weightBytes : k.activationBytes, ms: k[cost].median }));
    model[family] = Object.fromEntries(costs.map((cost) => [cost, fitWithError(pointsFor(cost))])) as unknown as FamilyModel;
  }
  return model;
}

export interface Prediction {
  executeWarmMs: number;
  executeFirstMs: number;
  transformMs: number;
  /**
   * Where the numbers come from: 'measured', the profile holds this signature and kernel;
   * 'model', the kernel's fitted family model extrapolates; 'stand-in', the profile knows nothing
   * of this kernel and the median of its operator's (else every) wasm family stands in.
   */
  source: 'measured' | 'model' | 'stand-in';
  /**
   * How far off the numbers may be, relative (0.25: ±25%): the measurement's spread over its
   * median; the family model's held-out median error (100% when it could not be judged); 100%
   * for a stand-in.
   */
  uncertainty: number;
  /** The same for `executeWarmMs` alone (warm runs pay no first call). */
  warmUncertainty: number;
}

/** The relative uncertainty of anything the profile did not measure and cannot judge. */
export const unjudgedUncertainty = 1;

export function predict(profile: DeviceProfile, kernel: string, signature: string, features: CostFeatures): Prediction | undefined {
  const measured = profile.kernels.find((k) => k.kernel === kernel && k.signature === signature);
  if (measured) {
    return {
      executeWarmMs: measured.executeWarmMs.median, executeFirstMs: measured.executeFirstMs.median, transformMs: measured.transformMs.median, source: 'measured',
      uncertainty: spreadOf(measured.executeFirstMs), warmUncertainty: spreadOf(measured.executeWarmMs),
    };
  }
  const family = profile.costModel[kernel];
  if (!family) return undefined;
  return { ...evaluateFamily(family, features), source: 'model', uncertainty: errorOf(family.executeFirstMs), warmUncertainty: errorOf(family.executeWarmMs) };
}

/** A measurement's relative uncertainty: its interquartile spread over its median. */
function spreadOf(sample: Sample): number {
  return sample.median > 0 ? Math.min(unjudgedUncertainty, sample.spread / sample.median) : 0;
}

/** A family model's relative uncertainty: its held-out median error, the largest when it could not be judged. */
function errorOf(fit: Fit): number {
  return fit.medianErrorPct === null ? unjudgedUncertainty : Math.min(fit.medianErrorPct / 100, unjudgedUncertainty);
}

/**
 * A cost for a wasm kernel the profile has no model of (it was added after the profile was made,
 * or the profile's models never met it): per cost, the median of what the profile's families of
 * the same operator predict at these features (of every wasm family when it has none of the
 * operator), with the largest uncertainty. Undefined when the profile has no wasm family at all.
 */
export function standIn(profile: DeviceProfile, op: string, features: CostFeatures): Prediction | undefined {
  const wasm = Object.keys(profile.costModel).filter((k) => k.startsWith('wasm.')).sort();
  const sameOp = wasm.filter((k) => k.startsWith(`wasm.${op}.`));
  const families = (sameOp.length ? sameOp : wasm).map((k) => evaluateFamily(profile.costModel[k], features));
  if (families.length === 0) return undefined;
  return {
    executeWarmMs: median(families.map((f) => f.executeWarmMs)),
    executeFirstMs: median(families.map((f) => f.executeFirstMs)),
    transformMs: median(families.map((f) => f.transformMs)),
    source: 'stand-in',
    uncertainty: unjudgedUncertainty,
    warmUncertainty: unjudgedUncertainty,
  };
}

function evaluateFamily(family: FamilyModel, features: CostFeatures): Pick<Prediction, Cost> {
  return {
    executeWarmMs: evaluate(family.executeWarmMs, features.flops, features.activationBytes),
    executeFirstMs: evaluate(family.executeFirstMs, features.flops, features.activationBytes),
    transformMs: evaluate(family.transformMs, features.flops, features.weightBytes),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
