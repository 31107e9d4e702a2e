/**
 * The CLI on hostile input: output paths it cannot make (under a regular file, on /proc, in a
 * directory that does not exist), numbers that are no sizes, names the model lacks, and usage
 * errors under --json. Each is one coded diagnostic and a non-zero exit, never a hang or an
 * internal error.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nncc } from '../support/cli.js';
import { fixtureModelDir } from '../support/paths.js';

const model = join(fixtureModelDir, 'tiny-cnn.onnx');

describe('CLI: hostile paths, numbers and names', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'nncc-hostile-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const refused = (args: string[], pattern: RegExp): void => {
    const result = nncc(...args);
    assert.notEqual(result.status, 0, `${args.join(' ')} exited 0`);
    assert.doesNotMatch(result.stderr, /internal error/, result.stderr);
    assert.match(result.stderr, pattern, result.stderr);
  };

  it('refuses a --dump-dir or bundle path under a regular file, and one no file system can make', function () {
    this.timeout(60_000);
    refused(['compile', model, '-o', join(dir, 'a.nnb'), '--dump-dir', join(model, 'dump')], /NNCC160 .*cannot make a directory under .*tiny-cnn\.onnx.*: it is a file/);
    refused(['compile', model, '-o', join(model, 'b.nnb')], /NNCC160 .*it is a file/);
    if (existsSync('/proc/self')) refused(['compile', model, '-o', join(dir, 'c.nnb'), '--dump-dir', '/proc/nncc-dump'], /NNCC160 .*\/proc\/nncc-dump/);
  });

  it('refuses `run -o` into a directory that does not exist', () => {
    const bundle = join(dir, 'run.nnb');
    assert.equal(nncc('compile', model, '-o', bundle).status, 0);
    refused(['run', bundle, '-i', join(fixtureModelDir, 'tiny-cnn.input.f32'), '-o', join(dir, 'missing', 'out.npy')],
      /NNCC160 .*missing\/out\.npy: cannot write: no such directory \(ENOENT\)/);
  });

  it('refuses --batch that is no size and --dim names the model lacks', () => {
    for (const batch of ['0', '2.5', '-3']) refused(['compile', model, '-o', join(dir, 'd.nnb'), '--batch', batch], /NNCC150 .*--batch .* is not a positive integer/);
    refused(['compile', model, '-o', join(dir, 'e.nnb'), '--dim', 'M=4'], /NNCC150 .*--dim M: the model's inputs have no symbolic dimension 'M'/);
  });

  it('refuses a numeric flag whose value is not a number, naming the value as given', () => {
    for (const flag of ['--lanes', '--batch', '--max-bundle-bytes', '--max-memory-bytes']) {
      refused(['compile', model, '-o', join(dir, 'n.nnb'), flag, 'abc'], new RegExp(`NNCC150\\b.*${flag}( abc | needs a number of bytes, got .abc.)`));
    }
  });

  it('answers usage errors with JSON under --json (exit 2)', () => {
    for (const args of [['compile', model, '--bogus', '--json'], ['compile', model, '--kernels', 'nope', '--json'], ['verify', '--json']]) {
      const result = nncc(...args);
      assert.equal(result.status, 2, args.join(' '));
      const body = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
      assert.equal(body.ok, false);
      assert.equal(body.error.code, 'NNCC150');
    }
  });
});
