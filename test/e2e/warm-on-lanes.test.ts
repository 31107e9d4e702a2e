/**
 * Continuous inference with worker lanes: the plan names the lane that prepares the warm kernels
 * (`warm.preparer`); a worker lane prepares them after the first run, between its parts of split
 * steps, and the executing thread switches each step over — also steps split across lanes, whose
 * parts on the worker must then run the warm kernel too. Outputs equal the reference before and
 * after the switch, with the weights streamed and with `verify` (everything read up front), and
 * the compiler gives the preparation to a worker lane when the plan starts one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../../compiler/bundle/write-bundle.js';
import { compileModel } from '../../compiler/compile.js';
import { importOnnx } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import type { Node } from '../../compiler/ir/graph.js';
import { lowerGraph } from '../../compiler/lower/lower.js';
import { runPasses } from '../../compiler/passes/pipeline.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { variantById } from '../../runtime/kernels/catalogue.js';
import { Session } from '../../runtime/session.js';
import { compareTensors } from '../support/compare.js';
import { threeConvsModel } from '../support/models.js';
import { fixtureProfile, splittingProfile } from '../support/profiles.js';

const dims = [1, 32, 28, 28];

describe('warm kernels prepared on worker lanes', function () {
  this.timeout(60_000);
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-warm-lanes-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('a worker lane prepares them; split steps switch too; outputs equal the reference (streamed and verified)', async () => {
    const bytes = threeConvsModel({ name: 'three-convs', seed: 31 });
    const graph = runPasses(importOnnx(bytes, { name: 'three-convs' }));
    const direct = variantById('wasm.Conv.direct')!;
    const winograd = variantById('wasm.Conv.winograd-f43')!;
    const choices = new Map(graph.nodes.map((n) => [n, { variant: direct, bypass: false }]));
    const warmChoices = new Map(graph.nodes.map((n) => [n, winograd]));
    // Step a loads on the worker; steps b and c split across both lanes.
    const loaders = new Map<Node, number>(graph.nodes.map((n, i) => [n, i === 0 ? 1 : 0]));
    const stepLanes = new Map<Node, number>(graph.nodes.map((n, i) => [n, i === 0 ? 1 : 2]));
    const bundle = join(work, 'warm-lanes.nnb');
    writeBundle(bundle, lowerGraph(graph, choices, { warmChoices, loaders, stepLanes, warmPreparer: 1 }), { modelName: 'three-convs', modelSha256: '0'.repeat(64), opset: 13 });

    const feeds = { x: randomTensor(seededRandom(7), dims) };
    const expected = Object.values(executeGraph(graph, feeds))[0];
    for (const verify of [false, true]) {
      const session = await Session.create(bundle, { verify });
      assert.ok(session.plan.steps.every((s) => s.warm?.preparer === 1));
      const first = Object.values(await session.run(feeds))[0];
      assert.equal(compareTensors(first, expected, 1e-3, 1e-4), undefined, `first run (verify ${verify})`);
      await session.prepareWarmKernels();
      assert.equal(session.warmSteps, 3, `warm steps (verify ${verify})`);
      for (let run = 0; run < 2; run++) {
        const later = Object.values(await session.run(feeds))[0];
        assert.equal(compareTensors(later, expected, 1e-3, 1e-4), undefined, `run ${run + 2} on warm kernels (verify ${verify})`);
      }
      await session.dispose();
    }
  });

  it('the compiler gives the warm kernels to a worker lane when the plan starts one, else to the executing thread', () => {
    const model = join(work, 'three-convs.onnx');
    writeFileSync(model, threeConvsModel({ name: 'three-convs', seed: 31 }));
    // Pixel 5: Winograd is too slow to transform cold but fastest warm; with a cheap, efficient split the plan starts a worker.
    // 36 864 bytes: one convolution's raw weights (32·32·3·3 floats).
    const splitting = splittingProfile('pixel5-cpu', work, 0.01);
    type Schedule = { steps: { warmKernel: string | null; warmPreparer: number | null; lanes: number; loader: number }[] };
    const scheduleOf = (bundle: string): Schedule => JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as Schedule;

    compileModel(model, join(work, 'one-lane.nnb'), { profile: fixtureProfile('pixel5-cpu') });
    const oneLane = scheduleOf(join(work, 'one-lane.nnb'));
    assert.ok(oneLane.steps.some((s) => s.warmKernel !== null), 'the plan has warm kernels');
    // No worker: every step runs on the executing lane, its weights loaded there or by the background reads (-1).
    assert.ok(oneLane.steps.every((s) => s.lanes === 1 && s.loader <= 0));
    assert.ok(oneLane.steps.every((s) => s.warmKernel === null || s.warmPreparer === 0), 'no worker: the executing thread prepares');

    // Larger images make splitting pay; a bundle budget of the raw weights keeps Winograd (stored
    // transformed, its bytes read beside execution) out of the cold plan, so it stays the warm kernel.
    const large = join(work, 'three-convs-112.onnx');
    writeFileSync(large, threeConvsModel({ name: 'three-convs-112', seed: 31, size: 112 }));
    compileModel(large, join(work, 'workers.nnb'), { profile: splitting, budgets: { maxBundleBytes: 3 * 36_864 } });
    const workers = scheduleOf(join(work, 'workers.nnb'));
    assert.ok(workers.steps.some((s) => s.lanes > 1 || s.loader > 0), 'the plan starts a worker');
    assert.ok(workers.steps.some((s) => s.warmKernel !== null), 'the plan has warm kernels');
    const preparers = new Set(workers.steps.filter((s) => s.warmKernel !== null).map((s) => s.warmPreparer));
    assert.equal(preparers.size, 1, 'one lane prepares every warm kernel');
    const [preparer] = preparers;
    assert.ok(preparer! > 0 && workers.steps.some((s) => s.loader === preparer || s.lanes > preparer!), `lane ${preparer} is a worker the plan starts anyway`);
  });
});
