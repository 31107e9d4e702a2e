/**
 * End-to-end: `nncc explain` on tiny-cnn compiled for pixel5-cpu. The bundle's timeline.json
 * validates against its schema, is listed in the manifest and is byte-identical on a recompile;
 * explain prints the breakdown (total = the manifest's predicted cold ms), the lower bound, the gap
 * and one line per task, the same as JSON, and writes an SVG and a Chrome trace. A bundle compiled
 * without a profile has no timeline: explain says so with the hint and exits 1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { crc32, sha256 } from '../../runtime/bundle/read-bundle.js';
import { nncc } from '../support/cli.js';
import { fixtureModelDir, repoRoot } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

const model = join(fixtureModelDir, 'tiny-cnn.onnx');
const pixel5 = fixtureProfile('pixel5-cpu');

describe('nncc explain', () => {
  let work: string;
  let bundle: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nncc-explain-'));
    bundle = join(work, 'pixel5.nnb');
    const compiled = nncc('compile', model, '-o', bundle, '--profile', pixel5);
    assert.equal(compiled.status, 0, compiled.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

  it('writes a timeline.json that validates, is listed in the manifest and is byte-identical on a recompile', () => {
    const ajv = new Ajv.default({ allErrors: true });
    const validate = ajv.compile(readJson(join(repoRoot, 'schemas', 'timeline.schema.json')));
    const timeline: { profile: string; tasks: { stage: string }[] } = readJson(join(bundle, 'timeline.json'));
    const valid = validate(timeline);
    assert.ok(valid, ajv.errorsText(validate.errors));
    assert.equal(timeline.profile, 'pixel5-cpu');
    assert.ok(timeline.tasks.some((t: { stage: string }) => t.stage === 'execute'));
    const bytes = readFileSync(join(bundle, 'timeline.json'));
    const entry = readJson(join(bundle, 'manifest.json')).files.find((f: { path: string }) => f.path === 'timeline.json');
    assert.deepEqual(entry, { path: 'timeline.json', bytes: bytes.length, sha256: sha256(bytes), crc32: crc32(bytes) });
    const again = join(work, 'again.nnb');
    assert.equal(nncc('compile', model, '-o', again, '--profile', pixel5).status, 0);
    assert.ok(readFileSync(join(again, 'timeline.json')).equals(bytes), 'timeline.json differs between compiles');
  });

  it('prints the breakdown, lower bound, gap and one line per task', () => {
    const result = nncc('explain', bundle);
    assert.equal(result.status, 0, result.stderr);
    const timeline = readJson(join(bundle, 'timeline.json'));
    for (const stage of ['read', 'alloc', 'prepare', 'transform', 'execute', 'wait']) assert.match(result.stdout, new RegExp(`^${stage} +\\d+\\.\\d{3}$`, 'm'));
    const total = Number(/^total \(cold\) +([\d.]+)$/m.exec(result.stdout)?.[1]);
    assert.ok(Math.abs(total - readJson(join(bundle, 'manifest.json')).predicted.coldMs) < 0.01, `total ${total}`);
    assert.match(result.stdout, /^lower bound +[\d.]+$/m);
    assert.match(result.stdout, /^gap +[\d.]+ +\([\d.]+%\)$/m);
    const taskLines = result.stdout.split('\n').filter((l) => /^(lane \d+ \((executing|worker)\)|background reads \(I\/O threads\)) +\w+ +\S+ +[\d.]+ +[\d.]+$/.test(l));
    assert.equal(taskLines.length, timeline.tasks.length);
    assert.ok(taskLines.some((l) => l.includes(` execute `) && l.includes(timeline.steps[0])), 'an execute line names the first step\'s node');
  });

  it('prints the timeline and breakdown as JSON, total equal to the predicted cold ms', () => {
    const result = nncc('explain', bundle, '--json');
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.equal(output.ok, true);
    assert.deepEqual(output.timeline, readJson(join(bundle, 'timeline.json')));
    assert.ok(Math.abs(output.breakdown.totalMs - readJson(join(bundle, 'manifest.json')).predicted.coldMs) < 0.01);
    assert.ok(Math.abs(output.gapMs - (output.timeline.predictedMs - output.timeline.lowerBoundMs)) < 1e-9);
  });

  it('writes the timeline as an SVG Gantt chart and as a Chrome trace', () => {
    const svgFile = join(work, 'timeline.svg');
    const traceFile = join(work, 'timeline.trace.json');
    const result = nncc('explain', bundle, '--svg', svgFile, '--trace', traceFile);
    assert.equal(result.status, 0, result.stderr);
    const timeline = readJson(join(bundle, 'timeline.json'));
    const svg = readFileSync(svgFile, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<rect class="task"[^>]*><title>/g)?.length, timeline.tasks.length);
    const lanes = new Set(timeline.tasks.map((t: { lane: number }) => t.lane));
    assert.equal(svg.match(/<g class="lane" /g)?.length, lanes.size);
    const trace = readJson(traceFile);
    const events = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    assert.equal(events.length, timeline.tasks.length);
    assert.equal(trace.traceEvents.filter((e: { ph: string }) => e.ph === 'M').length, lanes.size);
    const lastEnd = Math.max(...events.map((e: { ts: number; dur: number }) => e.ts + e.dur));
    assert.ok(Math.abs(lastEnd / 1000 - timeline.predictedMs) < 0.01, `trace ends at ${lastEnd} µs`);
  });

  it('exits 1 with a hint on a bundle compiled without a profile', () => {
    const plain = join(work, 'plain.nnb');
    assert.equal(nncc('compile', model, '-o', plain).status, 0);
    assert.equal(existsSync(join(plain, 'timeline.json')), false);
    const result = nncc('explain', plain);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /NNCC140 .*timeline\.json: the bundle has no predicted timeline: it was compiled without a device profile/);
    assert.match(result.stderr, /hint: compile with --profile/);
    const asJson = nncc('explain', plain, '--json');
    assert.equal(asJson.status, 1);
    assert.equal(JSON.parse(asJson.stdout).error.code, 'NNCC140');
  });
});
