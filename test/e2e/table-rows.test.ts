/**
 * Embedding tables read by rows (compiler/lower/table-rows.ts, runtime/load/table-rows.ts): a
 * Gather of token ids from a large constant table is planned `tableRows`; every run reads just the
 * rows its ids name and matches the reference executor, run after run with other ids, negative
 * ids included, with --verify too; an id outside the table is refused naming the input; a plan
 * that claims rows for a step that cannot have them is refused at load.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { unpack } from 'msgpackr/unpack';
import { compileModel } from '../../compiler/compile.js';
import { importOnnx } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import type { Manifest } from '../../runtime/bundle/manifest.js';
import { BundleError, FeedError } from '../../runtime/errors/errors.js';
import { Session } from '../../runtime/session.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { compareTensors } from '../support/compare.js';
import { resign } from '../support/resign.js';

const vocabulary = 4096;
const width = 96;

/** ids [1, 6] → Gather from a [4096, 96] table (1.5 MiB) → + a position table → y. */
function embeddingModel(): Uint8Array {
  const random = seededRandom(51);
  const b = new OnnxModelBuilder('embedding', 13);
  const ids = b.input('input_ids', 'int64', [1, 6]);
  const table = b.initializer('word_embeddings', randomTensor(random, [vocabulary, width]));
  const gathered = b.op('Gather', [table, ids], { axis: 0 }, 'embed');
  b.output(b.op('Add', [gathered, b.initializer('positions', randomTensor(random, [1, 6, width]))], {}, 'y'));
  return b.toBytes();
}

const idsOf = (values: number[]): Tensor => ({ dtype: 'int64', dims: [1, 6], data: BigInt64Array.from(values.map(BigInt)) });

describe('embedding tables read by rows', () => {
  let root: string;
  let bundle: string;
  let modelPath: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nncc-table-rows-'));
    modelPath = join(root, 'embedding.onnx');
    writeFileSync(modelPath, embeddingModel());
    bundle = join(root, 'embedding.nnb');
    compileModel(modelPath, bundle);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('plans the Gather to read its table by rows, on the executing lane', () => {
    const schedule = JSON.parse(readFileSync(join(bundle, 'schedule.json'), 'utf8')) as { steps: { node: string; weights: string; loader: number }[] };
    const embed = schedule.steps.find((s) => s.node === 'embed')!;
    assert.deepEqual([embed.weights, embed.loader], ['rows', 0]);
  });

  for (const verify of [false, true]) {
    it(`matches the reference run after run with other ids, negative ones included${verify ? ' (--verify)' : ''}`, async () => {
      const graph = importOnnx(embeddingModel());
      const session = await Session.create(bundle, { verify });
      try {
        for (const ids of [[0, 1, 2, 4095, 17, 17], [4000, 3999, 3998, 5, 6, 7], [-1, -4096, 100, 2048, 0, 1]]) {
          const feeds = { input_ids: idsOf(ids) };
          const actual = (await session.run(feeds)).y;
          const mismatch = compareTensors(actual, executeGraph(graph, feeds).y, 0, 0);
          assert.equal(mismatch, undefined, `ids ${ids}: ${mismatch?.reason}`);
        }
      } finally {
        await session.dispose();
      }
    });
  }

  it('refuses an id outside the table naming the input, and runs again afterwards', async () => {
    const session = await Session.create(bundle);
    try {
      await assert.rejects(session.run({ input_ids: idsOf([0, 1, 4096, 2, 3, 4]) }),
        (error: unknown) => error instanceof FeedError && /NNCC210 input 'input_ids': holds index 4096, outside the 4096 rows/.test(error.message));
      await assert.rejects(session.run({ input_ids: idsOf([0, -4097, 1, 2, 3, 4]) }), FeedError);
      const y = (await session.run({ input_ids: idsOf([1, 2, 3, 4, 5, 6]) })).y;
      assert.equal(y.dims.join(), `1,6,${width}`);
    } finally {
      await session.dispose();
    }
  });

  it('refuses, at load, a plan claiming rows for a step that cannot have them', async () => {
    type EditablePlan = { steps: Record<string, unknown>[] };
    const edits: [string, (plan: EditablePlan) => void][] = [
      ['a step that is no Gather', (plan) => { plan.steps[plan.steps.length - 1].tableRows = true; }],
      ['a Gather loaded by another lane', (plan) => { plan.steps[0].loader = -1; }],
      ['rows set to something else', (plan) => { plan.steps[0].tableRows = 1; }],
    ];
    for (const [what, edit] of edits) {
      const dir = join(root, `edited-${edits.findIndex((e) => e[0] === what)}.nnb`);
      cpSync(bundle, dir, { recursive: true });
      const plan = unpack(readFileSync(join(dir, 'plan.msgpack'))) as EditablePlan;
      edit(plan);
      const bytes = new Packr({ useRecords: false }).pack(plan);
      writeFileSync(join(dir, 'plan.msgpack'), bytes);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      resign(manifest.files.find((f) => f.path === 'plan.msgpack')!, bytes);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      await assert.rejects(Session.create(dir), (error: unknown) => error instanceof BundleError
        && /^NNCC207 .*plan\.msgpack/.test(error.message) && /reads its table by rows/.test(error.message), what);
    }
  });
});
