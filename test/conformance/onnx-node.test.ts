/**
 * The ONNX backend node tests for every supported operator (see node-tests.ts): no case may
 * fail; skips must carry a reason. Skips when ../shared is absent. `node
 * dist/test/conformance/run.js` prints the full table.
 */
import assert from 'node:assert/strict';
import { conformanceDir, hasShared } from '../support/paths.js';
import { listCases, runCase } from './node-tests.js';

describe('ONNX conformance (backend node tests)', function () {
  before(function () {
    if (!hasShared(conformanceDir)) this.skip();
  });

  for (const kernels of ['reference', 'fast'] as const) {
    it(`passes every case of every supported operator with ${kernels} kernels, or skips it with a stated reason`, () => checkAll(kernels));
  }

  function checkAll(kernels: 'reference' | 'fast'): void {
    const cases = listCases(conformanceDir);
    assert.ok(cases.length > 150, `found only ${cases.length} cases`);
    const results = cases.map((c) => runCase(c, kernels));
    const failed = results.filter((r) => r.outcome === 'failed');
    assert.deepEqual(failed.map((f) => `${f.name}: ${f.detail}`), []);
    for (const skipped of results.filter((r) => r.outcome === 'skipped')) assert.ok(skipped.detail, skipped.name);
    assert.ok(results.filter((r) => r.outcome === 'passed').length >= 200);
  }
});
