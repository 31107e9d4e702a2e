// Bundles the compiled runtime (dist/runtime) into dist/bundle/, which is also the runtime-only
// npm package `nncc-runtime` (what a device or serverless function installs to run bundles):
// runtime.js (the entry users, serverless handlers and bundles' index.mjs import: runtime-entry.mjs),
// runtime.cjs (the runtime as one CommonJS file, which runtime.js compiles with runtime.cache,
// V8's code cache of it, made by make-code-cache.mjs), lane-worker.js (what each lane imports),
// kernels.wasm and kernels-simd.wasm beside them, and a package.json with no dependencies
// (msgpackr's decoder is bundled in). Importing it parses one file instead of ~90 modules
// (measured: ~50 ms of import become ~12 ms; the code cache's numbers are in runtime-entry.mjs).
// Run by `npm run build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const out = 'dist/bundle';
mkdirSync(out, { recursive: true });
// The kernel ABI is built in, so that loading a bundle hashes nothing (and never loads node:crypto).
const { kernelAbi } = await import(pathToFileURL(resolve('dist/runtime/kernels/catalogue.js')).href);
// On Node, msgpackr's package exports give its whole build (encoder, streams) even for
// 'msgpackr/unpack'; the runtime only decodes, so it bundles the decoder module alone (~45 KB less to load).
const common = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', define: { NNCC_BUILT_KERNEL_ABI: JSON.stringify(kernelAbi()) },
  alias: { 'msgpackr/unpack': './node_modules/msgpackr/unpack.js' },
};
// CommonJS, so that runtime.js can compile it with a code cache (Node 20 has none for ES modules);
// `import.meta.url` becomes the file's own URL.
await build({
  ...common, format: 'cjs', entryPoints: ['dist/runtime/index.js'], outfile: `${out}/runtime.cjs`,
  define: { ...common.define, 'import.meta.url': 'nnccRuntimeUrl', NNCC_BUNDLED_LANE_WORKER: JSON.stringify('./lane-worker.js') },
  banner: { js: "const nnccRuntimeUrl = require('node:url').pathToFileURL(__filename).href;" },
});
copyFileSync('runtime/build/runtime-entry.mjs', `${out}/runtime.js`);
// runtime.js names the runtime's value exports by hand: it must name every one runtime/index.ts has.
const indexExports = Object.keys(await import(pathToFileURL(resolve('dist/runtime/index.js')).href)).sort();
const entryExports = /export const \{ ([^}]+) \} = module\.exports;/.exec(readFileSync('runtime/build/runtime-entry.mjs', 'utf8'))?.[1].split(',').map((n) => n.trim()).sort();
if (JSON.stringify(entryExports) !== JSON.stringify(indexExports)) {
  throw new Error(`runtime/build/runtime-entry.mjs exports ${entryExports?.join(', ')}; runtime/index.ts exports ${indexExports.join(', ')}`);
}
await build({ ...common, entryPoints: ['dist/runtime/lane-worker.js'], outfile: `${out}/lane-worker.js` });
for (const wasm of ['kernels.wasm', 'kernels-simd.wasm']) copyFileSync(`dist/runtime/kernels/wasm/${wasm}`, `${out}/${wasm}`);
copyDeclarations('dist/runtime/index.d.ts', `${out}/types`);
// A fresh process, with no cache of an earlier build, runs cold inferences and writes the cache.
rmSync(`${out}/runtime.cache`, { force: true });
execFileSync(process.execPath, ['runtime/build/make-code-cache.mjs'], { stdio: 'inherit' });

const root = JSON.parse(readFileSync('package.json', 'utf8'));
const runtimePackage = {
  name: 'nncc-runtime',
  version: root.version,
  description: 'The nncc runtime alone: loads nncc bundles and runs them (no compiler, no dependencies)',
  license: root.license,
  type: 'module',
  engines: root.engines,
  exports: { '.': { types: './types/index.d.ts', default: './runtime.js' } },
  files: ['runtime.js', 'runtime.cjs', 'runtime.cache', 'lane-worker.js', 'kernels.wasm', 'kernels-simd.wasm', 'types'],
};
writeFileSync(`${out}/package.json`, `${JSON.stringify(runtimePackage, null, 2)}\n`);

/**
 * Copies `entry` (tsc's declarations of runtime/index.ts) and every declaration file it imports,
 * transitively, into `target`, keeping their paths relative to the entry: the public types and
 * what they name, not the whole runtime's (the package's `types`).
 */
function copyDeclarations(entry, target) {
  const root = dirname(entry);
  rmSync(target, { recursive: true, force: true });
  const pending = [entry];
  const copied = new Set();
  while (pending.length) {
    const file = pending.pop();
    if (copied.has(file)) continue;
    copied.add(file);
    const text = readFileSync(file, 'utf8');
    const to = join(target, relative(root, file));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'(\.[^']*)\.js'/g)) pending.push(join(dirname(file), `${specifier}.d.ts`));
  }
}
