/**
 * Pipelined loading: a plan that gives steps' weights to a loader lane or to the background reads
 * (Node's I/O threads) runs correctly (outputs equal to loading everything on the executing lane,
 * with transforms at load too), in an awaited run and a blocking one, the second run is
 * unaffected, and the trace shows the loader reading while lane 0 executes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../../compiler/bundle/write-bundle.js';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import type { Node } from '../../compiler/ir/graph.js';
import { lowerGraph } from '../../compiler/lower/lower.js';
import { runPasses } from '../../compiler/passes/pipeline.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { backgroundReads } from '../../runtime/plan/plan.js';
import { Session } from '../../runtime/session.js';
import type { BundleError } from '../../runtime/errors/errors.js';
import { fixtureModelDir } from '../support/paths.js';
import { openFdCount } from '../support/process-resources.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { selectKernels } from '../../compiler/select/select-kernels.js';

interface TraceEvent { ph: string; tid: number; cat: string; dur: number }

describe('pipelined loading', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-pipeline-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** The first fixture model with every step's weights read in the background, stored transformed. */
  function backgroundBundle(name: string): { fixture: (typeof fixtureModels)[number]; bundle: string } {
    const fixture = fixtureModels[0];
    const graph = runPasses(importOnnxFile(join(fixtureModelDir, `${fixture.name}.onnx`)));
    const loaders = new Map<Node, number>(graph.nodes.map((n) => [n, backgroundReads]));
    const bundle = join(work, `${fixture.name}-${name}.nnb`);
    writeBundle(bundle, lowerGraph(graph, selectKernels(graph, 'fast', true), { loaders }), { modelName: fixture.name, modelSha256: '0'.repeat(64), opset: graph.opset });
    return { fixture, bundle };
  }

  for (const fixture of fixtureModels) {
    it(`${fixture.name}: a loader lane gives the outputs of loading on the executing lane`, async () => {
      const graph = runPasses(importOnnxFile(join(fixtureModelDir, `${fixture.name}.onnx`)));
      const results = [];
      const configurations = [
        ['lane0', 0, true], ['lane1', 1, true], ['lane1-at-load', 1, false],
        ['background', backgroundReads, true], ['background-at-load', backgroundReads, false],
      ] as const;
      for (const [name, loader, bypass] of configurations) {
        const loaders = new Map<Node, number>(graph.nodes.map((n, i) => [n, i % 2 === 0 ? loader : 0]));
        const bundle = join(work, `${fixture.name}-${name}.nnb`);
        writeBundle(bundle, lowerGraph(graph, selectKernels(graph, 'fast', bypass), { loaders }), { modelName: fixture.name, modelSha256: '0'.repeat(64), opset: graph.opset });
        const session = await Session.create(bundle);
        const first = await session.run(fixture.inputs());
        const second = await session.run(fixture.inputs());
        const events = (session.trace() as { traceEvents: TraceEvent[] }).traceEvents.filter((e) => e.ph === 'X');
        if (loader !== 0) assert.ok(events.some((e) => e.tid === loader && e.cat === 'read'), `lane ${loader} read weights`);
        assert.ok(events.some((e) => e.tid === 0 && e.cat === 'execute'));
        await session.dispose();
        for (const key of Object.keys(first)) assert.deepEqual(second[key].data, first[key].data);
        results.push(first);
        // A blocking first run cannot wait for the event loop: it reads what was not delivered yet itself.
        const blocking = Session.createSync(bundle);
        const blockingFirst = blocking.runSync(fixture.inputs());
        await blocking.dispose();
        for (const key of Object.keys(first)) assert.deepEqual(blockingFirst[key].data, first[key].data, `${name}: blocking run`);
      }
      for (const other of results.slice(1)) {
        for (const key of Object.keys(results[0])) assert.deepEqual(other[key].data, results[0][key].data);
      }
    });
  }

  it('disposing a session while its background reads are in flight closes the weights file once they are delivered', async () => {
    const { bundle } = backgroundBundle('dispose');
    for (let i = 0; i < 5; i++) {
      const session = Session.createSync(bundle);
      await session.dispose();
    }
    assert.equal(openFdCount(bundle), 0, 'every weights file is closed');
  });

  it('a background read that fails makes the run reject, naming the weights file and the step read', async () => {
    // Four 3×3 convs of 256 channels (2.4 MB of weights each): a load issues two reads (the first
    // step's, then what fits 4 MiB), the others only once the event loop turns, after the truncation.
    const random = seededRandom(3);
    const b = new OnnxModelBuilder('wide-convs', 13);
    let h = b.input('x', 'float32', [1, 256, 4, 4]);
    for (let i = 0; i < 4; i++) {
      h = b.op('Conv', [h, b.initializer(`conv${i}.weight`, randomTensor(random, [256, 256, 3, 3], 0.02))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    }
    b.output(h);
    const model = join(work, 'wide-convs.onnx');
    writeFileSync(model, b.toBytes());
    const graph = runPasses(importOnnxFile(model));
    const bundle = join(work, 'wide-convs-truncated.nnb');
    writeBundle(bundle, lowerGraph(graph, selectKernels(graph, 'fast', false), { loaders: new Map(graph.nodes.map((n) => [n, backgroundReads])) }),
      { modelName: 'wide-convs', modelSha256: '0'.repeat(64), opset: graph.opset });
    const session = Session.createSync(bundle);
    assert.ok(session.plan.steps.filter((s) => s.weightsRange.bytes > 0).length >= 4, 'more reads than the load issues');
    truncateSync(join(bundle, 'weights.bin'), 0);
    await assert.rejects(session.run({ x: randomTensor(random, [1, 256, 4, 4]) }), (error: BundleError) => {
      assert.equal(error.code, 'NNCC212', String(error));
      assert.equal(error.file, join(bundle, 'weights.bin'));
      // Read by the I/O threads, or by the run itself when it reached a step whose read was not issued yet.
      assert.match(error.message, /step '[^']+' failed: (the background read of step '[^']+' failed: )?weights file ended at byte \d+/);
      return true;
    });
    await session.dispose();
  });

  it('awaited runs started together run one after the other; runSync meanwhile is refused', async () => {
    const { fixture, bundle } = backgroundBundle('concurrent');
    const reference = Session.createSync(bundle);
    const expected = reference.runSync(fixture.inputs());
    await reference.dispose();
    const session = Session.createSync(bundle);
    const runs = [session.run(fixture.inputs()), session.run(fixture.inputs()), session.run(fixture.inputs())];
    assert.throws(() => session.runSync(fixture.inputs()), /a run of this session is under way/);
    for (const outputs of await Promise.all(runs)) {
      for (const key of Object.keys(expected)) assert.deepEqual(outputs[key].data, expected[key].data);
    }
    await session.dispose();
  });
});
