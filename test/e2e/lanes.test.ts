/**
 * Intra-op lanes: a bundle compiled with --lanes 2 runs its convolutions split across the
 * executing thread and a worker on the shared memory, and gives the same outputs as one lane
 * (the split is by disjoint output bands, so results are bit-identical; a model with no kernel
 * that splits stays on one lane); the plan records the lanes per step; disposing the session
 * stops the worker.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpack } from 'msgpackr';
import { compileModel } from '../../compiler/compile.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { Session } from '../../runtime/session.js';
import type { Plan } from '../../runtime/plan/plan.js';
import { variantById } from '../../runtime/kernels/catalogue.js';
import { fixtureModelDir } from '../support/paths.js';

interface TraceEvent { ph: string; name: string; tid: number; cat: string; ts: number; dur: number }

/** The trace shows the worker's part of every split step's first run, inside the executing lane's span of that step. */
function assertWorkerPartsTraced({ traceEvents }: { traceEvents: TraceEvent[] }, plan: Plan): void {
  const split = plan.steps.filter((s) => s.lanes === 2);
  const parts = traceEvents.filter((e) => e.ph === 'X' && e.tid === 1 && e.cat === 'execute');
  assert.deepEqual(parts.map((e) => e.name).sort(), split.map((s) => `${s.node} (part)`).sort(), 'one worker span per split step');
  for (const part of parts) {
    const step = traceEvents.find((e) => e.tid === 0 && e.cat === 'execute' && `${e.name} (part)` === part.name)!;
    assert.ok(part.ts >= step.ts - 1 && part.ts + part.dur <= step.ts + step.dur + 1, `${part.name} inside its step`);
  }
}

describe('lanes', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-lanes-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const fixture of fixtureModels) {
    it(`${fixture.name}: two lanes give the outputs of one`, async () => {
      const model = join(fixtureModelDir, `${fixture.name}.onnx`);
      const outputs = [];
      for (const lanes of [1, 2]) {
        const bundle = join(work, `${fixture.name}-${lanes}.nnb`);
        compileModel(model, bundle, { lanes });
        const plan = unpack(readFileSync(join(bundle, 'plan.msgpack'))) as Plan;
        const parallelSteps = plan.steps.filter((s) => s.lanes === 2).length;
        // Convolutions and C4 elementwise kernels split; a transformer block's MatMuls and Softmax do not (yet).
        const splittable = plan.steps.filter((s) => variantById(s.kernel)?.parallel).length;
        if (lanes === 2 && splittable > 0) assert.ok(plan.lanes === 2 && parallelSteps === splittable, 'every step that can split runs on two lanes');
        const session = await Session.create(bundle);
        outputs.push(await session.run(fixture.inputs()));
        outputs.push(await session.run(fixture.inputs()));
        if (lanes === 2) assertWorkerPartsTraced(session.trace() as { traceEvents: TraceEvent[] }, plan);
        session.dispose();
      }
      for (const run of outputs.slice(1)) {
        for (const name of Object.keys(outputs[0])) assert.deepEqual(run[name].data, outputs[0][name].data);
      }
    });
  }
});
