/**
 * Pipelined loading: a plan that gives steps' weights to a loader lane runs correctly (outputs
 * equal to loading everything on the executing lane, with transforms at load too), the second
 * run is unaffected, and the trace shows the loader lane reading while lane 0 executes.
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
import { Session } from '../../runtime/session.js';
import { fixtureModelDir } from '../support/paths.js';

interface TraceEvent { ph: string; tid: number; cat: string; dur: number }

describe('pipelined loading', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-pipeline-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const fixture of fixtureModels) {
    it(`${fixture.name}: a loader lane gives the outputs of loading on the executing lane`, async () => {
      const graph = runPasses(importOnnxFile(join(fixtureModelDir, `${fixture.name}.onnx`)));
      const results = [];
      for (const [name, loader, bypass] of [['lane0', 0, true], ['lane1', 1, true], ['lane1-at-load', 1, false]] as const) {
        const loaders = new Map<Node, number>(graph.nodes.map((n, i) => [n, i % 2 === 0 ? loader : 0]));
        const bundle = join(work, `${fixture.name}-${name}.nnb`);
        writeBundle(bundle, lowerGraph(graph, { loaders, bypass }), { modelName: fixture.name, modelSha256: '0'.repeat(64), opset: graph.opset });
        const session = await Session.create(bundle);
        const first = await session.run(fixture.inputs());
        const second = await session.run(fixture.inputs());
        const events = (session.trace() as { traceEvents: TraceEvent[] }).traceEvents.filter((e) => e.ph === 'X');
        if (loader === 1) assert.ok(events.some((e) => e.tid === 1 && e.cat === 'read'), 'lane 1 read weights');
        assert.ok(events.some((e) => e.tid === 0 && e.cat === 'execute'));
        session.dispose();
        for (const key of Object.keys(first)) assert.deepEqual(second[key].data, first[key].data);
        results.push(first);
      }
      for (const other of results.slice(1)) {
        for (const key of Object.keys(results[0])) assert.deepEqual(other[key].data, results[0][key].data);
      }
    });
  }
});
