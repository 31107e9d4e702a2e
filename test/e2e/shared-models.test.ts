/**
 * End-to-end on the real models in ../shared/models (torchvision architectures exported by
 * PyTorch): `nncc compile` then `nncc run` in fresh processes on the stored input, compared with
 * PyTorch's stored output (max error relative to the output's largest magnitude ≤ 1e-4).
 * Skips when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nncc } from '../support/cli.js';
import { maxRelativeError } from '../support/compare.js';
import { hasShared, sharedModelsDir } from '../support/paths.js';

const models = ['squeezenet1_1', 'mobilenet_v2', 'resnet18'];

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

  for (const name of models) {
    it(`${name}: compile, run, match PyTorch within 1e-4`, () => {
      const bundle = join(work, `${name}.nnb`);
      const compiled = nncc('compile', join(sharedModelsDir, `${name}.onnx`), '-o', bundle);
      assert.equal(compiled.status, 0, compiled.stderr);
      const output = join(work, `${name}.out.f32`);
      const ran = nncc('run', bundle, '--input', `input=${join(sharedModelsDir, `${name}.input.f32`)}`, '--output', `output=${output}`);
      assert.equal(ran.status, 0, ran.stderr);
      const error = maxRelativeError(readF32(output), readF32(join(sharedModelsDir, `${name}.output.f32`)));
      assert.ok(error <= 1e-4, `max relative error ${error}`);
    });
  }
});
