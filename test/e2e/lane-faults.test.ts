/**
 * Lane faults: a loader lane that throws, exits (process.exit in the worker) or is terminated by
 * the engine (out of memory, so none of its JavaScript runs again) at start-up or in the middle
 * of its loads makes `session.run()` reject at once with NNCC212 naming the lane and the cause —
 * no wait for a timeout — and later runs reject the same way; every worker thread of the session
 * ends and its file descriptors are closed, without waiting for `dispose`. A session created
 * after the fault is cleared runs correctly. Faults come from runtime/lanes/lane-faults.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../../compiler/bundle/write-bundle.js';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import type { Node } from '../../compiler/ir/graph.js';
import { lowerGraph } from '../../compiler/lower/lower.js';
import { runPasses } from '../../compiler/passes/pipeline.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { injectLaneFault, type LaneFault } from '../../runtime/lanes/lane-faults.js';
import { Session } from '../../runtime/session.js';
import { fixtureModelDir } from '../support/paths.js';
import { eventually, openFdCount, threadCount } from '../support/process-resources.js';
import { selectKernels } from '../../compiler/select/select-kernels.js';

const tinyCnn = fixtureModels.find((f) => f.name === 'tiny-cnn')!;

const expectedCause: Record<LaneFault['kind'], RegExp> = {
  'throw': /lane 1: failed (loading the weights of step '[^']+'|to start) \(injected fault \(throw\)/,
  'exit': /lane 1: its worker thread exited with code 3/,
  'out-of-memory': /lane 1: its worker thread (was terminated without a report|failed \(Worker terminated due to reaching memory limit)/,
};

describe('lane faults', () => {
  let work: string;
  let bundle: string;
  let expected: Float32Array;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'nncc-lane-faults-'));
    bundle = join(work, 'tiny-cnn-two-lanes.nnb');
    const graph = runPasses(importOnnxFile(join(fixtureModelDir, 'tiny-cnn.onnx')));
    // Lane 1 loads (and transforms at load) every other step's weights; steps also split over both lanes.
    const loaders = new Map<Node, number>(graph.nodes.map((n, i) => [n, i % 2 === 0 ? 1 : 0]));
    writeBundle(bundle, lowerGraph(graph, selectKernels(graph, 'fast', false), { loaders, lanes: 2 }), { modelName: 'tiny-cnn', modelSha256: '0'.repeat(64), opset: graph.opset });
    const session = await Session.create(bundle);
    expected = (await session.run(tinyCnn.inputs())).probabilities.data as Float32Array;
    session.dispose();
    assert.ok(await eventually(() => threadCount() === baselineThreads()), 'the healthy session\'s lane ended');
  });
  afterEach(() => injectLaneFault());
  after(() => rmSync(work, { recursive: true, force: true }));

  let baseline: number | undefined;
  const baselineThreads = (): number => (baseline ??= threadCount() - 1);

  for (const kind of ['throw', 'exit', 'out-of-memory'] as const) {
    for (const atLoad of [-1, 1]) {
      it(`a lane that fails by ${kind} at ${atLoad < 0 ? 'start-up' : `its load ${atLoad}`}: run rejects naming the cause, no worker or fd left`, async () => {
        const threadsBefore = threadCount();
        const fdsBefore = openFdCount();
        injectLaneFault({ lane: 1, atLoad, kind });
        const session = await Session.create(bundle);
        const start = performance.now();
        const first = await session.run(tinyCnn.inputs()).then(() => undefined, (error: Error) => error);
        const rejectedMs = performance.now() - start;
        assert.ok(first, 'the run rejected');
        assert.match(first.message, /^NNCC212 /);
        assert.match(first.message, expectedCause[kind]);
        await assert.rejects(session.run(tinyCnn.inputs()), (error: Error) => error === first);
        // No dispose: the failure itself ends the lanes and closes the weights file.
        const ended = await eventually(() => threadCount() <= threadsBefore);
        const fdsAfter = openFdCount();
        console.log(`      ${kind} at ${atLoad}: rejected in ${rejectedMs.toFixed(1)} ms; threads ${threadsBefore} → ${threadCount()}, fds ${fdsBefore} → ${fdsAfter}`);
        console.log(`      ${first.message}`);
        assert.ok(rejectedMs < 5000, `rejected in ${rejectedMs} ms, not after a lane timeout`);
        assert.ok(ended, `worker threads back to ${threadsBefore} (now ${threadCount()})`);
        assert.ok(fdsAfter <= fdsBefore, `file descriptors back to ${fdsBefore} (now ${fdsAfter})`);
        session.dispose();
      });
    }
  }

  it('after a fault is cleared, a new session on the same bundle runs correctly', async () => {
    const session = await Session.create(bundle);
    const outputs = await session.run(tinyCnn.inputs());
    session.dispose();
    assert.deepEqual(outputs.probabilities.data, expected);
  });
});
