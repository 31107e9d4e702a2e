/**
 * `nncc profile` end to end on a fixture model (--quick): writes a valid profile with fixed
 * costs, storage and a measurement per (signature, kernel) the model needs, prints the fit
 * report, and --resume measures nothing twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '../../compiler/profile/load-profile.js';
import { nncc } from '../support/cli.js';
import { fixtureModelDir } from '../support/paths.js';

describe('nncc profile', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-profile-cli-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('measures a model into a valid profile, reports the fit, and resumes without re-measuring', () => {
    const out = join(work, 'device.json');
    const first = nncc('profile', join(fixtureModelDir, 'fire-block.onnx'), '-o', out, '--quick', '--name', 'test-device', '--report');
    assert.equal(first.status, 0, first.stderr.slice(-2000));
    assert.match(first.stderr, /nncc profile: kernels \d+\/\d+/);
    assert.match(first.stdout, /cost model of test-device/);
    const profile = loadProfile(out);
    assert.equal(profile.device.name, 'test-device');
    assert.ok(profile.fixedCosts.processStartMs.median > 0);
    assert.ok(profile.storage.warm.bytesPerMs > 0);
    const kernels = new Set(profile.kernels.map((k) => k.kernel));
    for (const id of ['wasm.Conv.direct-packed', 'wasm.Conv.direct', 'ref.Conv', 'wasm.MaxPool.simd', 'ref.LRN']) assert.ok(kernels.has(id), id);
    const resumed = nncc('profile', join(fixtureModelDir, 'fire-block.onnx'), '-o', out, '--quick', '--resume', '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.doesNotMatch(resumed.stderr, /nncc profile: kernels/);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).kernels.length, profile.kernels.length);
  });
});
