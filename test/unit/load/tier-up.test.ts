/**
 * Kernel tier-up at load (runtime/load/tier-up.ts): for layers of the shapes real networks have,
 * every wasm variant the compiler could give the layer also runs its tiny problem
 * (kernels/tiny-shapes.ts) and computes it as the reference does, so load's warm-up call reaches
 * the kernel's code and not an error. On compiled models: the manifest of a model big enough lists
 * the tiny problems and load runs them within itself; a small model's lists none, and a bundle
 * without the list tiers nothing up and answers the same; entries it cannot read or the kernels
 * reject are skipped, and anything but a list of problems is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomTensor, seededRandom } from '../../../compiler/random.js';
import { compileModel } from '../../../compiler/compile.js';
import { variantsFor } from '../../../runtime/kernels/catalogue.js';
import type { Attributes } from '../../../runtime/kernels/kernel.js';
import type { KernelVariant } from '../../../runtime/kernels/variant.js';
import { tinyShapes } from '../../../runtime/kernels/tiny-shapes.js';
import { fromNumbers, type Tensor } from '../../../runtime/tensor/tensor.js';
import { tierUpProblems } from '../../../runtime/load/tier-up.js';
import { OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import type { Manifest } from '../../../runtime/bundle/manifest.js';
import type { BundleError } from '../../../runtime/errors/errors.js';
import { Session } from '../../../runtime/session.js';
import { compareTensors } from '../../support/compare.js';
import { referenceOutputs, runVariant, runsOn, shapesOf } from '../../support/variant-harness.js';
import { fixtureModelDir, repoRoot } from '../../support/paths.js';
import Ajv from 'ajv';

interface Layer {
  name: string;
  op: string;
  attrs: Attributes;
  /** Dims of each input; undefined for an omitted one, a number for a scalar constant's value. */
  inputs: (readonly number[] | number | undefined)[];
  /** Outputs the step keeps (a MaxPool step has no indices output). */
  outputs?: number;
}

const conv = (name: string, C: number, H: number, M: number, k: number, stride: number, group = 1, pad = Math.floor(k / 2)): Layer => ({
  name, op: 'Conv', attrs: { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad], group },
  inputs: [[1, C, H, H], [M, C / group, k, k], [M]],
});

const layers: Layer[] = [
  conv('first 3×3 stride 2 (squeezenet1_1, mobilenet_v2)', 3, 224, 64, 3, 2, 1, 0),
  conv('first 7×7 stride 2 (resnet18)', 3, 224, 64, 7, 2),
  conv('3×3 stride 1, 64 channels (resnet18)', 64, 56, 64, 3, 1),
  conv('3×3 stride 1, 512 channels at 7×7 (resnet18)', 512, 7, 512, 3, 1),
  conv('1×1 squeeze (squeezenet1_1)', 128, 55, 16, 1, 1, 1, 0),
  conv('1×1 expand, 320 filters (mobilenet_v2)', 160, 7, 320, 1, 1, 1, 0),
  conv('depthwise 3×3 stride 1 (mobilenet_v2)', 144, 56, 144, 3, 1, 144),
  conv('depthwise 3×3 stride 2 (mobilenet_v2)', 96, 112, 96, 3, 2, 96),
  conv('depthwise 5×5 stride 1', 40, 28, 40, 5, 1, 40),
  conv('grouped 3×3, 4 groups', 32, 28, 64, 3, 1, 4),
  { name: 'max pool 3×3 stride 2 ceil (squeezenet1_1)', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [[1, 64, 111, 111]], outputs: 1 },
  { name: 'average pool 3×3 stride 1 padded', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, inputs: [[1, 32, 28, 28]] },
  { name: 'global average pool', op: 'GlobalAveragePool', attrs: {}, inputs: [[1, 1280, 7, 7]] },
  { name: 'classifier Gemm, B transposed', op: 'Gemm', attrs: { transB: 1 }, inputs: [[1, 512], [1000, 512], [1000]] },
  { name: 'Gemm, B as stored', op: 'Gemm', attrs: {}, inputs: [[1, 256], [256, 100], [1, 100]] },
  { name: 'MatMul', op: 'MatMul', attrs: {}, inputs: [[1, 400], [400, 120]] },
  { name: 'residual Add', op: 'Add', attrs: {}, inputs: [[1, 64, 56, 56], [1, 64, 56, 56]] },
  { name: 'Relu', op: 'Relu', attrs: {}, inputs: [[1, 96, 28, 28]] },
  { name: 'Clip to 0…6 (ReLU6)', op: 'Clip', attrs: {}, inputs: [[1, 96, 28, 28], 0, 6] },
];

/** The layer's (or its tiny problem's) inputs as seeded random tensors; scalars as constants. */
function tensorsOf(random: () => number, dims: readonly (readonly number[] | number | undefined)[]): (Tensor | undefined)[] {
  return dims.map((d) => (d === undefined ? undefined : typeof d === 'number' ? fromNumbers('float32', [], [d]) : randomTensor(random, d, 0.5)));
}

