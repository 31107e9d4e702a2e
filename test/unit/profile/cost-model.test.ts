/**
 * The cost model: recovers known coefficients, keeps them non-negative, reports held-out error,
 * and prefers a measurement of the same signature over the fit.
 */
import assert from 'node:assert/strict';
import { fitCostModel, fitPoints, fitWithError, predict } from '../../../compiler/profile/cost-model.js';
import { noSample, type DeviceProfile, type KernelCost } from '../../../compiler/profile/profile.js';
import { seededRandom } from '../../../compiler/random.js';

describe('cost model', () => {
  it('recovers a + b·flops + c·bytes from exact data', () => {
    const points = [1e6, 5e6, 2e7, 8e7, 3e8].map((flops, i) => ({ flops, bytes: (i + 1) * 1e5, ms: 0.05 + flops * 2e-8 + (i + 1) * 1e5 * 3e-7 }));
    const fit = fitPoints(points);
    assert.ok(Math.abs(fit.a - 0.05) < 1e-6 && Math.abs(fit.b - 2e-8) < 1e-12 && Math.abs(fit.c - 3e-7) < 1e-11, JSON.stringify(fit));
  });

  it('never gives negative coefficients, even when the data would like one', () => {
    const points = [1, 2, 3, 4].map((i) => ({ flops: i * 1e6, bytes: i * 1e5, ms: 10 - i }));
    const fit = fitPoints(points);
    assert.ok(fit.a >= 0 && fit.b >= 0 && fit.c >= 0);
  });

  it('reports the median held-out error, and null with too few samples', () => {
    const random = seededRandom(4);
    const points = Array.from({ length: 12 }, (_, i) => {
      const flops = (i + 1) * 1e7;
      return { flops, bytes: 1e5, ms: (0.1 + flops * 1e-8) * (1 + (random() - 0.5) * 0.2) };
    });
    const fit = fitWithError(points);
    assert.ok(fit.medianErrorPct !== null && fit.medianErrorPct > 0 && fit.medianErrorPct < 15, String(fit.medianErrorPct));
    assert.equal(fitWithError(points.slice(0, 2)).medianErrorPct, null);
  });

  it('predicts from a measurement when the signature was measured, from the fit otherwise', () => {
    const row = (signature: string, flops: number, ms: number): KernelCost => ({
      signature, op: 'Conv', kernel: 'k', flops, activationBytes: 1000, weightBytes: 100, packedBytes: 0,
      readRawMs: noSample, transformMs: noSample, readTransformedMs: noSample,
      executeWarmMs: { median: ms, spread: 0, samples: 3 }, executeFirstMs: { median: ms * 2, spread: 0, samples: 1 },
    });
    const kernels = [row('a', 1e6, 1), row('b', 2e6, 2), row('c', 4e6, 4.4)];
    const profile = { kernels, costModel: fitCostModel(kernels) } as unknown as DeviceProfile;
    assert.deepEqual(predict(profile, 'k', 'c', { flops: 4e6, activationBytes: 1000, weightBytes: 100 })?.executeWarmMs, 4.4);
    const modelled = predict(profile, 'k', 'd', { flops: 3e6, activationBytes: 1000, weightBytes: 100 })!;
    assert.equal(modelled.source, 'model');
    assert.ok(modelled.executeWarmMs > 2 && modelled.executeWarmMs < 4.4);
    assert.equal(predict(profile, 'unknown-kernel', 'a', { flops: 1, activationBytes: 1, weightBytes: 1 }), undefined);
  });
});
