/**
 * End-to-end on the real models in ../shared/models (torchvision architectures exported by
 * PyTorch): `nncc compile` then `nncc run` in fresh processes on the stored input, compared with
 * PyTorch's stored output (max error relative to the output's largest magnitude ≤ 1e-4), for
 * three plans: the default (transformed weights stored, NC4HW4 where it applies, one lane); raw
 * weights transformed at load, all-NCHW, steps split across two lanes; and the cold plan searched
 * for this machine's profile (loader lanes, continuous inference). Every image model there
 * (`NAME.onnx` with one float32 input in `NAME.input.f32`): the three CNNs the project was tuned
 * on and the squeeze-excitation, depthwise 5×5 and grouped-convolution networks it was not.
 * Skips when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nncc } from '../support/cli.js';
import { maxRelativeError } from '../support/compare.js';
import { hasShared, sharedModelsDir } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

/** The image models: those with the one float32 input file this test feeds. */
const models = hasShared(sharedModelsDir)
  ? readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -'.onnx'.length))
    .filter((name) => existsSync(join(sharedModelsDir, `${name}.input.f32`))).sort()
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
  for (const name of models) {
    it(`${name}: compile, run, match PyTorch within 1e-4 (${plans.map((p) => p.name).join('; ')})`, () => {
      plans.forEach((plan, i) => {
        const bundle = join(work, `${name}-${i}.nnb`);
        const compiled = nncc('compile', join(sharedModelsDir, `${name}.onnx`), '-o', bundle, ...plan.flags);
        assert.equal(compiled.status, 0, compiled.stderr);
        const output = join(work, `${name}-${i}.out.f32`);
        const ran = nncc('run', bundle, '--input', `input=${join(sharedModelsDir, `${name}.input.f32`)}`, '--output', `output=${output}`);
        assert.equal(ran.status, 0, ran.stderr);
        const error = maxRelativeError(readF32(output), readF32(join(sharedModelsDir, `${name}.output.f32`)));
        assert.ok(error <= 1e-4, `${plan.name}: max relative error ${error}`);
        rmSync(bundle, { recursive: true, force: true });
      });
    });
  }
});
