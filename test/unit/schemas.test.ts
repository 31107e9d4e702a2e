/**
 * The JSON Schemas in schemas/ describe what the compiler writes: a compiled fixture bundle's
 * manifest, schedule and decoded plan validate, and a broken manifest is rejected with its path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { unpack } from 'msgpackr';
import { compileModel } from '../../compiler/compile.js';
import { fixtureModelDir, repoRoot } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

const ajv = new Ajv.default({ allErrors: true });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validator(name: string): ReturnType<typeof ajv.compile> {
  if (!validators.has(name)) validators.set(name, ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'schemas', name), 'utf8'))));
  return validators.get(name)!;
}

describe('bundle schemas', () => {
  let bundle: string;
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nncc-schema-'));
    bundle = join(work, 'tiny.nnb');
    compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), bundle);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('manifest.json validates', () => {
    const validate = validator('manifest.schema.json');
    assert.ok(validate(JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))), ajv.errorsText(validate.errors));
  });

  it('schedule.json validates and has one step per line', () => {
    const validate = validator('schedule.schema.json');
    const text = readFileSync(join(bundle, 'schedule.json'), 'utf8');
    const schedule = JSON.parse(text) as { steps: unknown[] };
    assert.ok(validate(schedule), ajv.errorsText(validate.errors));
    const stepLines = text.split('\n').filter((l) => l.trimStart().startsWith('{"step"'));
    assert.equal(stepLines.length, schedule.steps.length);
  });

  it('a bundle compiled for a device profile validates, with its prediction', () => {
    const searched = join(work, 'searched.nnb');
    compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), searched, { profile: fixtureProfile('pixel5-cpu') });
    const manifest = JSON.parse(readFileSync(join(searched, 'manifest.json'), 'utf8'));
    assert.ok(validator('manifest.schema.json')(manifest), ajv.errorsText(validator('manifest.schema.json').errors));
    assert.equal(manifest.profile.name, 'pixel5-cpu');
    assert.ok(manifest.predicted.coldMs > manifest.predicted.warmMs);
    const schedule = JSON.parse(readFileSync(join(searched, 'schedule.json'), 'utf8'));
    assert.ok(validator('schedule.schema.json')(schedule), ajv.errorsText(validator('schedule.schema.json').errors));
    assert.ok(schedule.steps.every((s: { predictedMs: unknown }) => typeof s.predictedMs === 'number'));
  });

  it('plan.msgpack decodes to an object that validates', () => {
    const validate = validator('plan.schema.json');
    assert.ok(validate(unpack(readFileSync(join(bundle, 'plan.msgpack')))), ajv.errorsText(validate.errors));
  });

  it('rejects a manifest with a wrong type, naming the JSON path', () => {
    const validate = validator('manifest.schema.json');
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    manifest.files[0].bytes = '12';
    assert.equal(validate(manifest), false);
    assert.match(ajv.errorsText(validate.errors), /files\/0\/bytes/);
  });
});
