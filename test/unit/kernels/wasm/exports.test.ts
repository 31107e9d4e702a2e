/**
 * The typed kernel exports (exports.generated.d.ts, which the build derives from the AssemblyScript
 * signatures) against both built modules: the same functions, each with as many parameters as
 * the module's function takes. A stale typing (a build that skipped generating it) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileKernelBuild, instantiateKernels, kernelModuleBytes, kernelModuleKinds } from '../../../../runtime/kernels/wasm/module.js';
import { repoRoot } from '../../../support/paths.js';

/** Member name → parameter count, as the generated interface declares them. */
function typedExports(): Map<string, number> {
  const text = readFileSync(join(repoRoot, 'runtime', 'kernels', 'wasm', 'exports.generated.d.ts'), 'utf8');
  const members = new Map<string, number>();
  for (const [, name, params] of text.matchAll(/^ {2}(\w+)\(([^)]*)\): \w+;$/gm)) {
    members.set(name, params.trim() === '' ? 0 : params.split(',').length);
  }
  return members;
}

describe('wasm kernel exports: typings against the built modules', () => {
  const typed = typedExports();

  it('declares the kernels', () => assert.ok(typed.size > 20, `only ${typed.size} members parsed`));

  for (const kind of kernelModuleKinds) {
    it(`match the ${kind} build`, function () {
      const module = compileKernelBuild(kind, kernelModuleBytes(kind));
      if (!module) this.skip();
      const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name).sort();
      assert.deepEqual(functions, [...typed.keys()].sort());
      const { exports } = instantiateKernels(1 << 20, module);
      const table = exports as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const [name, count] of typed) assert.equal(table[name].length, count, `${name}: parameters`);
    });
  }
});
