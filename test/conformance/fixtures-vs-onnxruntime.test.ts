/**
 * Conformance of whole models: every fixture model, compiled to a bundle and run by `Session`,
 * matches onnxruntime on the fixture's seeded inputs. Also pins the committed fixture files to
 * what `fixtures/generate.ts` writes now, so they cannot drift from their definitions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { compileModel } from '../../compiler/compile.js';
import { fixtureFiles, fixtureModelDir } from '../../fixtures/generate.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { Session } from '../../runtime/session.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { compareTensors } from '../support/compare.js';

const rtol = 1e-4;
const atol = 1e-5;

async function runOnnxruntime(modelPath: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) =>
      [name, new ort.Tensor('float32', t.data as Float32Array, [...t.dims])]));
    const results = await session.run(ortFeeds);
    return Object.fromEntries(session.outputNames.map((name) => {
      const out = results[name];
      assert.equal(out.type, 'float32', `onnxruntime output '${name}'`);
      return [name, { dtype: 'float32', dims: [...out.dims], data: out.data as Float32Array }];
    }));
  } finally {
    await session.release();
  }
}

describe('fixture models: nncc bundle vs onnxruntime', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'nncc-fixtures-ort-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const fixture of fixtureModels) {
    it(`${fixture.name} matches within rtol ${rtol}, atol ${atol}`, async () => {
      const modelPath = join(fixtureModelDir, `${fixture.name}.onnx`);
      const bundleDir = join(root, `${fixture.name}.nnb`);
      compileModel(modelPath, bundleDir);
      const feeds = fixture.inputs();
      const session = await Session.create(bundleDir, { verify: true });
      let actual: Record<string, Tensor>;
      try {
        actual = await session.run(feeds);
      } finally {
        session.dispose();
      }
      const expected = await runOnnxruntime(modelPath, feeds);
      assert.deepEqual(Object.keys(actual), Object.keys(expected), 'output names');
      for (const [name, tensor] of Object.entries(expected)) {
        const mismatch = compareTensors(actual[name], tensor, rtol, atol);
        assert.equal(mismatch, undefined, `output '${name}': ${mismatch?.reason} (max abs error ${mismatch?.maxAbsError})`);
      }
    });
  }
});

describe('fixture files', () => {
  const generated = fixtureFiles();

  it('has every generated file committed, byte-identical', () => {
    for (const [name, bytes] of generated) {
      const committed = new Uint8Array(readFileSync(join(fixtureModelDir, name)));
      assert.ok(Buffer.from(committed).equals(Buffer.from(bytes)),
        `fixtures/models/${name} differs from what fixtures/generate.ts writes; run \`npm run fixtures\` and review the diff`);
    }
  });

  it('has no committed model or input that the definitions no longer make', () => {
    const committed = readdirSync(fixtureModelDir).filter((f) => f.endsWith('.onnx') || f.endsWith('.f32'));
    assert.deepEqual(committed.sort(), [...generated.keys()].sort());
  });
});
