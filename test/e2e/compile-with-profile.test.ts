/**
 * Compiling for a device profile: the search's choices reach the bundle (kernels, weights stored
 * transformed or not), the manifest names the profile, outputs stay equal to the reference,
 * the conventional plan (--objective warm) stores nothing transformed, and a byte budget is
 * kept or refused with a coded error.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModel } from '../../compiler/compile.js';
import { CompileError } from '../../compiler/diagnostics.js';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { Session } from '../../runtime/session.js';
import { compareTensors } from '../support/compare.js';
import { fixtureModelDir } from '../support/paths.js';
import { squeezeExcitationModel, threeConvsModel } from '../support/models.js';
import { fixtureProfile, splittingProfile } from '../support/profiles.js';

const profile = fixtureProfile;

describe('compile with a device profile', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-search-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  const model = join(fixtureModelDir, 'tiny-cnn.onnx');
  const fixture = fixtureModels.find((f) => f.name === 'tiny-cnn')!;

  for (const device of ['pixel5-cpu', 'jetson-tx2-gpu', 'epyc-zen4-2core-node20']) {
    for (const objective of ['cold', 'warm'] as const) {
      it(`${device}, objective ${objective}: a correct bundle that names the profile`, async () => {
        const bundle = join(work, `${device}-${objective}.nnb`);
        const dumpDir = join(work, `${device}-${objective}.dump`);
        const result = compileModel(model, bundle, { profile: profile(device), objective, dumpDir });
        const report = result.search!;
        assert.equal(report.profile, device);
        assert.ok(report.predictedMs >= report.lowerBoundMs - 1e-9);
        assert.ok(existsSync(join(dumpDir, '03.search.txt')));
        assert.equal(result.manifest.profile?.name, device);
        const schedule = readFileSync(join(bundle, 'schedule.json'), 'utf8');
        if (objective === 'warm') assert.doesNotMatch(schedule, /stored-transformed/);
        const session = await Session.create(bundle);
        const actual = Object.values(await session.run(fixture.inputs()))[0];
        const expected = Object.values(executeGraph(importOnnxFile(model), fixture.inputs()))[0];
        assert.equal(compareTensors(actual, expected, 1e-4, 1e-5), undefined);
      });
    }
  }

  it('never predicts a cold run slower than the default-kernel plan (fixtures, a squeeze-excitation model), and lists what it could not cost', async () => {
    const se = join(work, 'squeeze-excitation.onnx');
    writeFileSync(se, squeezeExcitationModel({ name: 'squeeze-excitation', seed: 31 }));
    const models = [model, join(fixtureModelDir, 'fire-block.onnx'), se];
    for (const device of ['pixel5-cpu', 'jetson-tx2-gpu', 'epyc-zen4-2core-node20']) {
      for (const path of models) {
        const bundle = join(work, `guard-${device}.nnb`);
        const report = compileModel(path, bundle, { profile: profile(device) }).search!;
        assert.ok(report.defaultPlanMs !== undefined && report.predictedMs <= report.defaultPlanMs + 1e-9,
          `${device}, ${path}: predicted ${report.predictedMs} ms, default-kernel plan ${report.defaultPlanMs} ms`);
        assert.ok(report.predictedHighMs >= report.predictedMs - 1e-9);
        for (const u of report.uncosted) assert.ok(!report.steps.some((s) => s.node === u.node && s.kernel === u.kernel), `${u.kernel} was chosen uncosted`);
        rmSync(bundle, { recursive: true, force: true });
      }
    }
    // The squeeze-excitation model runs as few steps (SiLU fused into its convolutions) and matches the reference.
    const bundle = join(work, 'se.nnb');
    const result = compileModel(se, bundle, { profile: profile('epyc-zen4-2core-node20') });
    assert.ok(result.stats.plannedSteps <= 12, `${result.stats.plannedSteps} steps`);
    const feeds = { x: randomTensor(seededRandom(32), [1, 3, 24, 24]) };
    const session = await Session.create(bundle);
    const actual = Object.values(await session.run(feeds))[0];
    session.dispose();
    assert.equal(compareTensors(actual, Object.values(executeGraph(importOnnxFile(se), feeds))[0], 1e-4, 1e-5), undefined);
  });

  it('continuous inference: later runs switch to the warm kernels, with the same outputs', async () => {
    const model = join(work, 'warm-switch.onnx');
    writeFileSync(model, threeConvsModel({ name: 'warm-switch', seed: 12 }));
    // Pixel 5's Winograd transform is too slow for a cold start but its execution is fastest warm.
    const bundle = join(work, 'warm-switch.nnb');
    compileModel(model, bundle, { profile: profile('pixel5-cpu') });
    const schedule = JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as { steps: { kernel: string; warmKernel: string | null }[] };
    const switching = schedule.steps.filter((s) => s.warmKernel !== null);
    assert.ok(switching.length > 0, 'some step plans a warm kernel');
    const feeds = { x: randomTensor(seededRandom(13), [1, 32, 28, 28]) };
    const session = await Session.create(bundle);
    const first = Object.values(await session.run(feeds))[0];
    await session.prepareWarmKernels();
    assert.equal(session.warmSteps, switching.length);
    const later = Object.values(await session.run(feeds))[0];
    session.dispose();
    assert.equal(compareTensors(later, first, 1e-3, 1e-4), undefined);
  });

  it('continuous inference switches when the application runs back to back, never letting the event loop idle', async () => {
    const model = join(work, 'back-to-back.onnx');
    writeFileSync(model, threeConvsModel({ name: 'back-to-back', seed: 14 }));
    const bundle = join(work, 'back-to-back.nnb');
    compileModel(model, bundle, { profile: profile('pixel5-cpu') });
    const schedule = JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as { steps: { warmKernel: string | null; warmPreparer: number | null }[] };
    const planned = schedule.steps.filter((s) => s.warmKernel !== null && s.warmPreparer === 0).length;
    assert.ok(planned > 0, 'some step plans a warm kernel this thread prepares');
    const feeds = { x: randomTensor(seededRandom(15), [1, 32, 28, 28]) };
    const session = await Session.create(bundle);
    const first = Object.values(await session.run(feeds))[0];
    let runs = 1;
    // Each await resolves as a microtask: no setImmediate callback runs between these runs.
    while (session.warmSteps < planned && runs < 1 + planned) {
      await session.run(feeds);
      runs++;
    }
    assert.equal(session.warmSteps, planned, `${session.warmSteps} of ${planned} steps switched after ${runs} runs`);
    const later = Object.values(await session.run(feeds))[0];
    session.dispose();
    assert.equal(compareTensors(later, first, 1e-3, 1e-4), undefined);
  });

  it('splits steps across executing lanes where the profile says it pays, and the outputs stay correct', async () => {
    // This machine's profile with splitting measured as nearly perfect and cheap to hand out.
    const splitting = splittingProfile('epyc-zen4-2core-node20', work, 0.02);
    const wide = join(work, 'wide-convs.onnx');
    writeFileSync(wide, threeConvsModel({ name: 'wide-convs', seed: 21, size: 56, weightScale: 0.08 }));
    const bundle = join(work, 'split.nnb');
    compileModel(wide, bundle, { profile: splitting });
    const schedule = JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as { steps: { lanes: number }[] };
    assert.ok(schedule.steps.some((s) => s.lanes === 2), `no step is split: ${schedule.steps.map((s) => s.lanes).join(',')}`);
    const capped = join(work, 'capped.nnb');
    compileModel(wide, capped, { profile: splitting, lanes: 1 });
    const cappedSchedule = JSON.parse(readFileSync(join(capped, 'schedule.json'), 'utf8')) as { steps: { lanes: number }[] };
    assert.ok(cappedSchedule.steps.every((s) => s.lanes === 1), '--lanes 1 still splits');
    const feeds = { x: randomTensor(seededRandom(5), [1, 32, 56, 56]) };
    const expected = Object.values(executeGraph(importOnnxFile(wide), feeds))[0];
    const session = await Session.create(bundle);
    const actual = Object.values(await session.run(feeds))[0];
    session.dispose();
    assert.equal(compareTensors(actual, expected, 1e-3, 1e-4), undefined);
  });

  it('keeps a bundle byte budget in the written weights file, and refuses one no plan fits', () => {
    // A device with one lane and very fast storage: storing transformed weights beats transforming at load.
    const device = JSON.parse(readFileSync(profile('pixel5-cpu'), 'utf8'));
    device.lanes = device.lanes.slice(0, 1);
    device.storage.warm.bytesPerMs *= 1000;
    const fastStorage = join(work, 'fast-storage.json');
    writeFileSync(fastStorage, JSON.stringify(device));
    const b = new OnnxModelBuilder('conv3x3', 13);
    const w = b.initializer('w', randomTensor(seededRandom(9), [64, 64, 3, 3], 0.05));
    b.output(b.op('Relu', [b.op('Conv', [b.input('x', 'float32', [1, 64, 28, 28]), w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]));
    const convModel = join(work, 'conv3x3.onnx');
    writeFileSync(convModel, b.toBytes());
    const free = compileModel(convModel, join(work, 'free.nnb'), { profile: fastStorage }).search!;
    const smallest = compileModel(convModel, join(work, 'small.nnb'), { profile: fastStorage, objective: 'warm' }).search!;
    assert.ok(free.bundleBytes > smallest.bundleBytes, 'the free plan stores some weights transformed');
    const budget = Math.floor((free.bundleBytes + smallest.bundleBytes) / 2);
    const tight = compileModel(convModel, join(work, 'tight.nnb'), { profile: fastStorage, budgets: { maxBundleBytes: budget } }).search!;
    assert.ok(tight.bundleBytes <= budget && tight.predictedMs >= free.predictedMs - 1e-9);
    // The file itself keeps the budget, with its alignment and continuous inference's warm-only weights.
    const written = statSync(join(work, 'tight.nnb', 'weights.bin')).size;
    assert.ok(written <= budget, `weights.bin holds ${written} bytes, over the ${budget}-byte budget`);
    assert.throws(() => compileModel(convModel, join(work, 'none.nnb'), { profile: fastStorage, budgets: { maxBundleBytes: 10 } }),
      (error: unknown) => error instanceof CompileError && error.code === 'NNCC150');
  });

  describe('every option is honoured or refused with a profile', () => {
    const isBadOption = (error: unknown): boolean => error instanceof CompileError && error.code === 'NNCC150';
    const scheduleOf = (bundle: string) => JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as { steps: { kernel: string; weights: string }[] };
    let convs: string;
    before(() => {
      convs = join(work, 'honoured.onnx');
      writeFileSync(convs, threeConvsModel({ name: 'honoured', seed: 16 }));
    });

    it('--no-bypass stores no weights transformed', () => {
      const free = join(work, 'bypass.nnb');
      compileModel(convs, free, { profile: profile('epyc-zen4-2core-node20') });
      assert.ok(scheduleOf(free).steps.some((s) => s.weights === 'stored-transformed'), 'the unconstrained plan stores some weights transformed');
      const bundle = join(work, 'no-bypass.nnb');
      compileModel(convs, bundle, { profile: profile('epyc-zen4-2core-node20'), bypass: false });
      assert.ok(scheduleOf(bundle).steps.every((s) => s.weights !== 'stored-transformed'));
    });

    it('--kernels reference searches the reference kernels only', () => {
      const bundle = join(work, 'reference.nnb');
      compileModel(convs, bundle, { profile: profile('epyc-zen4-2core-node20'), kernels: 'reference' });
      assert.ok(scheduleOf(bundle).steps.every((s) => s.kernel.startsWith('ref.')), scheduleOf(bundle).steps.map((s) => s.kernel).join(', '));
    });

    it('--max-memory-bytes finds the plan that fits in memory (raw weights, nothing packed at load)', () => {
      const rawBytes = 3 * 32 * 32 * 9 * 4;
      const report = compileModel(convs, join(work, 'memory.nnb'), { profile: profile('epyc-zen4-2core-node20'), budgets: { maxMemoryBytes: rawBytes + 1024 } }).search!;
      assert.ok(report.bundleBytes <= rawBytes + 1024);
    });

    it('--objective warm refuses a budget its plan does not keep', () => {
      assert.throws(() => compileModel(convs, join(work, 'warm-budget.nnb'), { profile: profile('epyc-zen4-2core-node20'), objective: 'warm', budgets: { maxBundleBytes: 1000 } }), isBadOption);
    });

    it('byte budgets without a profile are refused', () => {
      assert.throws(() => compileModel(convs, join(work, 'no-profile.nnb'), { budgets: { maxBundleBytes: 100 } }), isBadOption);
    });
  });
});
