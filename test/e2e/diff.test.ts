/**
 * End-to-end: `nncc diff` as a reviewer runs it. tiny-cnn compiled for pixel5-cpu and for
 * jetson-tx2-gpu differs (exit 1, Markdown with totals and changed operators, JSON with the same
 * data); a bundle against itself is identical (exit 0); a missing path, a directory that is not a
 * bundle and a damaged or edited schedule.json are errors naming the file (exit 2).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nncc } from '../support/cli.js';
import { fixtureModelDir } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

const profile = fixtureProfile;

describe('nncc diff', () => {
  let work: string;
  let pixel5: string;
  let jetson: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nncc-diff-'));
    pixel5 = join(work, 'pixel5.nnb');
    jetson = join(work, 'jetson.nnb');
    for (const [bundle, device] of [[pixel5, 'pixel5-cpu'], [jetson, 'jetson-tx2-gpu']]) {
      const compiled = nncc('compile', join(fixtureModelDir, 'tiny-cnn.onnx'), '-o', bundle, '--profile', profile(device));
      assert.equal(compiled.status, 0, compiled.stderr);
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('shows the plans of two devices as different (exit 1) in Markdown ready for a pull request', () => {
    const result = nncc('diff', pixel5, jetson, '--format', 'md');
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^\*\*nncc diff\*\* `tiny-cnn`: profile pixel5-cpu → jetson-tx2-gpu; steps: [1-9]\d* changed/);
    assert.ok(lines.includes('| total | before | after | delta |'), result.stdout);
    for (const total of ['bundle bytes', 'predicted cold ms', 'predicted warm ms', 'steps']) {
      assert.ok(lines.some((l) => l.startsWith(`| ${total} |`)), `totals row ${total}`);
    }
    assert.ok(lines.some((l) => l.startsWith('| step | node | change |')), 'per-operator table');
    assert.ok(lines.some((l) => /^\| \d+ \| `[^`]+` \| changed \|.*\*\*/.test(l)), 'at least one changed operator with its change in bold');
  });

  it('prints the same diff as JSON', () => {
    const result = nncc('diff', pixel5, jetson, '--json');
    assert.equal(result.status, 1, result.stderr);
    const diff = JSON.parse(result.stdout);
    assert.equal(diff.ok, true);
    assert.equal(diff.identical, false);
    assert.equal(diff.profile.changed, true);
    assert.equal(diff.model.changed, false);
    assert.equal(diff.totals.bytesBasis, 'bundle-files');
    assert.ok(diff.steps.length >= 1);
    assert.equal(diff.steps.length + diff.unchangedSteps, diff.totals.steps.after);
  });

  it('prints terminal text by default, and compares a bundle with a schedule.json', () => {
    const result = nncc('diff', join(pixel5, 'schedule.json'), jetson);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^profile +pixel5-cpu → jetson-tx2-gpu/m);
    assert.match(result.stdout, /^weights bytes /m, 'with one side a lone schedule, bytes are weights.bin on both sides');
    assert.match(result.stdout, /^~ \S+ \(\w+\): /m);
  });

  it('finds a bundle identical to itself (exit 0)', () => {
    const result = nncc('diff', pixel5, pixel5, '--format', 'md');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /no differences \(\d+ steps\)/);
    assert.equal(nncc('diff', pixel5, pixel5).status, 0);
  });

  it('exits 2 naming the path when a side is missing', () => {
    const missing = join(work, 'missing.nnb');
    const result = nncc('diff', pixel5, missing);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /NNCC140/);
    assert.ok(result.stderr.includes(missing), result.stderr);
    const asJson = nncc('diff', pixel5, missing, '--json');
    assert.equal(asJson.status, 2);
    assert.equal(JSON.parse(asJson.stdout).error.file, missing);
  });

  it('exits 2 for a directory that is not a bundle and for a damaged schedule.json', () => {
    const notBundle = join(work, 'not-a-bundle');
    mkdirSync(notBundle);
    const refused = nncc('diff', notBundle, pixel5);
    assert.equal(refused.status, 2);
    assert.ok(refused.stderr.includes(join(notBundle, 'manifest.json')), refused.stderr);

    const damaged = join(work, 'damaged.nnb');
    cpSync(pixel5, damaged, { recursive: true });
    writeFileSync(join(damaged, 'schedule.json'), '{"format": 1, "steps": [');
    const unreadable = nncc('diff', pixel5, damaged);
    assert.equal(unreadable.status, 2);
    assert.ok(unreadable.stderr.includes(join(damaged, 'schedule.json')), unreadable.stderr);
    assert.match(unreadable.stderr, /not valid JSON/);

    // A valid schedule that is not the one the manifest lists (edited for review) is refused too.
    const edited = join(work, 'edited.nnb');
    cpSync(pixel5, edited, { recursive: true });
    const schedule = readFileSync(join(edited, 'schedule.json'), 'utf8');
    writeFileSync(join(edited, 'schedule.json'), schedule.replace(/"kernel": *"wasm\./, (kernel) => kernel.replace('wasm.', 'wasX.')));
    const tampered = nncc('diff', pixel5, edited);
    assert.equal(tampered.status, 2, tampered.stdout);
    assert.match(tampered.stderr, /NNCC140 .*edited\.nnb\/schedule\.json: not the schedule this bundle runs: its content differs from the manifest/);
  });

  it('has --help describing every option', () => {
    const help = nncc('diff', '--help');
    assert.equal(help.status, 0);
    for (const option of ['--format', '--json']) assert.match(help.stdout, new RegExp(option));
  });
});
