/**
 * Kernel tier-up at load (runtime/load/tier-up.ts, kernels/wasm/compilation-hints.ts,
 * compiler/bundle/first-run-functions.ts). The compiler's marked copy of the kernels computes what
 * the kernels compute, and finds the functions a first run calls: checked against V8's own account
 * of the functions it compiles during a first run (its --trace-wasm-compilation-times lines, read
 * in a fresh process, the only way to see them). Load then has V8 optimize exactly the listed
 * functions before the first run; a small model lists none; a bundle without the list (or with
 * minor 2's tiny problems) tiers nothing up and answers the same; a malformed list is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { randomTensor, seededRandom } from '../../../compiler/random.js';
import { compileModel } from '../../../compiler/compile.js';
import { withCallMarks } from '../../../compiler/bundle/first-run-functions.js';
import { placeVariant } from '../../../compiler/probe/place-variant.js';
import { variantById } from '../../../runtime/kernels/catalogue.js';
import { withCompilationHints } from '../../../runtime/kernels/wasm/compilation-hints.js';
import { compileKernelBuild, kernelModuleBytes, kernelModuleKinds } from '../../../runtime/kernels/wasm/module.js';
import { wasmLayout } from '../../../runtime/kernels/wasm/wasm-sections.js';
import { threeConvsModel } from '../../support/models.js';
import type { Manifest } from '../../../runtime/bundle/manifest.js';
import type { BundleError } from '../../../runtime/errors/errors.js';
import { Session } from '../../../runtime/session.js';
import { fixtureModelDir, repoRoot } from '../../support/paths.js';

const runtimeIndex = pathToFileURL(join(repoRoot, 'dist', 'runtime', 'index.js')).href;
const moduleIndex = pathToFileURL(join(repoRoot, 'dist', 'runtime', 'kernels', 'wasm', 'module.js')).href;

/**
 * In a fresh process (the first session of a process decides how its kernels are compiled): the
 * functions V8 compiles with TurboFan and with Liftoff while a session is created and after a
 * pause, then during the first run, and the build the process runs.
 */
