// Makes dist/bundle/runtime.cache, V8's code cache of runtime.cjs, after what a cold start runs:
// compiling the fixture models with the fixture profile (cold plans: background reads, stored
// transformed weights) and without one, loading each bundle and running it once. Run by
// bundle-runtime.mjs in a fresh process, after runtime.cache was removed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = resolve('dist/bundle');
const { Session, createRuntimeCodeCache } = await import(pathToFileURL(join(out, 'runtime.js')).href);
const { compileModel } = await import(pathToFileURL(resolve('dist/compiler/compile.js')).href);
const work = mkdtempSync(join(tmpdir(), 'nncc-code-cache-'));
try {
  const profile = resolve('fixtures/profiles/epyc-zen4-2core-node20.json');
  for (const model of ['tiny-cnn', 'fire-block']) {
    for (const [name, options] of [['cold', { profile }], ['plain', {}]]) {
      const bundle = join(work, `${model}-${name}.nnb`);
      compileModel(resolve(`fixtures/models/${model}.onnx`), bundle, options);
      const session = await Session.create(bundle);
      const feeds = Object.fromEntries(session.inputs.map((spec) => [spec.name, {
        dtype: spec.dtype, dims: spec.dims, data: new Float32Array(spec.dims.reduce((a, b) => a * b, 1)).fill(0.5),
      }]));
      await session.run(feeds);
      await session.run(feeds);
      await session.dispose();
    }
  }
  writeFileSync(join(out, 'runtime.cache'), createRuntimeCodeCache());
} finally {
  rmSync(work, { recursive: true, force: true });
}
