/**
 * End-to-end: the CLI on the fixture models, as a user runs it. compile → run (fresh process)
 * → outputs equal to the in-process reference executor; --json shapes; --help everywhere;
 * malformed models give a coded error, exit non-zero and leave no bundle.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import { inputFileName } from '../../fixtures/generate.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { nncc } from '../support/cli.js';
import { maxRelativeError } from '../support/compare.js';
import { fixtureModelDir } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

describe('nncc CLI', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-cli-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const fixture of fixtureModels) {
    it(`compiles and runs ${fixture.name} in a fresh process, matching the reference executor`, () => {
      const model = join(fixtureModelDir, `${fixture.name}.onnx`);
      const bundle = join(work, `${fixture.name}.nnb`);
      const compiled = nncc('compile', model, '-o', bundle, '--json');
      assert.equal(compiled.status, 0, compiled.stderr);
      assert.equal(JSON.parse(compiled.stdout).ok, true);
      const feeds = fixture.inputs();
      const inputArgs = Object.entries(feeds).flatMap(([name, tensor]) =>
        ['--input', `${name}=${join(fixtureModelDir, inputFileName(fixture.name, name, tensor))}`]);
      const outputFile = join(work, `${fixture.name}.out.npy`);
      const ran = nncc('run', bundle, ...inputArgs, '--output', outputFile, '--timings', '--json');
      assert.equal(ran.status, 0, ran.stderr);
      const report = JSON.parse(ran.stdout);
      for (const stage of ['readMs', 'allocMs', 'prepareMs', 'transformMs', 'executeMs', 'totalMs']) {
        assert.equal(typeof report.timings[stage], 'number', stage);
      }
      const graph = importOnnxFile(model);
      const expected = Object.values(executeGraph(graph, feeds))[0];
      const npy = readFileSync(outputFile);
      const headerLength = npy.readUInt16LE(8);
      const actual = new Float32Array(npy.buffer.slice(npy.byteOffset + 10 + headerLength, npy.byteOffset + npy.length));
      assert.equal(actual.length, expected.data.length);
      assert.ok(maxRelativeError(actual, expected.data as Float32Array) < 1e-5);
    });
  }

  it('prints the stage breakdown with the design\'s stage names', () => {
    const bundle = join(work, 'timings.nnb');
    assert.equal(nncc('compile', join(fixtureModelDir, 'tiny-cnn.onnx'), '-o', bundle).status, 0);
    const ran = nncc('run', bundle, '--input', join(fixtureModelDir, 'tiny-cnn.input.f32'), '--timings');
    assert.equal(ran.status, 0, ran.stderr);
    for (const stage of ['read', 'alloc', 'prepare', 'transform', 'execute', 'total cold']) assert.match(ran.stdout, new RegExp(`^${stage}`, 'm'));
  });

  it('prints the prediction beside the measured stages when the bundle was compiled with a profile', () => {
    const bundle = join(work, 'timings-predicted.nnb');
    assert.equal(nncc('compile', join(fixtureModelDir, 'tiny-cnn.onnx'), '-o', bundle, '--profile', fixtureProfile('epyc-zen4-2core-node20')).status, 0);
    const predicted = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')).predicted as { coldMs: number; stages: Record<string, number> };
    const ran = nncc('run', bundle, '--input', join(fixtureModelDir, 'tiny-cnn.input.f32'), '--timings');
    assert.equal(ran.status, 0, ran.stderr);
    assert.match(ran.stdout, /^stage +ms +predicted$/m);
    assert.match(ran.stdout, new RegExp(`^alloc +[0-9.]+ +${predicted.stages.alloc.toFixed(2)}$`, 'm'));
    assert.match(ran.stdout, new RegExp(`^process start → first output +[0-9.]+ +${predicted.coldMs.toFixed(2)}$`, 'm'));
    const json = JSON.parse(nncc('run', bundle, '--input', join(fixtureModelDir, 'tiny-cnn.input.f32'), '--json').stdout);
    assert.deepEqual(json.predicted, { coldMs: predicted.coldMs, stages: predicted.stages });
    // Allocation is timed apart from compiling and instantiating the kernels on the memory.
    assert.ok(json.timings.allocMs > 0, `alloc ${json.timings.allocMs}`);
  });

  it('inspects a model and a bundle with FLOPs and parameter bytes', () => {
    const model = join(fixtureModelDir, 'tiny-cnn.onnx');
    const fromModel = JSON.parse(nncc('inspect', model, '--json').stdout);
    const bundle = join(work, 'inspect.nnb');
    nncc('compile', model, '-o', bundle, '--kernels', 'reference');
    const fromBundle = JSON.parse(nncc('inspect', bundle, '--json').stdout);
    assert.equal(fromModel.kind, 'model');
    assert.equal(fromBundle.kind, 'bundle');
    assert.ok(fromModel.flops > 1e5);
    // Folding BatchNormalization adds a bias per conv but removes the four BN vectors.
    assert.ok(fromBundle.parameterBytes < fromModel.parameterBytes);
    assert.ok(fromBundle.operators.some((r: { op: string }) => r.op === 'Conv+Relu'));
    // Reference kernels transform nothing: the weights file holds each parameter once.
    assert.deepEqual(fromBundle.stored, { bytes: fromBundle.parameterBytes, transformedBytes: 0, warmOnlyBytes: 0 });
    const packed = join(work, 'inspect-packed.nnb');
    nncc('compile', model, '-o', packed);
    const fromPacked = JSON.parse(nncc('inspect', packed, '--json').stdout);
    // Copies stored transformed are weights-file bytes, not parameters.
    assert.equal(fromPacked.parameterBytes, fromBundle.parameterBytes);
    assert.ok(fromPacked.stored.transformedBytes > 0 && fromPacked.stored.bytes >= fromPacked.stored.transformedBytes);
  });

  for (const command of ['compile', 'run', 'inspect']) {
    it(`has --help for ${command}`, () => {
      const help = nncc(command, '--help');
      assert.equal(help.status, 0);
      assert.match(help.stdout, /--json/);
    });
  }

  describe('malformed models', () => {
    const expectRefused = (model: string, code: string, bundleName: string): void => {
      const bundle = join(work, bundleName);
      const result = nncc('compile', model, '-o', bundle);
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(code));
      assert.ok(!existsSync(bundle), 'no bundle left behind');
      assert.ok(!readdirSync(work).some((f) => f.startsWith(`.${bundleName}.tmp`)), 'no temp dir left behind');
    };

    it('refuses a truncated model with NNCC101', () => {
      const bytes = readFileSync(join(fixtureModelDir, 'tiny-cnn.onnx'));
      const model = join(work, 'truncated.onnx');
      writeFileSync(model, bytes.subarray(0, Math.floor(bytes.length / 2)));
      expectRefused(model, 'NNCC101', 'truncated.nnb');
    });

    it('refuses an unknown operator with NNCC110, naming the node', () => {
      const b = new OnnxModelBuilder('unknown-op', 13);
      b.output(b.op('NonMaxSuppression', [b.input('x', 'float32', [1, 4])], {}, 'nms_node'));
      const model = join(work, 'unknown.onnx');
      writeFileSync(model, b.toBytes());
      expectRefused(model, "NNCC110 .*node 'nms_node' \\(NonMaxSuppression\\)", 'unknown.nnb');
    });

    it('refuses an unbound dynamic dimension with NNCC120 and a hint', () => {
      const b = new OnnxModelBuilder('dynamic', 13);
      b.output(b.op('Relu', [b.input('x', 'float32', [1, 'channels'])]));
      const model = join(work, 'dynamic.onnx');
      writeFileSync(model, b.toBytes());
      expectRefused(model, 'NNCC120[\\s\\S]*--dim channels=', 'dynamic.nnb');
      const bound = nncc('compile', model, '-o', join(work, 'dynamic-bound.nnb'), '--dim', 'channels=8');
      assert.equal(bound.status, 0, bound.stderr);
    });

    it('reports a missing model file with NNCC100 and --json errors as JSON', () => {
      const result = nncc('compile', join(work, 'nope.onnx'), '--json');
      assert.equal(result.status, 1);
      assert.equal(JSON.parse(result.stdout).error.code, 'NNCC100');
    });
  });
});
