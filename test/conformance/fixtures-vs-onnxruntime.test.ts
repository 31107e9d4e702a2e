/**
 * Conformance of whole models: every fixture model, compiled to a bundle with the fast kernels
 * and to one with the reference kernels and run by `Session`, matches onnxruntime on the
 * fixture's seeded inputs (float32, int64 ids, masks), and the two bundles match each other.
 * Also pins the committed fixture files to what `fixtures/generate.ts` writes now, so they
 * cannot drift from their definitions.
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
import type { DType, Tensor, TypedArray } from '../../runtime/tensor/tensor.js';
import { compareTensors } from '../support/compare.js';

const rtol = 1e-4;
const atol = 1e-5;

/** onnxruntime names its tensor types as nncc names dtypes (float32, int64, bool…). */
async function runOnnxruntime(modelPath: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) =>
      [name, new ort.Tensor(t.dtype, t.data as ort.Tensor.DataType, [...t.dims])]));
    const results = await session.run(ortFeeds);
    return Object.fromEntries(session.outputNames.map((name) => {
      const out = results[name];
      return [name, { dtype: out.type as DType, dims: [...out.dims], data: out.data as TypedArray }];
    }));
  } finally {
    await session.release();
  }
}

async function runBundle(bundleDir: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await Session.create(bundleDir, { verify: true });
  try {
    return await session.run(feeds);
  } finally {
    session.dispose();
  }
}

function assertMatches(actual: Record<string, Tensor>, expected: Record<string, Tensor>, context: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${context}: output names`);
  for (const [name, tensor] of Object.entries(expected)) {
    const mismatch = compareTensors(actual[name], tensor, rtol, atol);
    assert.equal(mismatch, undefined, `${context}: output '${name}': ${mismatch?.reason} (max abs error ${mismatch?.maxAbsError})`);
  }
}

describe('fixture models: nncc bundles vs onnxruntime', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'nncc-fixtures-ort-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const fixture of fixtureModels) {
    it(`${fixture.name}: fast and reference-kernel bundles match onnxruntime and each other within rtol ${rtol}, atol ${atol}`, async () => {
      const modelPath = join(fixtureModelDir, `${fixture.name}.onnx`);
      const feeds = fixture.inputs();
      const expected = await runOnnxruntime(modelPath, feeds);
      const outputs: Record<string, Record<string, Tensor>> = {};
      for (const kernels of ['fast', 'reference'] as const) {
        const bundleDir = join(root, `${fixture.name}-${kernels}.nnb`);
        compileModel(modelPath, bundleDir, { kernels });
        outputs[kernels] = await runBundle(bundleDir, feeds);
        assertMatches(outputs[kernels], expected, `${kernels} kernels vs onnxruntime`);
      }
      assertMatches(outputs.fast, outputs.reference, 'fast vs reference kernels');
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
    const committed = readdirSync(fixtureModelDir).filter((f) => !f.endsWith('.ts'));
    assert.deepEqual(committed.sort(), [...generated.keys()].sort());
  });
});
