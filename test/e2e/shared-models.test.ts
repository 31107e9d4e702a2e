/**
 * End-to-end on the real models in ../shared/models (torchvision architectures and a MiniLM-like
 * text encoder, exported by PyTorch): `nncc compile` then `nncc run` in fresh processes on the
 * stored inputs, compared with PyTorch's stored output (max error relative to the output's largest
 * magnitude ≤ 1e-4), for three plans: the default (transformed weights stored, NC4HW4 where it
 * applies, one lane); raw weights transformed at load, all-NCHW, steps split across two lanes; and
 * the cold plan searched for this machine's profile (loader lanes, continuous inference). Every
 * model there with its input files (support/model-files.ts: `NAME.<input>.<ext>` per input, or
 * `NAME.input.f32` for one float32 input; symbolic dims solved from the files' sizes and given as
 * `--dim`): the three CNNs the project was tuned on, the squeeze-excitation, depthwise 5×5 and
 * grouped-convolution networks it was not, and the encoder's two int64 inputs at sequence 128. A
 * model whose files are missing or do not fit is listed as pending, with the reason.
 * Skips when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nncc } from '../support/cli.js';
import { maxRelativeError } from '../support/compare.js';
import { probeModelFiles } from '../support/model-files.js';
import { hasShared, sharedModelsDir } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

const models = hasShared(sharedModelsDir)
  ? readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -'.onnx'.length)).sort()
    .map((name) => ({ name, ...probeModelFiles(sharedModelsDir, name) }))
  : [];

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

describe('real models against PyTorch', function () {
  let work: string;
  before(function () {
    if (!hasShared(sharedModelsDir)) this.skip();
    work = mkdtempSync(join(tmpdir(), 'nncc-models-'));
  });
  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  const plans: { name: string; flags: string[] }[] = [
    { name: 'default', flags: [] },
    { name: 'raw weights, NCHW, 2 lanes', flags: ['--no-bypass', '--layout', 'nchw', '--lanes', '2'] },
    { name: 'cold plan for this machine', flags: ['--profile', fixtureProfile('epyc-zen4-2core-node20')] },
  ];
  for (const model of models) {
    if ('reason' in model) {
      it.skip(`${model.name}: ${model.reason}`);
      continue;
    }
    const { name, modelPath, feeds, dims, outputName, expectedPath } = model.files;
    const dimFlags = Object.entries(dims).flatMap(([param, size]) => ['--dim', `${param}=${size}`]);
    const inputFlags = feeds.flatMap((feed) => ['--input', `${feed.name}=${feed.path}`]);
    const bound = dimFlags.length ? ` at ${Object.entries(dims).map(([param, size]) => `${param}=${size}`).join(', ')}` : '';
    it(`${name}${bound}: compile, run, match PyTorch within 1e-4 (${plans.map((p) => p.name).join('; ')})`, () => {
      const expected = readF32(expectedPath);
      plans.forEach((plan, i) => {
        const bundle = join(work, `${name}-${i}.nnb`);
        const compiled = nncc('compile', modelPath, '-o', bundle, ...dimFlags, ...plan.flags);
        assert.equal(compiled.status, 0, compiled.stderr);
        const output = join(work, `${name}-${i}.out.f32`);
        const ran = nncc('run', bundle, ...inputFlags, '--output', `${outputName}=${output}`);
        assert.equal(ran.status, 0, ran.stderr);
        const actual = readF32(output);
        assert.equal(actual.length, expected.length, `${plan.name}: ${actual.length} output values, PyTorch's ${expected.length}`);
        const error = maxRelativeError(actual, expected);
        assert.ok(error <= 1e-4, `${plan.name}: max relative error ${error}`);
        rmSync(bundle, { recursive: true, force: true });
      });
    });
  }
});
