/**
 * The portable kernels (kernels-simd.wasm: SIMD without relaxed SIMD, what an engine without
 * relaxed SIMD runs): a fresh process told to use them (NNCC_WASM_SIMD=portable) runs the same
 * bundle — NC4HW4 steps, split steps and all — to the reference outputs, and says which build
 * it ran; without the variable this engine runs the relaxed build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileModel, importOnnxFile } from '../../compiler/compile.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { maxRelativeError } from '../support/compare.js';
import { invertedResidualModel } from '../support/models.js';
import { repoRoot } from '../support/paths.js';

const childScript = (bundle: string, input: Float32Array): string => `
  import { Session } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'runtime', 'index.js')).href)};
  import { kernelModuleKind } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'runtime', 'kernels', 'wasm', 'module.js')).href)};
  const session = await Session.create(${JSON.stringify(bundle)});
  const data = new Float32Array(${JSON.stringify(Array.from(input))});
  const outputs = await session.run({ x: { dtype: 'float32', dims: [1, 3, 20, 20], data } });
  await session.dispose();
  console.log(JSON.stringify({ kind: kernelModuleKind(), output: Array.from(Object.values(outputs)[0].data) }));
`;

describe('portable SIMD kernels (no relaxed SIMD)', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-portable-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('run a bundle to the reference outputs in a process that asks for them; the relaxed build otherwise', () => {
    const model = join(work, 'ir.onnx');
    writeFileSync(model, invertedResidualModel({ name: 'ir', seed: 31 }));
    const bundle = join(work, 'ir.nnb');
    compileModel(model, bundle, { lanes: 2 });
    const x = randomTensor(seededRandom(32), [1, 3, 20, 20]);
    const expected = Object.values(executeGraph(importOnnxFile(model), { x }))[0].data as Float32Array;
    const script = join(work, 'child.mjs');
    writeFileSync(script, childScript(bundle, x.data as Float32Array));
    for (const [wanted, env] of [['portable', { NNCC_WASM_SIMD: 'portable' }], ['relaxed', {}]] as const) {
      const child = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, NNCC_WASM_SIMD: '', ...env } });
      assert.equal(child.status, 0, child.stderr);
      const { kind, output } = JSON.parse(child.stdout) as { kind: string; output: number[] };
      assert.equal(kind, wanted);
      assert.ok(maxRelativeError(output, expected) <= 1e-4, `${kind}: max relative error ${maxRelativeError(output, expected)}`);
    }
  });
});
