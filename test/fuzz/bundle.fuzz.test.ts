/**
 * Property-based fuzzing of the runtime's bundle reading: tiny-cnn compiled without a profile, also
 * on two lanes, with a loader lane, with background reads and with a tier-up list in its manifest,
 * and a model whose pixel5 plan switches to warm kernels (`support/bundles.ts`); every bundle file truncated at any offset or with
 * any byte flipped. `Session.create` + `run` must refuse with an error naming the bundle, or give
 * the undamaged outputs bit for bit, also when plan.msgpack is damaged and the manifest re-signed
 * (so the plan's structural checks, not its hash, must catch it); a changed output is allowed only for weights.bin without
 * verify, and verify must then refuse it. Also what `test/unit/bundle` does not cover: absolute
 * and `..` paths in files[], symlinked bundle files, plans swapped between bundles.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compileModel } from '../../compiler/compile.js';
import type { Manifest } from '../../runtime/bundle/manifest.js';
import { backgroundReads } from '../../runtime/plan/plan.js';
import { fixtureModelDir } from '../support/paths.js';
import { bundleFileNames, fuzzBundleKinds, makeFuzzBundle, type FuzzBundle } from './support/bundles.js';
import { applyByteMutation, applyByteMutations, byteMutationsArb, flipArb, truncateArb } from './support/mutations.js';
import { bundleCase, mutatedBundleCase, resignedPlanCase, takeVerdictCounts, type CaseResult } from './support/properties.js';

const runs = { seed: 42, numRuns: 60 };

function expectRefused(result: CaseResult, code: string, file: string, label: string): void {
  assert.equal(result.verdict, 'clear-error', `${label}: ${result.verdict} ${result.detail ?? ''}`);
  assert.equal(result.code, code, `${label}: ${result.detail}`);
  assert.ok(result.detail!.includes(file), `${label}: the message does not name ${file}: ${result.detail}`);
}

describe('fuzz: bundles', function () {
  this.timeout(120_000);
  let root: string;
  const bundles: FuzzBundle[] = [];
  let counter = 0;
  const freshCopy = (bundle: FuzzBundle): string => {
    const dir = join(root, `copy-${counter++}`, 'bundle.nnb');
    cpSync(bundle.goodDir, dir, { recursive: true });
    return dir;
  };

  before(async () => {
    takeVerdictCounts();
    root = mkdtempSync(join(tmpdir(), 'nncc-fuzz-bundle-'));
    for (const kind of fuzzBundleKinds) bundles.push(await makeFuzzBundle(root, kind));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    process.stdout.write(`      fuzz: bundles (seed ${runs.seed}): ${takeVerdictCounts()}\n`);
  });

  it('covers one lane, a worker lane, a loader lane and background reads with transforms at load, warm kernels and tier-up', () => {
    const [plain, twoLanes, loader, background, warm, tierUp] = bundles;
    const listed = (JSON.parse(new TextDecoder().decode(tierUp.files['manifest.json'])) as { tierUpFunctions?: Record<string, number[]> }).tierUpFunctions;
    assert.ok(Object.values(listed ?? {}).some((functions) => functions.length > 0), 'a manifest lists functions to tier up');
    assert.equal(plain.plan.lanes, 1);
    assert.ok(twoLanes.plan.lanes > 1, 'the two-lane plan starts a worker lane');
    assert.ok(warm.plan.steps.some((s) => s.warm && s.warm.weightsRange.bytes > 0), 'a plan reads weights for a warm kernel');
    assert.ok(loader.plan.steps.some((s) => s.loader > 0 && s.weightsRange.bytes > 0), 'a loader lane reads weights');
    assert.ok(loader.plan.transforms.length > 0, 'some weights are transformed at load');
    assert.ok(background.plan.steps.some((s) => s.loader === backgroundReads && s.weightsRange.bytes > 0 && s.transforms.length > 0),
      'some weights are read in the background and transformed on the executing lane');
  });

  for (const file of bundleFileNames) {
    it(`${file} truncated or with a byte flipped: refused naming the bundle, or the same outputs bit for bit`, async () => {
      await fc.assert(fc.asyncProperty(fc.nat({ max: fuzzBundleKinds.length - 1 }), fc.oneof(truncateArb, flipArb), fc.boolean(), async (which, mutation, verify) => {
        const bundle = bundles[which];
        const bytes = applyByteMutation(bundle.files[file], mutation);
        const result = await mutatedBundleCase(bundle.goodDir, bundle.workDir, file, bytes, bundle.feeds, bundle.expected, verify);
        const label = `${bundle.label} ${file} ${JSON.stringify(mutation)} verify=${verify}`;
        assert.ok(['clear-error', 'correct', 'changed-caught'].includes(result.verdict), `${label}: ${result.verdict} ${result.detail ?? ''}`);
        // Loading reads schedule.json only to verify it (with `verify`, every listed file is checked).
        const changed = bytes.length !== bundle.files[file].length || bytes.some((b, i) => b !== bundle.files[file][i]);
        if (file === 'schedule.json') assert.equal(result.verdict, verify && changed ? 'clear-error' : 'correct', `${label}: schedule.json is read only to verify it`);
      }), runs);
    });
  }

  it('plan.msgpack damaged and re-signed in the manifest: the structural checks refuse it, or the outputs are the same', async () => {
    await fc.assert(fc.asyncProperty(fc.nat({ max: fuzzBundleKinds.length - 1 }), byteMutationsArb, fc.boolean(), async (which, mutations, verify) => {
      const bundle = bundles[which];
      const bytes = applyByteMutations(bundle.files['plan.msgpack'], mutations);
      const result = await resignedPlanCase(bundle.goodDir, bundle.workDir, bytes, bundle.feeds, bundle.expected, verify);
      const label = `${bundle.label} ${JSON.stringify(mutations)} verify=${verify}`;
      assert.ok(result.verdict === 'clear-error' || result.verdict === 'correct', `${label}: ${result.verdict} ${result.detail ?? ''}`);
    }), { ...runs, numRuns: 150 });
  });

  it('verify refuses every flipped byte of weights.bin (NNCC206)', async () => {
    await fc.assert(fc.asyncProperty(fc.nat({ max: fuzzBundleKinds.length - 1 }), flipArb, async (which, mutation) => {
      const bundle = bundles[which];
      const bytes = applyByteMutation(bundle.files['weights.bin'], mutation);
      const result = await mutatedBundleCase(bundle.goodDir, bundle.workDir, 'weights.bin', bytes, bundle.feeds, bundle.expected, true);
      expectRefused(result, 'NNCC206', join(bundle.workDir, 'weights.bin'), `${bundle.label} ${JSON.stringify(mutation)}`);
    }), runs);
  });

  it('runs without reading schedule.json (garbage or deleted: the same outputs), and verify refuses it damaged', async () => {
    for (const bundle of bundles) {
      const dir = freshCopy(bundle);
      writeFileSync(join(dir, 'schedule.json'), 'not json at all');
      assert.equal((await bundleCase(dir, bundle.feeds, bundle.expected, false)).verdict, 'correct');
      expectRefused(await bundleCase(dir, bundle.feeds, bundle.expected, true), 'NNCC205', join(dir, 'schedule.json'), `${bundle.label} garbage schedule.json`);
      unlinkSync(join(dir, 'schedule.json'));
      assert.equal((await bundleCase(dir, bundle.feeds, bundle.expected, false)).verdict, 'correct');
      expectRefused(await bundleCase(dir, bundle.feeds, bundle.expected, true), 'NNCC200', join(dir, 'schedule.json'), `${bundle.label} deleted schedule.json`);
    }
  });

  it('refuses files[] paths that are absolute or climb out of the bundle (NNCC201)', async () => {
    for (const path of ['/etc/passwd', '/tmp/weights.bin', 'sub/../weights.bin', '..', '.', 'a/b', 'C:\\weights.bin', '', 'weights.bin\0']) {
      const dir = freshCopy(bundles[0]);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      manifest.files.find((f) => f.path === 'weights.bin')!.path = path;
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      expectRefused(await bundleCase(dir, bundles[0].feeds, bundles[0].expected, false), 'NNCC201', join(dir, 'manifest.json'), JSON.stringify(path));
    }
  });

  it('refuses bundle files that are symbolic links, even to an identical file outside the bundle (NNCC200)', async () => {
    for (const bundle of bundles) {
      for (const file of ['weights.bin', 'plan.msgpack', 'manifest.json']) {
        const dir = freshCopy(bundle);
        const outside = join(dir, '..', `outside-${file}`);
        copyFileSync(join(dir, file), outside);
        unlinkSync(join(dir, file));
        symlinkSync(outside, join(dir, file));
        for (const verify of [false, true]) {
          expectRefused(await bundleCase(dir, bundle.feeds, bundle.expected, verify), 'NNCC200', join(dir, file), `${bundle.label} ${file} verify=${verify}`);
        }
      }
    }
  });

  it('refuses plan.msgpack swapped in from another bundle (NNCC206, hash mismatch)', async () => {
    const fireBlock = join(root, 'fire-block.nnb');
    compileModel(join(fixtureModelDir, 'fire-block.onnx'), fireBlock);
    const [plain, twoLanes] = bundles;
    for (const [into, from] of [[plain.goodDir, twoLanes.goodDir], [twoLanes.goodDir, plain.goodDir], [plain.goodDir, fireBlock]] as const) {
      const dir = join(root, `swap-${counter++}`, 'bundle.nnb');
      cpSync(into, dir, { recursive: true });
      copyFileSync(join(from, 'plan.msgpack'), join(dir, 'plan.msgpack'));
      for (const verify of [false, true]) {
        const result = await bundleCase(dir, plain.feeds, plain.expected, verify);
        assert.equal(result.verdict, 'clear-error', `${from} into ${into}: ${result.verdict} ${result.detail ?? ''}`);
        assert.ok(result.code === 'NNCC206' || result.code === 'NNCC205', result.detail);
        assert.ok(result.detail!.includes(join(dir, 'plan.msgpack')), result.detail);
      }
    }
  });

  it('refuses manifest.json and plan.msgpack swapped in together over other weights', async () => {
    const [plain, twoLanes] = bundles;
    for (const [into, from] of [[plain, twoLanes], [twoLanes, plain]] as const) {
      const dir = freshCopy(into);
      for (const file of ['manifest.json', 'plan.msgpack']) copyFileSync(join(from.goodDir, file), join(dir, file));
      for (const verify of [false, true]) {
        const result = await bundleCase(dir, plain.feeds, plain.expected, verify);
        assert.equal(result.verdict, 'clear-error', `${from.label} over ${into.label} verify=${verify}: ${result.verdict} ${result.detail ?? ''}`);
        // Without verify the weights' size gives it away; verify finds schedule.json (checked before the weights) differs first.
        assert.ok(result.detail!.includes(join(dir, verify ? 'schedule.json' : 'weights.bin')), result.detail);
      }
    }
  });
});