function compiledInFreshProcess(dir: string): { build: string; load: { turbofan: number[]; liftoff: number[] }; run: { turbofan: number[]; liftoff: number[] } } {
  const script = `
    const { Session } = await import(${JSON.stringify(runtimeIndex)});
    const { kernelModuleKind } = await import(${JSON.stringify(moduleIndex)});
    const session = await Session.create(${JSON.stringify(dir)});
    await new Promise((resolve) => setTimeout(resolve, 500));
    console.log('--- run');
    const spec = session.inputs[0];
    await session.run({ [spec.name]: { dtype: 'float32', dims: spec.dims, data: new Float32Array(spec.dims.reduce((a, b) => a * b, 1)).fill(0.25) } });
    console.log('--- build ' + kernelModuleKind());
    await session.dispose();`;
  const result = spawnSync(process.execPath, ['--trace-wasm-compilation-times', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const [loadPart, runPart] = result.stdout.split('--- run');
  const compiled = (text: string, tier: string): number[] =>
    [...text.matchAll(new RegExp(`#(\\d+) using ${tier}`, 'g'))].map((m) => Number(m[1])).sort((a, b) => a - b);
  const part = (text: string) => ({ turbofan: compiled(text, 'TurboFan'), liftoff: compiled(text, 'Liftoff') });
  return { build: /--- build (\w+)/.exec(runPart)![1], load: part(loadPart), run: part(runPart) };
}

describe('kernel tier-up at load', () => {
  describe('the kernels as the compiler marks them and as load hints them', () => {
    for (const kind of kernelModuleKinds) {
      it(`${kind}: the marked copy validates and computes what the kernels compute, marking the functions it calls`, () => {
        const bytes = kernelModuleBytes(kind);
        const marked = withCallMarks(bytes)!;
        const module = compileKernelBuild(kind, marked);
        const unmarked = compileKernelBuild(kind, bytes);
        if (!module || !unmarked) return;
        const random = seededRandom(3);
        const inputs = [randomTensor(random, [1, 8, 20, 20], 0.5), randomTensor(random, [16, 8, 3, 3], 0.5), randomTensor(random, [16], 0.1)];
        const variant = variantById('wasm.Conv.im2col-sgemm')!;
        const attrs = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
        const run = (on: WebAssembly.Module) => {
          const placed = placeVariant(variant, attrs, inputs, undefined, undefined, on);
          placed.transform();
          placed.run();
          return { outputs: placed.outputs(), marks: new Uint8Array(placed.wasmMemory.buffer, 65536 - 1024, 1024) };
        };
        const plain = run(unmarked);
        const withMarks = run(module);
        assert.deepEqual(withMarks.outputs[0].data, plain.outputs[0].data);
        assert.ok(withMarks.marks.some((m) => m === 1), 'no function marked itself called');
        assert.ok(plain.marks.every((m) => m === 0), 'the plain kernels write no marks');
      });

      it(`${kind}: a hints section leaves the module valid and its function count unchanged`, () => {
        const bytes = kernelModuleBytes(kind);
        const hinted = withCompilationHints(bytes, [0, 5, 7, 100000])!;
        assert.ok(hinted.length > bytes.length);
        assert.equal(wasmLayout(hinted)!.declaredFunctions, wasmLayout(bytes)!.declaredFunctions);
        assert.ok(compileKernelBuild(kind, hinted), 'the hinted module does not compile');
      });
    }

    it('refuses to read what is not a wasm binary', () => {
      assert.equal(wasmLayout(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 200])), undefined);
      assert.equal(withCompilationHints(new Uint8Array([1, 2, 3]), [1]), undefined);
      assert.equal(withCallMarks(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), undefined);
    });
  });

  describe('on compiled models', () => {
    let work: string;
    /** Three 3×3 convolutions of 32 channels at 128×128 (~0.9 GFLOP): a first run long enough to tier up for. */
    let bundle: string;
    /** The tiny-cnn fixture (< 1 MFLOP): too short. */
    let small: string;
    before(() => {
      work = mkdtempSync(join(tmpdir(), 'nncc-tier-up-'));
      writeFileSync(join(work, 'three-convs.onnx'), threeConvsModel({ name: 'three-convs', seed: 5, size: 128 }));
      bundle = join(work, 'three-convs.nnb');
      compileModel(join(work, 'three-convs.onnx'), bundle);
      small = join(work, 'tiny-cnn.nnb');
      compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), small);
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    const feedsOf = (session: Session) => ({
      [session.inputs[0].name]: { dtype: 'float32' as const, dims: session.inputs[0].dims, data: new Float32Array(session.inputs[0].dims.reduce((a, b) => a * b, 1)).fill(0.25) },
    });
    const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    /** A copy of the bundle with its manifest edited (the manifest is not hashed). */
    const withManifest = (name: string, edit: (m: Record<string, unknown>) => void): string => {
      const copy = join(work, `${name}.nnb`);
      cpSync(bundle, copy, { recursive: true });
      const manifest = manifestOf(copy) as unknown as Record<string, unknown>;
      edit(manifest);
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest));
      return copy;
    };
    const answersAsListed = async (dir: string): Promise<void> => {
      const reference = await Session.create(bundle);
      const expected = await reference.run(feedsOf(reference));
      await reference.dispose();
      const session = await Session.create(dir);
      const outputs = await session.run(feedsOf(session));
      for (const name of Object.keys(expected)) assert.deepEqual(outputs[name].data, expected[name].data);
      await session.dispose();
    };

    it('the manifest lists, per build, exactly the functions V8 compiles for a first run without the list', () => {
      const listed = manifestOf(bundle).tierUpFunctions!;
      const without = compiledInFreshProcess(withManifest('unlisted', (m) => { delete m.tierUpFunctions; }));
      const heapBase = without.load.liftoff;
      assert.ok(listed[without.build as 'relaxed']!.length > 0);
      assert.deepEqual(listed[without.build as 'relaxed'], without.run.liftoff.filter((f) => !heapBase.includes(f)));
      assert.deepEqual(without.load.turbofan, [], 'nothing is optimized before the run without the list');
    });

    it('load has V8 optimize exactly the listed functions before the first run', () => {
      const listed = manifestOf(bundle).tierUpFunctions!;
      const { build, load } = compiledInFreshProcess(bundle);
      assert.deepEqual(load.turbofan, listed[build as 'relaxed']);
    });

    it('the manifest with its list validates against schemas/manifest.schema.json', () => {
      const validate = new Ajv.default({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'schemas', 'manifest.schema.json'), 'utf8')));
      assert.ok(validate(manifestOf(bundle)), JSON.stringify(validate.errors));
    });

    it('a small model\'s manifest lists none; a bundle without the list, or with minor 2\'s tiny problems, tiers nothing up and answers the same', async () => {
      assert.equal(manifestOf(small).tierUpFunctions, undefined);
      const older = withManifest('minor-2', (m) => {
        delete m.tierUpFunctions;
        m.tierUp = [{ kernel: 'wasm.Conv.im2col-sgemm', transform: false, shapes: { attrs: {}, inputs: [], outputs: [] } }];
        (m.format as { minor: number }).minor = 2;
      });
      assert.deepEqual(compiledInFreshProcess(older).load.turbofan, []);
      await answersAsListed(older);
    });

    it('functions past the end of the module, and lists for builds this runtime does not know, change nothing', async () => {
      const odd = withManifest('odd-entries', (m) => {
        m.tierUpFunctions = { relaxed: [100000], portable: [100000], wasm2: [1, 2] };
      });
      assert.deepEqual(compiledInFreshProcess(odd).load.turbofan, []);
      await answersAsListed(odd);
    });

    it('anything but lists of at most 1024 function indices per build is refused before the plan is read (NNCC201)', async () => {
      const malformed: [string, unknown][] = [
        ['not an object', [1, 2]],
        ['not a list', { relaxed: 'all' }],
        ['too many', { portable: Array.from({ length: 1025 }, (_, i) => i) }],
        ['not an index', { relaxed: [1, -2] }],
      ];
      for (const [name, functions] of malformed) {
        const dir = withManifest(`malformed-${name.replace(/ /g, '-')}`, (m) => { m.tierUpFunctions = functions; });
        await assert.rejects(Session.create(dir), (error: BundleError) => {
          assert.equal(error.code, 'NNCC201', name);
          assert.match(error.message, /tierUpFunctions is malformed/);
          return true;
        });
      }
    });
  });
});
