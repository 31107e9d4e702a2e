/**
 * Bucket sets (`nncc compile --buckets`, BucketedSession): a masked text model compiled for a few
 * sequence sizes runs feeds of any length up to the largest, matching the model compiled for
 * that exact length, per-token outputs cut back; a length beyond the largest bucket, a damaged
 * rule and a bucket of another model are refused;
 * a model that does not ignore padded positions is refused at compile time; `nncc run` takes
 * input files of any length.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { compileBuckets } from '../../compiler/buckets.js';
import { importOnnx } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import { BucketedSession } from '../../runtime/bucketed-session.js';
import { BundleError, FeedError } from '../../runtime/errors/errors.js';
import { Session } from '../../runtime/session.js';
import { fromNumbers, type Tensor } from '../../runtime/tensor/tensor.js';
import { nncc } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { compareTensors } from '../support/compare.js';

const int64 = (values: number[]): Tensor => fromNumbers('int64', [values.length], values);

/** ids, mask [1, sequence] → embeddings masked per token ('tokens' [1, sequence, 8]) and their masked mean ('pooled' [1, 8]). */
function maskedModel(masked = true): Uint8Array {
  const b = new OnnxModelBuilder(masked ? 'masked' : 'unmasked', 13);
  const ids = b.input('input_ids', 'int64', [1, 'sequence']);
  const mask = b.input('attention_mask', 'int64', [1, 'sequence']);
  const embedded = b.op('Gather', [b.initializer('table', randomTensor(seededRandom(61), [50, 8])), ids], { axis: 0 });
  if (!masked) {
    b.output(b.op('ReduceMean', [embedded], { axes: [1], keepdims: 0 }, 'pooled'));
    return b.toBytes();
  }
  const weights = b.op('Cast', [mask], { to: 1 });
  const tokens = b.op('Mul', [embedded, b.op('Unsqueeze', [weights, b.initializer('axis2', int64([2]))])], {}, 'tokens');
  const sums = b.op('ReduceSum', [tokens, b.initializer('axis1', int64([1]))], { keepdims: 0 });
  const counts = b.op('ReduceSum', [weights, b.initializer('axis1b', int64([1]))], { keepdims: 1 });
  b.output(tokens);
  b.output(b.op('Div', [sums, counts], {}, 'pooled'));
  return b.toBytes();
}

function feedsOf(length: number): Record<string, Tensor> {
  const ids = Array.from({ length }, (_, i) => (i * 7 + 3) % 50);
  return {
    input_ids: fromNumbers('int64', [1, length], ids),
    attention_mask: fromNumbers('int64', [1, length], ids.map((_, i) => (i < length - 2 ? 1 : 0))),
  };
}

