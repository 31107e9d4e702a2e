/**
 * The typed entry module every bundle carries (`index.mjs` + `index.d.mts`, generated with
 * ts-morph by `compiler/bundle/entry-module.ts`): importing it runs the model through the runtime
 * package `nncc-runtime` (here `dist/bundle`, linked into an app's node_modules as an install
 * would put it), its outputs equal the reference executor's, and its declarations type the feeds
 * and outputs by the model's names and shapes — TypeScript accepts a correct consumer and rejects
 * a wrong input name, a wrong array type and an unknown output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileModel } from '../../compiler/compile.js';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { maxRelativeError } from '../support/compare.js';
import { fixtureModelDir, repoRoot } from '../support/paths.js';

const model = join(fixtureModelDir, 'tiny-cnn.onnx');
const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');

interface EntryModule {
  inputs: Record<string, { dtype: string; dims: readonly number[] }>;
  run(feeds: Record<string, Float32Array>): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>>;
  dispose(): Promise<void>;
}

describe('typed entry module of a bundle', function () {
  this.timeout(60_000);
  let app: string;
  let input: Float32Array;

  before(() => {
    app = mkdtempSync(join(tmpdir(), 'nncc-entry-'));
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(join(repoRoot, 'dist', 'bundle'), join(app, 'node_modules', 'nncc-runtime'), 'dir');
    compileModel(model, join(app, 'tiny-cnn.nnb'));
    const bytes = readFileSync(join(fixtureModelDir, 'tiny-cnn.input.f32'));
    input = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  it('runs the model through nncc-runtime and matches the reference executor', async () => {
    const entry = (await import(pathToFileURL(join(app, 'tiny-cnn.nnb', 'index.mjs')).href)) as EntryModule;
    assert.deepEqual(entry.inputs.input, { dtype: 'float32', dims: [1, 3, 32, 32] });
    const expected = executeGraph(importOnnxFile(model), { input: { dtype: 'float32', dims: [1, 3, 32, 32], data: input } }).probabilities;
    for (let i = 0; i < 2; i++) {
      const { probabilities } = await entry.run({ input });
      assert.deepEqual(probabilities.dims, [1, 10]);
      assert.ok(maxRelativeError(probabilities.data, expected.data as Float32Array) <= 1e-4, `run ${i} differs from the reference`);
    }
    await assert.rejects(entry.run({ input: new Int32Array(3072) as unknown as Float32Array }), /NNCC\d+ input 'input': data must be a float32 typed array, got Int32Array/);
    await entry.dispose();
    const again = await entry.run({ input });
    assert.ok(maxRelativeError(again.probabilities.data, expected.data as Float32Array) <= 1e-4, 'run after dispose differs from the reference');
    await entry.dispose();
  });

  it('types feeds and outputs by the model: a correct consumer compiles, wrong names and types do not', () => {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [], skipLibCheck: false },
    }));
    const check = (body: string): { ok: boolean; output: string } => {
      writeFileSync(join(app, 'consumer.mts'), `import { run, inputs, outputs } from './tiny-cnn.nnb/index.mjs';\n${body}\n`);
      const result = spawnSync(tsc, ['-p', join(app, 'tsconfig.json')], { encoding: 'utf8' });
      return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
    };
    const good = check([
      'const out = await run({ input: new Float32Array(3072) });',
      'const dims: readonly [1, 10] = out.probabilities.dims;',
      'const data: Float32Array = out.probabilities.data;',
      'const inputDims: readonly [1, 3, 32, 32] = inputs.input.dims;',
      'const outputType: "float32" = outputs.probabilities.dtype;',
      'export { dims, data, inputDims, outputType };',
    ].join('\n'));
    assert.ok(good.ok, `the correct consumer does not compile:\n${good.output}`);
    const wrongInput = check('await run({ image: new Float32Array(3072) });');
    assert.ok(!wrongInput.ok && /image/.test(wrongInput.output), `a wrong input name compiles:\n${wrongInput.output}`);
    const wrongArray = check('await run({ input: new Int32Array(3072) });');
    assert.ok(!wrongArray.ok && /Int32Array/.test(wrongArray.output), `a wrong array type compiles:\n${wrongArray.output}`);
    const wrongOutput = check('const out = await run({ input: new Float32Array(3072) });\nexport const logits = out.logits;');
    assert.ok(!wrongOutput.ok && /logits/.test(wrongOutput.output), `an unknown output compiles:\n${wrongOutput.output}`);
  });
});
