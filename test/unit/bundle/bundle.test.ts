/**
 * Unit tests for bundles: the writer (`compiler/bundle/`) is deterministic, lists every file in
 * the manifest, replaces bundles atomically and refuses to overwrite other directories; the
 * reader (`runtime/bundle/`, through `Session.create`) refuses damaged bundles with a BundleError
 * whose code says what is wrong and whose message names the file (versions and kernel ABI:
 * versions.test.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModel } from '../../../compiler/compile.js';
import { OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import { fixtureModelDir } from '../../../fixtures/generate.js';
import { fixtureModels } from '../../../fixtures/models/definitions.js';
import type { Manifest } from '../../../runtime/bundle/manifest.js';
import { BundleError } from '../../../runtime/errors/errors.js';
import { Session } from '../../../runtime/session.js';
import { expectCompileError } from '../../support/diagnostics.js';

const bundleFiles = ['index.d.mts', 'index.mjs', 'manifest.json', 'plan.msgpack', 'schedule.json', 'weights.bin'];
const tinyCnnPath = join(fixtureModelDir, 'tiny-cnn.onnx');
const fireBlockPath = join(fixtureModelDir, 'fire-block.onnx');

let root: string;
let counter = 0;

/** A fresh directory under the test root. */
const freshDir = (label: string): string => {
  const dir = join(root, `${label}-${counter++}`);
  mkdirSync(dir);
  return dir;
};

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

