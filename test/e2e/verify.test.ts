/**
 * `nncc verify` and `verify` loading against damaged bundles: every file the manifest lists,
 * truncated, emptied, deleted or edited, is reported by name (exit 1) and refused by
 * `Session.create(…, { verify: true })`; an intact bundle exits 0, also with a file the manifest
 * does not list beside it; a path that is no bundle exits 2.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../runtime/session.js';
import type { Manifest } from '../../runtime/bundle/manifest.js';
import { nncc } from '../support/cli.js';
import { fixtureModelDir } from '../support/paths.js';

const damages: Record<string, (file: string) => void> = {
  truncated: (file) => truncateSync(file, Math.floor(readFileSync(file).length / 2)),
  emptied: (file) => writeFileSync(file, ''),
  deleted: (file) => unlinkSync(file),
  // Same size, one byte changed: only the hashes can tell.
  edited: (file) => {
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x20;
    writeFileSync(file, bytes);
  },
};

describe('nncc verify', () => {
  let dir: string;
  let intact: string;
  let listed: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nncc-verify-'));
    intact = join(dir, 'tiny-cnn.nnb');
    assert.equal(nncc('compile', join(fixtureModelDir, 'tiny-cnn.onnx'), '-o', intact).status, 0);
    listed = (JSON.parse(readFileSync(join(intact, 'manifest.json'), 'utf8')) as Manifest).files.map((f) => f.path);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every file of an intact bundle and exits 0; a file beside them is not part of the bundle', () => {
    const bundle = join(dir, 'extra.nnb');
    cpSync(intact, bundle, { recursive: true });
    appendFileSync(join(bundle, 'NOTES.txt'), 'deployed by hand\n');
    const result = nncc('verify', bundle, '--json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { ok: boolean; files: { path: string; ok: boolean }[]; unlisted: string[] };
    assert.equal(report.ok, true);
    assert.deepEqual(report.files.map((f) => f.path).sort(), [...listed].sort());
    assert.ok(report.files.every((f) => f.ok));
    assert.deepEqual(report.unlisted, ['NOTES.txt']);
  });

  for (const [damage, apply] of Object.entries(damages)) {
    it(`reports each listed file ${damage} (exit 1), and verify loading refuses it`, async function () {
      this.timeout(120_000);
      for (const path of listed) {
        const bundle = join(dir, `${damage}-${path}.nnb`);
        cpSync(intact, bundle, { recursive: true });
        apply(join(bundle, path));
        const result = nncc('verify', bundle, '--json');
        assert.equal(result.status, 1, `${damage} ${path}: ${result.stdout}${result.stderr}`);
        const report = JSON.parse(result.stdout) as { ok: boolean; files: { path: string; ok: boolean }[]; problems: { file: string; code: string }[] };
        assert.deepEqual(report.files.filter((f) => !f.ok).map((f) => f.path), [path], `${damage} ${path}`);
        assert.ok(report.problems.some((p) => p.file.endsWith(path) && /^NNCC20[0-7]$/.test(p.code)), JSON.stringify(report.problems));
        await assert.rejects(Session.create(bundle, { verify: true }), /NNCC20[0-7] /, `${damage} ${path}: verify loading ran it`);
        rmSync(bundle, { recursive: true, force: true });
      }
    });
  }

  it('names the problem in text, and a damaged manifest is one problem', () => {
    const bundle = join(dir, 'manifest.nnb');
    cpSync(intact, bundle, { recursive: true });
    writeFileSync(join(bundle, 'manifest.json'), '{');
    const result = nncc('verify', bundle);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /NNCC201 .*manifest\.json: not valid JSON/);
    assert.match(result.stdout, /damaged \(1 problem\)/);
  });

  it('exits 2 for a path that is not a bundle directory', () => {
    const result = nncc('verify', join(dir, 'missing.nnb'));
    assert.equal(result.status, 2);
    assert.match(result.stderr, /NNCC140 .*missing\.nnb: not a bundle directory/);
  });
});
