/**
 * NC4HW4 end to end: bundles compiled with `--layout auto` run their NC4HW4 steps (and, with every
 * region kept, the conversions between layouts) on one lane and split across two, and give the
 * reference executor's outputs, as the same models compiled all-NCHW do; the plan records each
 * value's layout, and graph inputs and outputs stay NCHW.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpack } from 'msgpackr';
import { compileModel, importOnnxFile } from '../../compiler/compile.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { layoutConversionOps } from '../../runtime/kernels/variant.js';
import type { Plan } from '../../runtime/plan/plan.js';
import { Session } from '../../runtime/session.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { compareTensors } from '../support/compare.js';
import { compileKeepingEveryRegion, invertedResidualModel } from '../support/models.js';
import { fixtureModelDir } from '../support/paths.js';

describe('activation layouts (NC4HW4) end to end', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-layouts-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  const tinyCnn = fixtureModels.find((f) => f.name === 'tiny-cnn')!;
  const cases: { name: string; model: () => string; feeds: () => Record<string, Tensor>; conversions: number; keepEveryRegion?: boolean }[] = [
    {
      name: 'inverted residual (all NC4HW4)',
      model: () => {
        const path = join(work, 'inverted-residual.onnx');
        writeFileSync(path, invertedResidualModel({ name: 'inverted-residual', seed: 21 }));
        return path;
      },
      feeds: () => ({ x: randomTensor(seededRandom(22), [1, 3, 20, 20]) }),
      conversions: 0,
    },
    {
      name: 'tiny-cnn (NC4HW4, then NCHW; every region kept)', model: () => join(fixtureModelDir, 'tiny-cnn.onnx'), feeds: () => tinyCnn.inputs(),
      conversions: 1, keepEveryRegion: true,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: outputs match the reference on 1 and 2 lanes, as all-NCHW bundles do`, async () => {
      const model = c.model();
      const expected = Object.values(executeGraph(importOnnxFile(model, { batch: 1 }), c.feeds()))[0];
      for (const layout of ['auto', 'nchw'] as const) {
        for (const lanes of [1, 2]) {
          const bundle = join(work, `${c.name.split(' ')[0]}-${layout}-${lanes}.nnb`);
          if (layout === 'auto' && c.keepEveryRegion) compileKeepingEveryRegion(model, bundle, lanes);
          else compileModel(model, bundle, { layout, lanes });
          const plan = unpack(readFileSync(join(bundle, 'plan.msgpack'))) as Plan;
          const packed = plan.values.filter((v) => v.layout === 'NC4HW4');
          const converting = plan.steps.filter((s) => s.op === layoutConversionOps.toNCHW || s.op === layoutConversionOps.toNC4HW4);
          if (layout === 'auto') {
            assert.ok(packed.length >= 4, `${packed.length} NC4HW4 values`);
            assert.equal(converting.length, c.conversions);
          } else {
            assert.deepEqual([packed.length, converting.length], [0, 0]);
          }
          for (const v of [...plan.inputs, ...plan.outputs]) assert.equal(plan.values[v].layout, undefined);
          const session = await Session.create(bundle);
          try {
            for (let run = 0; run < 2; run++) {
              const actual = Object.values(await session.run(c.feeds()))[0];
              assert.equal(compareTensors(actual, expected, 1e-4, 1e-5), undefined, `${layout}, ${lanes} lanes, run ${run + 1}`);
            }
          } finally {
            await session.dispose();
          }
        }
      }
    });
  }
});