describe('bundles', () => {
  before(() => { root = mkdtempSync(join(tmpdir(), 'nncc-bundle-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe('bundle writer', () => {
    let first: string;
    before(() => {
      first = join(freshDir('twice'), 'a.nnb');
      compileModel(tinyCnnPath, first);
    });

    it('writes byte-identical files when compiling the same model twice', () => {
      const second = join(freshDir('twice'), 'b.nnb');
      compileModel(tinyCnnPath, second);
      assert.deepEqual(readdirSync(first).sort(), bundleFiles);
      assert.deepEqual(readdirSync(second).sort(), bundleFiles);
      for (const file of bundleFiles) {
        assert.ok(readFileSync(join(first, file)).equals(readFileSync(join(second, file))), `${file} differs between compiles`);
      }
    });

    it('lists every other file in the manifest with its size, sha256 and CRC-32', () => {
      const manifest = readManifest(first);
      assert.deepEqual(manifest.files.map((f) => f.path).sort(), bundleFiles.filter((f) => f !== 'manifest.json'));
      for (const entry of manifest.files) {
        const bytes = readFileSync(join(first, entry.path));
        assert.equal(entry.bytes, bytes.length, `${entry.path} size`);
        assert.equal(entry.sha256, sha256(bytes), `${entry.path} sha256`);
        assert.equal(entry.crc32, crc32(bytes).toString(16).padStart(8, '0'), `${entry.path} crc32`);
      }
    });

    it('replaces an existing bundle, leaving no stray or temporary files', () => {
      const parent = freshDir('replace');
      const target = join(parent, 'model.nnb');
      compileModel(fireBlockPath, target);
      writeFileSync(join(target, 'stray.txt'), 'left from before');
      compileModel(tinyCnnPath, target);
      assert.equal(readManifest(target).model.name, 'tiny-cnn');
      assert.deepEqual(readdirSync(target).sort(), bundleFiles);
      assert.deepEqual(readdirSync(parent), ['model.nnb']);
    });

    it('refuses a non-empty directory that is not a bundle (NNCC160) and leaves it untouched', () => {
      const parent = freshDir('refuse');
      const target = join(parent, 'photos');
      mkdirSync(target);
      writeFileSync(join(target, 'holiday.jpg'), 'not a bundle');
      expectCompileError(() => compileModel(tinyCnnPath, target), 'NNCC160');
      assert.deepEqual(readdirSync(target), ['holiday.jpg']);
      assert.equal(readFileSync(join(target, 'holiday.jpg'), 'utf8'), 'not a bundle');
      assert.deepEqual(readdirSync(parent), ['photos']);
    });

    it('leaves no directory and no temporary directory when the compile fails', () => {
      const parent = freshDir('failing');
      const b = new OnnxModelBuilder('unsupported', 13);
      b.output(b.op('Frobnicate', [b.input('x', 'float32', [2])]));
      const modelPath = join(parent, 'unsupported.onnx');
      writeFileSync(modelPath, b.toBytes());
      const target = join(parent, 'out', 'unsupported.nnb');
      expectCompileError(() => compileModel(modelPath, target), 'NNCC110');
      assert.equal(existsSync(target), false);
      assert.deepEqual(readdirSync(parent), ['unsupported.onnx']);
    });

    it('refuses an output path that is an existing file (NNCC160) and leaves the file', () => {
      const parent = freshDir('file-target');
      const target = join(parent, 'model.nnb');
      writeFileSync(target, 'a file');
      expectCompileError(() => compileModel(tinyCnnPath, target), 'NNCC160');
      assert.equal(readFileSync(target, 'utf8'), 'a file');
      assert.deepEqual(readdirSync(parent), ['model.nnb']);
    });
  });

  describe('bundle reader refusals', () => {
    let good: string;
    before(() => {
      good = join(freshDir('good'), 'tiny-cnn.nnb');
      compileModel(tinyCnnPath, good);
    });

    /** A copy of the good bundle, changed by `damage`. */
    function damaged(damage: (dir: string) => void): string {
      const dir = join(freshDir('damaged'), 'bundle.nnb');
      cpSync(good, dir, { recursive: true });
      damage(dir);
      return dir;
    }

    const editManifest = (edit: (m: Manifest) => void) => (dir: string): void => {
      const manifest = readManifest(dir);
      edit(manifest);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    };

    const flipByte = (file: string) => (dir: string): void => {
      const bytes = readFileSync(join(dir, file));
      const at = Math.floor(bytes.length / 2);
      bytes[at] ^= 0x55;
      writeFileSync(join(dir, file), bytes);
    };

    async function expectBundleError(dir: string, code: string, file: string, options = {}): Promise<void> {
      await assert.rejects(Session.create(dir, options), (error: unknown) => {
        assert.ok(error instanceof BundleError, `expected BundleError, got ${String(error)}`);
        assert.equal(error.code, code, error.message);
        assert.ok(error.message.includes(file), `message does not name ${file}: ${error.message}`);
        return true;
      });
    }

    it('loads the undamaged bundle, with and without verify', async () => {
      (await Session.create(good)).dispose();
      (await Session.create(good, { verify: true })).dispose();
    });

    it('refuses a manifest that is not JSON (NNCC201)', async () => {
      await expectBundleError(damaged((dir) => writeFileSync(join(dir, 'manifest.json'), '{ "format": ')), 'NNCC201', 'manifest.json');
    });

    it('refuses weights.bin one byte short (NNCC205)', async () => {
      await expectBundleError(damaged((dir) => {
        const path = join(dir, 'weights.bin');
        truncateSync(path, readFileSync(path).length - 1);
      }), 'NNCC205', 'weights.bin');
    });

    it('refuses plan.msgpack with one byte flipped (NNCC206)', async () => {
      await expectBundleError(damaged(flipByte('plan.msgpack')), 'NNCC206', 'plan.msgpack');
    });

    it('checks the plan by sha256 in a bundle of minor 0, which lists no CRC-32 (NNCC206)', async () => {
      const minorZero = editManifest((m) => {
        m.format.minor = 0;
        for (const entry of m.files) delete entry.crc32;
      });
      (await Session.create(damaged(minorZero))).dispose();
      await expectBundleError(damaged((dir) => { minorZero(dir); flipByte('plan.msgpack')(dir); }), 'NNCC206', 'plan.msgpack');
    });

    it("refuses a files[] crc32 that is not 8 hex digits (NNCC201)", async () => {
      await expectBundleError(damaged(editManifest((m) => { m.files[0].crc32 = 'xyz'; })), 'NNCC201', 'manifest.json');
    });

    it("refuses a files[] path of '../x' (NNCC201)", async () => {
      await expectBundleError(damaged(editManifest((m) => { m.files[0].path = '../x'; })), 'NNCC201', 'manifest.json');
    });

    it('refuses weights with one byte flipped under verify (NNCC206), and loads them without it', async () => {
      const dir = damaged(flipByte('weights.bin'));
      await expectBundleError(dir, 'NNCC206', 'weights.bin', { verify: true });
      (await Session.create(dir)).dispose();
    });
  });

  describe('bundles run', () => {
    it('a loaded bundle gives the output the manifest declares', async () => {
      const dir = join(freshDir('run'), 'tiny-cnn.nnb');
      compileModel(tinyCnnPath, dir);
      const session = await Session.create(dir);
      const fixture = fixtureModels.find((m) => m.name === 'tiny-cnn')!;
      const outputs = await session.run(fixture.inputs());
      session.dispose();
      assert.deepEqual(Object.keys(outputs), session.outputs.map((o) => o.name));
      assert.deepEqual(outputs[session.outputs[0].name].dims, [1, 10]);
    });
  });
});
