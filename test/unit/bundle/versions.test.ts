/**
 * The compatibility rule between bundles and runtimes (README, "Bundle format"): a runtime reads
 * bundles of its own format major version and any minor version — a minor version only adds what
 * an older runtime may ignore (manifest fields, files it does not read) — and refuses anything
 * else with a BundleError naming manifest.json, the expected and the found version: another
 * major, either way, or another format name (NNCC202); other kernels (NNCC203, the ABI hash);
 * a plan of another plan format, even when the manifest vouches for its bytes (NNCC207).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr, unpack } from 'msgpackr';
import { compileModel } from '../../../compiler/compile.js';
import { fixtureModels } from '../../../fixtures/models/definitions.js';
import { bundleFormat, type Manifest } from '../../../runtime/bundle/manifest.js';
import { sha256 } from '../../../runtime/bundle/read-bundle.js';
import { resign } from '../../support/resign.js';
import { BundleError } from '../../../runtime/errors/errors.js';
import { kernelAbi } from '../../../runtime/kernels/catalogue.js';
import { planFormatVersion, type Plan } from '../../../runtime/plan/plan.js';
import { Session } from '../../../runtime/session.js';
import { fixtureModelDir } from '../../support/paths.js';

const tinyCnn = fixtureModels.find((f) => f.name === 'tiny-cnn')!;

describe('bundle format versions', () => {
  let work: string;
  let good: string;
  let expected: Float32Array;
  let copies = 0;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'nncc-versions-'));
    good = join(work, 'good.nnb');
    compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), good);
    const session = await Session.create(good);
    expected = (await session.run(tinyCnn.inputs())).probabilities.data as Float32Array;
    session.dispose();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** A copy of the good bundle with its manifest edited. */
  function withManifest(edit: (m: Manifest, dir: string) => void): string {
    const dir = join(work, `copy-${copies++}.nnb`);
    cpSync(good, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    edit(manifest, dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    return dir;
  }

  async function refusal(dir: string): Promise<BundleError> {
    const error = await Session.create(dir).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof BundleError, `expected a BundleError, got ${String(error)}`);
    return error;
  }

  for (const minor of [bundleFormat.minor + 1, bundleFormat.minor + 7]) {
    it(`loads and runs a bundle of minor version ${minor} with fields and a file this runtime does not know`, async () => {
      const dir = withManifest((m, d) => {
        m.format.minor = minor;
        (m as unknown as Record<string, unknown>).addedInALaterMinor = { anything: true };
        const notes = new TextEncoder().encode('a file a later minor version added\n');
        writeFileSync(join(d, 'notes.txt'), notes);
        m.files.push({ path: 'notes.txt', bytes: notes.length, sha256: sha256(notes) });
      });
      const session = await Session.create(dir, { verify: true });
      const outputs = await session.run(tinyCnn.inputs());
      session.dispose();
      assert.deepEqual(outputs.probabilities.data, expected);
    });
  }

  for (const major of [bundleFormat.major + 1, bundleFormat.major - 1]) {
    it(`refuses major version ${major} (NNCC202) naming expected and found`, async () => {
      const error = await refusal(withManifest((m) => { m.format.major = major; m.format.minor = 3; }));
      assert.equal(error.code, 'NNCC202');
      assert.equal(error.file, join(work, `copy-${copies - 1}.nnb`, 'manifest.json'));
      assert.equal(error.expected, `nncc-bundle ${bundleFormat.major}.x`);
      assert.equal(error.actual, `nncc-bundle ${major}.3`);
      assert.match(error.message, new RegExp(`expected nncc-bundle ${bundleFormat.major}\\.x, found nncc-bundle ${major}\\.3`));
      assert.match(error.message, /recompile/);
    });
  }

  it('refuses another format name of the same major (NNCC202)', async () => {
    const error = await refusal(withManifest((m) => { m.format.name = 'other-bundle'; }));
    assert.equal(error.code, 'NNCC202');
    assert.equal(error.actual, `other-bundle ${bundleFormat.major}.${bundleFormat.minor}`);
  });

  it('refuses another kernel ABI (NNCC203) naming this runtime\'s and the bundle\'s', async () => {
    const error = await refusal(withManifest((m) => { m.kernelAbi = 'nncc-kernels/other'; }));
    assert.equal(error.code, 'NNCC203');
    assert.equal(error.expected, kernelAbi());
    assert.equal(error.actual, 'nncc-kernels/other');
    assert.match(error.message, /manifest\.json: bundle built for other kernels; recompile/);
  });

  for (const format of [planFormatVersion + 1, planFormatVersion - 1]) {
    it(`refuses plan format ${format} (NNCC207) even when the manifest vouches for the plan's bytes`, async () => {
      const dir = withManifest((m, d) => {
        const plan = unpack(readFileSync(join(d, 'plan.msgpack'))) as Plan;
        const bytes = new Packr({ useRecords: false }).pack({ ...plan, format });
        writeFileSync(join(d, 'plan.msgpack'), bytes);
        const entry = m.files.find((f) => f.path === 'plan.msgpack')!;
        resign(entry, bytes);
      });
      const error = await refusal(dir);
      assert.equal(error.code, 'NNCC207');
      assert.equal(error.file, join(dir, 'plan.msgpack'));
      assert.equal(error.expected, String(planFormatVersion));
      assert.equal(error.actual, String(format));
    });
  }
});