describe('kernel tier-up at load', () => {
  describe('every wasm variant runs its tiny problem as the reference computes it', () => {
    for (const layer of layers) {
      it(layer.name, () => {
        const random = seededRandom(7);
        const full = tensorsOf(random, layer.inputs);
        let checked = 0;
        for (const variant of variantsFor(layer.op).filter((v) => v.usesWasm)) {
          const inferred = shapesOf(layer.op, layer.attrs, full, variant.layout);
          const fullShapes = { ...inferred, outputs: inferred.outputs.slice(0, layer.outputs) };
          if (!runsOn(variant, fullShapes)) continue;
          const tiny = tinyShapes(layer.op, fullShapes);
          assert.ok(tiny, `${variant.id}: no tiny problem for ${layer.name}`);
          assert.ok(tiny.outputs.every((o, i) => o.layout === fullShapes.outputs[i].layout), `${variant.id}: tiny outputs keep their layout`);
          const inputs = tensorsOf(random, tiny.inputs.map((v, i) => (v === undefined ? undefined : v.dims.length === 0 ? (layer.inputs[i] as number) : v.dims)));
          const attrs = tiny.attrs;
          // The harness infers every output; the step keeps `layer.outputs` of them.
          const keeping: KernelVariant = { ...variant, appliesTo: (shapes) => variant.appliesTo({ ...shapes, outputs: shapes.outputs.slice(0, layer.outputs) }) };
          assert.ok(runsOn(keeping, shapesOf(layer.op, attrs, inputs, variant.layout)), `${variant.id} does not run the tiny problem of ${layer.name}`);
          const expected = referenceOutputs(layer.op, attrs, inputs)[0];
          const mismatch = compareTensors(runVariant(keeping, attrs, inputs)[0], expected, 1e-4, 1e-5);
          assert.equal(mismatch, undefined, `${variant.id} on the tiny problem of ${layer.name}: ${mismatch?.reason}`);
          checked++;
        }
        assert.ok(checked > 0, `no wasm variant runs ${layer.name}`);
      });
    }
  });

  it('keeps the kind of a convolution: groups, multiplier, window, stride', () => {
    const depthwise = tinyShapes('Conv', shapesOf('Conv', layers[6].attrs, tensorsOf(seededRandom(1), layers[6].inputs)))!;
    assert.deepEqual(depthwise.inputs.map((v) => v?.dims), [[1, 8, 10, 10], [8, 1, 3, 3], [8]]);
    assert.equal(depthwise.attrs.group, 8);
    const grouped = tinyShapes('Conv', shapesOf('Conv', layers[9].attrs, tensorsOf(seededRandom(1), layers[9].inputs)))!;
    assert.deepEqual(grouped.inputs.map((v) => v?.dims), [[1, 16, 10, 10], [32, 8, 3, 3], [32]]);
    assert.equal(grouped.attrs.group, 2);
    const strided = tinyShapes('Conv', shapesOf('Conv', layers[1].attrs, tensorsOf(seededRandom(1), layers[1].inputs)))!;
    assert.deepEqual(strided.outputs[0].dims, [1, 16, 11, 11]);
  });

  it('has no tiny problem for operators it does not tier up or shapes it cannot shrink', () => {
    const random = seededRandom(3);
    const concat = tensorsOf(random, [[1, 8, 4, 4], [1, 8, 4, 4]]);
    assert.equal(tinyShapes('Concat', shapesOf('Concat', { axis: 1 }, concat)), undefined);
    const broadcast = tensorsOf(random, [[1, 8, 4, 4], [1, 8, 1, 1]]);
    assert.equal(tinyShapes('Mul', shapesOf('Mul', {}, broadcast)), undefined);
  });

  describe('on compiled models', () => {
    let work: string;
    /** Three convolutions on 1×16×128×128 (~1.6 GFLOP): a first run long enough to tier up for. */
    let bundle: string;
    /** The tiny-cnn fixture (< 1 MFLOP): too short. */
    let small: string;
    before(() => {
      work = mkdtempSync(join(tmpdir(), 'nncc-tier-up-'));
      const random = seededRandom(5);
      const b = new OnnxModelBuilder('three-convs', 13);
      let h = b.input('input', 'float32', [1, 16, 128, 128]);
      for (const [i, [cin, cout, k]] of [[16, 64, 3], [64, 64, 3], [64, 16, 1]].entries()) {
        const w = b.initializer(`conv${i}.weight`, randomTensor(random, [cout, cin, k, k], 0.2));
        h = b.op('Relu', [b.op('Conv', [h, w, b.initializer(`conv${i}.bias`, randomTensor(random, [cout], 0.1))], { kernel_shape: [k, k], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] })]);
      }
      b.output(h);
      writeFileSync(join(work, 'three-convs.onnx'), b.toBytes());
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
    /**
     * The tier-up spans of a session created in a fresh process, and whether they lie within its
     * load: the first session of a process decides how its kernels are compiled, and this test
     * process's were compiled long before.
     */
    const tierUpInFreshProcess = (dir: string): { names: string[]; withinLoad: boolean } => {
      const script = `
        const { Session } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'runtime', 'index.js')).href)});
        const session = await Session.create(${JSON.stringify(dir)});
        const spans = session.trace().traceEvents.filter((e) => e.ph === 'X');
        const load = spans.find((e) => e.name === 'load');
        const tierUp = spans.filter((e) => e.name.startsWith('tier-up '));
        console.log(JSON.stringify({ names: tierUp.map((e) => e.name), withinLoad: tierUp.every((e) => e.ts >= load.ts && e.ts + e.dur <= load.ts + load.dur) }));
        await session.dispose();`;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as { names: string[]; withinLoad: boolean };
    };

    it('the manifest lists the plan\'s tiny problems in first-use order, and a fresh process\'s load runs them within itself', async () => {
      const session = await Session.create(bundle);
      const listed = manifestOf(bundle).tierUp!;
      assert.ok(listed.length > 0);
      assert.deepEqual(JSON.parse(JSON.stringify(listed)), JSON.parse(JSON.stringify(tierUpProblems(session.plan))));
      await session.dispose();
      const { names, withinLoad } = tierUpInFreshProcess(bundle);
      assert.deepEqual(names, listed.map((p) => `tier-up ${p.kernel}`));
      assert.ok(withinLoad);
    });

    it('the manifest with its list validates against schemas/manifest.schema.json', () => {
      const validate = new Ajv.default({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'schemas', 'manifest.schema.json'), 'utf8')));
      assert.ok(validate(manifestOf(bundle)), JSON.stringify(validate.errors));
    });

    it('a small model\'s manifest lists none, and a bundle without the list tiers nothing up, with the same outputs', async () => {
      assert.equal(manifestOf(small).tierUp, undefined);
      const reference = await Session.create(bundle);
      const expected = await reference.run(feedsOf(reference));
      await reference.dispose();
      const older = withManifest('minor-1', (m) => { delete m.tierUp; (m.format as { minor: number }).minor = 1; });
      assert.deepEqual(tierUpInFreshProcess(older).names, []);
      const session = await Session.create(older);
      const outputs = await session.run(feedsOf(session));
      for (const name of Object.keys(expected)) assert.deepEqual(outputs[name].data, expected[name].data);
      await session.dispose();
    });

    it('entries it cannot read, and entries this runtime\'s kernels reject, are skipped; the run answers the same', async () => {
      const reference = await Session.create(bundle);
      const expected = await reference.run(feedsOf(reference));
      await reference.dispose();
      const odd = withManifest('odd-entries', (m) => {
        const [first] = m.tierUp as { kernel: string; shapes: { attrs: Record<string, unknown>; outputs: unknown[] } }[];
        m.tierUp = [
          { ...first, kernel: 'wasm.Conv.no-such-kernel' },
          { ...first, shapes: { ...first.shapes, attrs: { ...first.shapes.attrs, strides: [0, 0] } } },
          { ...first, shapes: { attrs: {}, inputs: [], outputs: [{ dtype: 'float32', dims: [1] }] } },
          // What a later minor version might write: unreadable here, so dropped.
          { ...first, kernel: 7 },
          { ...first, shapes: { ...first.shapes, attrs: { t: { dims: [1] } } } },
          { ...first, shapes: { ...first.shapes, outputs: [{ dtype: 'float32', dims: [1 << 20] }] } },
          { ...first, shapes: { ...first.shapes, outputs: [{ dtype: 'float8', dims: [1] }] } },
        ];
      });
      assert.deepEqual(tierUpInFreshProcess(odd).names, []);
      const session = await Session.create(odd);
      const outputs = await session.run(feedsOf(session));
      for (const name of Object.keys(expected)) assert.deepEqual(outputs[name].data, expected[name].data);
      await session.dispose();
    });

    it('anything but a list of at most 64 problems is refused before the plan is read (NNCC201)', async () => {
      const [first] = manifestOf(bundle).tierUp!;
      const malformed: [string, unknown][] = [
        ['not a list', 'all'],
        ['too many', Array.from({ length: 65 }, () => first)],
        ['not an object', [first, 3]],
      ];
      for (const [name, tierUp] of malformed) {
        const dir = withManifest(`malformed-${name.replace(/ /g, '-')}`, (m) => { m.tierUp = tierUp; });
        await assert.rejects(Session.create(dir), (error: BundleError) => {
          assert.equal(error.code, 'NNCC201', name);
          assert.match(error.message, /tierUp is malformed/);
          return true;
        });
      }
    });
  });
});
