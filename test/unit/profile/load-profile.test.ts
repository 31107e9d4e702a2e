/**
 * Device profiles: the fixture profiles validate; an invalid profile is refused with every
 * problem listed by JSON path; a profile of another format version is refused with a clear
 * message; the synthetic Pixel 5 profile reproduces the paper's per-kernel table.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompileError } from '../../../compiler/diagnostics.js';
import { predict } from '../../../compiler/profile/cost-model.js';
import { checkProfile, loadProfile } from '../../../compiler/profile/load-profile.js';
import { fixtureProfile } from '../../support/profiles.js';

const profiles = ['epyc-zen4-2core-node20', 'pixel5-cpu', 'jetson-tx2-gpu'];
const fixture = fixtureProfile;

function refusal(value: unknown): CompileError {
  try {
    checkProfile(value);
  } catch (error) {
    assert.ok(error instanceof CompileError);
    assert.equal(error.code, 'NNCC170');
    return error;
  }
  assert.fail('the profile was accepted');
}

describe('device profiles', () => {
  for (const name of profiles) {
    it(`${name}.json validates`, () => {
      const profile = loadProfile(fixture(name));
      assert.equal(profile.device.name, name);
      assert.ok(Object.keys(profile.costModel).length > 5);
    });
  }

  it('marks the paper devices as synthetic and the measured one as not', () => {
    assert.ok(loadProfile(fixture('pixel5-cpu')).synthetic);
    assert.ok(loadProfile(fixture('jetson-tx2-gpu')).synthetic);
    assert.equal(loadProfile(fixture('epyc-zen4-2core-node20')).synthetic, undefined);
  });

  it('lists every problem of an invalid profile by JSON path', () => {
    const profile = JSON.parse(readFileSync(fixture('pixel5-cpu'), 'utf8'));
    profile.device.cores = 'eight';
    delete profile.storage;
    profile.fixedCosts.processStartMs.median = -3;
    profile.lanes[1].relativeSpeed = 0;
    const message = refusal(profile).message;
    for (const path of ['/device/cores', "/ must have required property 'storage'", '/fixedCosts/processStartMs/median', '/lanes/1/relativeSpeed']) {
      assert.ok(message.includes(path), `${path} in:\n${message}`);
    }
  });

  it('refuses a profile of an older format version, saying what to do', () => {
    const profile = JSON.parse(readFileSync(fixture('pixel5-cpu'), 'utf8'));
    profile.format.version = 0;
    assert.match(refusal(profile).message, /format version 0; this nncc reads version 1[\s\S]*nncc profile/);
  });

  it('names the file when a profile is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nncc-profile-'));
    try {
      writeFileSync(join(dir, 'broken.json'), '{ "format": ');
      assert.throws(() => loadProfile(join(dir, 'broken.json')), /NNCC170 .*broken\.json: the device profile is not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pixel5-cpu predicts the paper\'s per-kernel costs for a ResNet-50 3×3 conv', () => {
    const profile = loadProfile(fixture('pixel5-cpu'));
    const features = { flops: 2 * 64 * 64 * 9 * 56 * 56, activationBytes: 2 * 64 * 56 * 56 * 4, weightBytes: 64 * 64 * 9 * 4 };
    const table = { 'wasm.Conv.winograd-f63': [38.23, 2.98], 'wasm.Conv.im2col-sgemm': [2.21, 8.14], 'wasm.Conv.direct': [0, 8.01], 'ref.Conv': [0, 87.12] };
    for (const [kernel, [transform, execute]] of Object.entries(table)) {
      const p = predict(profile, kernel, 'unmeasured', features)!;
      assert.equal(p.source, 'model');
      assert.ok(Math.abs(p.executeWarmMs - execute) < execute * 0.01, `${kernel} execute ${p.executeWarmMs}`);
      assert.ok(Math.abs(p.transformMs - transform) <= Math.max(transform * 0.01, 1e-6), `${kernel} transform ${p.transformMs}`);
    }
  });
});
