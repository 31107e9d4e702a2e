/**
 * Unit tests for the review diff (`compiler/review/`) on hand-made schedules: identical plans have
 * no changes, a kernel change is one changed step with one changed field, added and removed steps
 * are listed, totals come from manifests only when both sides are bundles, the Markdown has a
 * totals table and a per-operator table, and a malformed schedule is refused by JSON path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffBundles } from '../../../compiler/review/diff-bundles.js';
import { readReviewInput, type ManifestSummary, type ReviewInput, type Schedule, type ScheduleStep } from '../../../compiler/review/read-review-input.js';
import { renderDiffMarkdown, renderDiffText } from '../../../compiler/review/render-diff.js';
import { expectCompileError } from '../../support/diagnostics.js';

const sha = (digit: string): string => digit.repeat(64);

function step(index: number, node: string, overrides: Partial<ScheduleStep> = {}): ScheduleStep {
  return {
    step: index, node, op: 'Conv', kernel: 'wasm.Conv.direct', fused: null, lanes: 1, loader: 0, weights: 'raw',
    weightBytes: 1024, predictedMs: 0.5, inputs: ['x'], outputs: [`${node}_out`], ...overrides,
  };
}

function schedule(steps: ScheduleStep[], overrides: Partial<Schedule> = {}): Schedule {
  return {
    format: 1, model: 'net', modelSha256: sha('a'), kernelAbi: 'nncc-kernels/test', profile: 'phone', predictedColdMs: 10,
    inputs: ['x'], outputs: [steps.at(-1)?.outputs[0] ?? 'x'], weightsBytes: steps.reduce((sum, s) => sum + s.weightBytes, 0), steps, ...overrides,
  };
}

function manifest(bytes: number, coldMs: number, warmMs: number, profileSha = sha('b'), tierUp: Record<string, number[]> = {}): ManifestSummary {
  return {
    tierUp,
    model: { name: 'net', sha256: sha('a'), opset: 13 },
    profile: { name: 'phone', sha256: profileSha },
    files: [{ path: 'weights.bin', bytes, sha256: sha('c') }, { path: 'plan.msgpack', bytes: 100, sha256: sha('d') }],
    predicted: { objective: 'cold', coldMs, warmMs, lowerBoundMs: coldMs, stages: { start: 0, read: 0, alloc: 0, prepare: 0, transform: 0, execute: 0, wait: 0 } },
  };
}

const side = (path: string, s: Schedule, m: ManifestSummary | null = null): ReviewInput => ({ path, schedule: s, manifest: m });
const threeSteps = (): ScheduleStep[] => [step(0, 'conv1'), step(1, 'conv2'), step(2, 'relu', { op: 'Relu', kernel: 'wasm.Relu.simd', weights: 'none', weightBytes: 0 })];

describe('review diff', () => {
  it('finds no changes between identical plans', () => {
    const diff = diffBundles(side('a', schedule(threeSteps())), side('b', schedule(threeSteps())));
    assert.equal(diff.identical, true);
    assert.deepEqual(diff.steps, []);
    assert.equal(diff.unchangedSteps, 3);
    assert.equal(diff.model.changed, false);
    assert.equal(diff.profile.changed, false);
    assert.equal(diff.totals.bytes.delta, 0);
    assert.match(renderDiffMarkdown(diff), /no differences \(3 steps\)/);
    assert.match(renderDiffText(diff), /no differences/);
  });

  it('names the background reads as the loader instead of their lane number', () => {
    const after = threeSteps();
    after[0] = step(0, 'conv1', { loader: -1 });
    const diff = diffBundles(side('a', schedule(threeSteps())), side('b', schedule(after)));
    assert.match(renderDiffText(diff), /conv1 \(Conv\): loader lane 0 → background reads/);
    assert.match(renderDiffMarkdown(diff), /\*\*0 → background reads\*\*/);
  });

  it('reports a kernel change as one changed step with the fields that changed', () => {
    const after = threeSteps();
    after[1] = step(1, 'conv2', { kernel: 'wasm.Conv.winograd-f43', weights: 'stored-transformed', weightBytes: 4096, predictedMs: 0.2 });
    const diff = diffBundles(side('a', schedule(threeSteps())), side('b', schedule(after)));
    assert.equal(diff.identical, false);
    assert.equal(diff.unchangedSteps, 2);
    assert.equal(diff.steps.length, 1);
    const [changed] = diff.steps;
    assert.equal(changed.status, 'changed');
    assert.equal(changed.node, 'conv2');
    assert.deepEqual(changed.changes.map((c) => c.field), ['kernel', 'weights', 'weightBytes', 'predictedMs']);
    assert.deepEqual(changed.changes[0], { field: 'kernel', before: 'wasm.Conv.direct', after: 'wasm.Conv.winograd-f43' });
    assert.equal(diff.totals.bytesBasis, 'weights');
    assert.deepEqual(diff.totals.bytes, { before: 2048, after: 5120, delta: 3072 });
    assert.match(renderDiffText(diff), /~ conv2 \(Conv\): kernel wasm\.Conv\.direct → wasm\.Conv\.winograd-f43; weights raw → stored-transformed; weight bytes 1,024 → 4,096 \(\+3,072, \+300\.0%\)/);
  });

  it('lists added and removed steps, matched by node name rather than position', () => {
    const before = threeSteps();
    const after = [step(0, 'conv1'), step(1, 'conv1b'), step(2, 'conv2'), step(3, 'relu', { op: 'Relu', kernel: 'wasm.Relu.simd', weights: 'none', weightBytes: 0 })];
    const diff = diffBundles(side('a', schedule(before)), side('b', schedule(after)));
    assert.deepEqual(diff.steps.map((s) => [s.status, s.node]), [['added', 'conv1b']]);
    assert.equal(diff.unchangedSteps, 3, 'steps that moved down one position are unchanged');
    assert.deepEqual(diff.totals.steps, { before: 3, after: 4, delta: 1 });
    const reverse = diffBundles(side('b', schedule(after)), side('a', schedule(before)));
    assert.deepEqual(reverse.steps.map((s) => [s.status, s.node]), [['removed', 'conv1b']]);
  });

  it('says when the model or the profile changed', () => {
    const diff = diffBundles(side('a', schedule(threeSteps())), side('b', schedule(threeSteps(), { modelSha256: sha('e'), profile: 'board' })));
    assert.equal(diff.model.changed, true);
    assert.equal(diff.profile.changed, true);
    assert.deepEqual(diff.profile.after, { name: 'board', sha256: null });
    assert.equal(diff.identical, false);
    assert.match(renderDiffMarkdown(diff), /model changed .*profile phone → board/);
  });

  it('takes totals from the manifests when both sides are bundles, and sees a profile edit by its sha256', () => {
    const diff = diffBundles(side('a', schedule(threeSteps()), manifest(2048, 10, 2)), side('b', schedule(threeSteps()), manifest(2048, 12, 2, sha('f'))));
    assert.equal(diff.totals.bytesBasis, 'bundle-files');
    assert.deepEqual(diff.totals.bytes, { before: 2148, after: 2148, delta: 0 });
    assert.deepEqual(diff.totals.predictedColdMs, { before: 10, after: 12, delta: 2 });
    assert.deepEqual(diff.totals.predictedWarmMs, { before: 2, after: 2, delta: 0 });
    assert.equal(diff.profile.changed, true);
    assert.equal(diff.steps.length, 0);
    assert.equal(diff.identical, false);
  });

  it('says when the functions optimized at load changed, and only when both sides are bundles', () => {
    const functions = { relaxed: [6, 11, 83], portable: [6, 11, 83] };
    const diff = diffBundles(side('a', schedule(threeSteps()), manifest(2048, 10, 2)), side('b', schedule(threeSteps()), manifest(2048, 10, 2, sha('b'), functions)));
    assert.deepEqual(diff.tierUp, { changed: true, before: {}, after: functions });
    assert.equal(diff.identical, false);
    assert.match(renderDiffMarkdown(diff), /tier-up changed/);
    assert.match(renderDiffText(diff), /^tier-up +none → functions optimized at load: 3 \(portable\), 3 \(relaxed\)$/m);
    const same = diffBundles(side('a', schedule(threeSteps()), manifest(2048, 10, 2, sha('b'), functions)), side('b', schedule(threeSteps()), manifest(2048, 10, 2, sha('b'), { portable: [6, 11, 83], relaxed: [6, 11, 83] })));
    assert.equal(same.tierUp.changed, false, 'the order of the builds does not matter');
    const scheduleOnly = diffBundles(side('a', schedule(threeSteps())), side('b', schedule(threeSteps()), manifest(2048, 10, 2, sha('b'), functions)));
    assert.equal(scheduleOnly.tierUp.changed, false, 'a schedule.json does not say');
    assert.doesNotMatch(renderDiffText(scheduleOnly), /^tier-up/m);
  });

  it('renders Markdown with a summary line, a totals table and a per-operator table', () => {
    const after = threeSteps();
    after[0] = step(0, 'conv1', { loader: 1, fused: 'Relu' });
    const md = renderDiffMarkdown(diffBundles(side('a', schedule(threeSteps())), side('b', schedule(after))));
    const lines = md.trimEnd().split('\n');
    assert.match(lines[0], /^\*\*nncc diff\*\* `net`: steps: 1 changed, 0 added, 0 removed, 2 unchanged/);
    assert.ok(lines.includes('| total | before | after | delta |'));
    assert.ok(lines.includes('| steps | 3 | 3 | 0 |'));
    const row = lines.find((l) => l.includes('`conv1`'));
    assert.ok(row, md);
    assert.match(row, /\| changed \| Conv \| wasm\.Conv\.direct \| raw \| 1 \| \*\*0 → 1\*\* \| \*\*none → Relu\*\* \|/);
    assert.ok(!lines.some((l) => l.includes('`conv2`')), 'unchanged steps are not listed');
    assert.match(md, /_2 unchanged steps not listed\._/);
  });

  it('reads a schedule written before warmKernel existed as warmKernel null, and sees a warm kernel change', () => {
    const withNull = threeSteps().map((s) => ({ ...s, warmKernel: null }));
    assert.equal(diffBundles(side('a', schedule(threeSteps())), side('b', schedule(withNull))).identical, true);
    const withWarm = threeSteps().map((s, i) => ({ ...s, warmKernel: i === 0 ? 'wasm.Conv.winograd-f43' : null }));
    const diff = diffBundles(side('a', schedule(withNull)), side('b', schedule(withWarm)));
    assert.deepEqual(diff.steps.map((s) => [s.node, s.changes.map((c) => c.field)]), [['conv1', ['warmKernel']]]);
    assert.match(renderDiffMarkdown(diff), /\| warm kernel \|/);
  });

  it('refuses a malformed schedule with NNCC140, naming the file and the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nncc-review-'));
    try {
      const file = join(dir, 'schedule.json');
      const broken = schedule(threeSteps()) as unknown as { steps: Record<string, unknown>[] };
      delete broken.steps[1].kernel;
      writeFileSync(file, JSON.stringify(broken));
      const error = expectCompileError(() => readReviewInput(file), 'NNCC140');
      assert.equal(error.where.file, file);
      assert.match(error.message, /\/steps\/1\/kernel must be a string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