describe('bucket sets: one model, a few sequence sizes', () => {
  let root: string;
  let modelPath: string;
  let setDir: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nncc-buckets-'));
    modelPath = join(root, 'masked.onnx');
    writeFileSync(modelPath, maskedModel());
    setDir = join(root, 'masked.nnb');
    compileBuckets(modelPath, setDir, { dim: 'sequence', sizes: [16, 4, 8] });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the rule: ascending sizes, the padded inputs, the outputs to cut (valid by schemas/buckets.schema.json)', () => {
    const validate = new Ajv.default({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'schemas', 'buckets.schema.json'), 'utf8')));
    assert.ok(validate(JSON.parse(readFileSync(join(setDir, 'buckets.json'), 'utf8'))), JSON.stringify(validate.errors));
    const session = BucketedSession.create(setDir);
    assert.deepEqual(session.sizes, [4, 8, 16]);
    assert.deepEqual(session.set.inputs, [{ name: 'input_ids', axis: 1, pad: 0 }, { name: 'attention_mask', axis: 1, pad: 0 }]);
    assert.deepEqual(session.set.outputs, [{ name: 'tokens', axis: 1 }]);
  });

  it('runs every length up to the largest bucket as the model at that exact length does', async () => {
    const session = BucketedSession.create(setDir);
    try {
      for (const length of [1, 3, 4, 5, 8, 11, 16]) {
        const feeds = feedsOf(length);
        const expected = executeGraph(importOnnx(maskedModel(), { dims: { sequence: length } }), feeds);
        const actual = await session.run(feeds);
        for (const name of ['tokens', 'pooled']) {
          assert.deepEqual(actual[name].dims, expected[name].dims, `${name} at length ${length}`);
          const mismatch = compareTensors(actual[name], expected[name], 1e-5, 1e-6);
          assert.equal(mismatch, undefined, `${name} at length ${length}: ${mismatch?.reason}`);
        }
      }
    } finally {
      await session.dispose();
    }
  });

  it('refuses a length beyond the largest bucket, and inputs of different lengths', async () => {
    const session = BucketedSession.create(setDir);
    try {
      await assert.rejects(session.run(feedsOf(17)), (e: unknown) => e instanceof FeedError && /'sequence' is 17, longer than the largest bucket \(4, 8, 16\)/.test(e.message));
      const mixed = { ...feedsOf(5), attention_mask: feedsOf(6).attention_mask };
      await assert.rejects(session.run(mixed), (e: unknown) => e instanceof FeedError && /'sequence' is 6; another input has 5/.test(e.message));
    } finally {
      await session.dispose();
    }
  });

  it('refuses, at compile time, a model whose output changes with padding (NNCC121)', () => {
    const path = join(root, 'unmasked.onnx');
    writeFileSync(path, maskedModel(false));
    assert.throws(() => compileBuckets(path, join(root, 'unmasked.nnb'), { dim: 'sequence', sizes: [8] }),
      /NNCC121 .*padding 'sequence' from 6 to 8 changes output 'pooled'.*does not ignore padded positions/);
  });

  it('refuses a damaged buckets.json, and a bucket of another model, naming the file (NNCC214)', async () => {
    const damaged = join(root, 'damaged.nnb');
    cpSync(setDir, damaged, { recursive: true });
    const rule = JSON.parse(readFileSync(join(damaged, 'buckets.json'), 'utf8')) as { buckets: { size: number; bundle: string }[]; model: { sha256: string } };
    writeFileSync(join(damaged, 'buckets.json'), JSON.stringify({ ...rule, buckets: [...rule.buckets].reverse() }));
    assert.throws(() => BucketedSession.create(damaged), (e: unknown) => e instanceof BundleError && /^NNCC214 .*buckets\.json: 'buckets' sizes must be positive and ascending/.test(e.message));
    writeFileSync(join(damaged, 'buckets.json'), JSON.stringify({ ...rule, buckets: rule.buckets.map((b) => ({ ...b, bundle: '../x.nnb' })) }));
    assert.throws(() => BucketedSession.create(damaged), /NNCC214 .*'bundle' must be a directory name inside the set/);
    writeFileSync(join(damaged, 'buckets.json'), JSON.stringify({ ...rule, model: { ...rule.model, sha256: '0'.repeat(64) } }));
    const session = BucketedSession.create(damaged);
    await assert.rejects(session.run(feedsOf(3)), /NNCC214 .*manifest\.json: this bucket was compiled from another model than the set/);
    await session.dispose();
  });

  it('a bucket set given where one bundle is expected says what it is', async () => {
    await assert.rejects(Session.create(setDir), /NNCC200 .*is a bucket set \(buckets\.json\), not one bundle: load it with BucketedSession/);
    for (const command of [['verify', setDir], ['inspect', setDir], ['explain', setDir], ['diff', setDir, setDir]]) {
      const refused = nncc(...command);
      assert.notEqual(refused.status, 0, command[0]);
      assert.match(refused.stderr + refused.stdout, /bucket set \(buckets\.json\)/, command[0]);
    }
  });

  it('nncc run takes input files of any length and says which bucket ran', () => {
    const feeds = feedsOf(6);
    for (const [name, t] of Object.entries(feeds)) writeFileSync(join(root, `${name}.i64`), new Uint8Array(t.data.buffer));
    const ran = nncc('run', setDir, '--input', `input_ids=${join(root, 'input_ids.i64')}`, '--input', `attention_mask=${join(root, 'attention_mask.i64')}`, '--json');
    assert.equal(ran.status, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { sequence: number; bucket: number; outputs: Record<string, { dims: number[] }> };
    assert.deepEqual([result.sequence, result.bucket, result.outputs.tokens.dims], [6, 8, [1, 6, 8]]);
  });
});
