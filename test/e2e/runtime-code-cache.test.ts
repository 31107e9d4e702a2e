/**
 * The runtime package compiles itself with V8's code cache (`runtime.cache`, made by the build
 * after cold inferences): a fresh process of the Node that built it accepts the cache, and a
 * cache V8 refuses (damaged, or from another Node) or a missing one only costs the compile — the
 * runtime still loads and runs a bundle.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileModel } from '../../compiler/compile.js';
import { fixtureModelDir, repoRoot } from '../support/paths.js';

/** Imports the runtime at `runtimeDir` in a fresh process, runs `bundle` once; prints the cache state and the output's length. */
function runFresh(runtimeDir: string, bundle: string): { cache: string; outputLength: number } {
  const script = `
    const { Session, runtimeCodeCache } = await import(${JSON.stringify(pathToFileURL(join(runtimeDir, 'runtime.js')).href)});
    const session = await Session.create(${JSON.stringify(bundle)});
    const [spec] = session.inputs;
    const outputs = await session.run({ [spec.name]: { dtype: 'float32', dims: spec.dims, data: new Float32Array(spec.dims.reduce((a, b) => a * b, 1)) } });
    await session.dispose();
    console.log(JSON.stringify({ cache: runtimeCodeCache, outputLength: Object.values(outputs)[0].data.length }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim()) as { cache: string; outputLength: number };
}

describe('the runtime package\'s code cache', function () {
  this.timeout(60_000);
  let work: string;
  let bundle: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nncc-code-cache-'));
    bundle = join(work, 'tiny-cnn.nnb');
    compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), bundle);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('is accepted by a fresh process of the Node that built it', () => {
    assert.deepEqual(runFresh(join(repoRoot, 'dist', 'bundle'), bundle), { cache: 'accepted', outputLength: 10 });
  });

  it('when damaged or missing, only costs the compile: the runtime still runs the bundle', () => {
    const damaged = join(work, 'damaged-runtime');
    cpSync(join(repoRoot, 'dist', 'bundle'), damaged, { recursive: true });
    writeFileSync(join(damaged, 'runtime.cache'), Buffer.alloc(4096, 7));
    assert.deepEqual(runFresh(damaged, bundle), { cache: 'rejected', outputLength: 10 });
    rmSync(join(damaged, 'runtime.cache'));
    assert.deepEqual(runFresh(damaged, bundle), { cache: 'absent', outputLength: 10 });
  });
});
