/**
 * `nncc run`'s tensor files beyond float32: raw files typed by extension (`.i64` ids, `.bool`
 * masks) and `.npy` of int64/bool round-trip exactly, and a file of the wrong dtype or size is
 * refused with NNCC140 naming the file, what it holds and what the model expects.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTensorFile, writeTensorFile } from '../../../compiler/cli/tensor-files.js';
import { CompileError } from '../../../compiler/diagnostics.js';
import type { Tensor } from '../../../runtime/tensor/tensor.js';

function expectBadFile(run: () => unknown, pattern: RegExp, file: string): void {
  assert.throws(run, (e: unknown) => e instanceof CompileError && e.code === 'NNCC140' && pattern.test(e.message) && e.message.includes(file));
}

describe('nncc run: int64 and bool tensor files', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'nncc-tensor-files-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const ids: Tensor = { dtype: 'int64', dims: [1, 4], data: BigInt64Array.from([101n, 2n ** 40n, 0n, -1n]) };
  const mask: Tensor = { dtype: 'bool', dims: [1, 4], data: Uint8Array.from([1, 1, 0, 0]) };

  for (const extension of ['.i64', '.npy']) {
    it(`round-trips int64 ids through ${extension} exactly`, () => {
      const path = join(dir, `ids${extension}`);
      writeTensorFile(path, ids);
      const back = readTensorFile(path, { dtype: 'int64', dims: [1, 4] });
      assert.deepEqual([...(back.data as BigInt64Array)], [...(ids.data as BigInt64Array)]);
    });
  }

  for (const extension of ['.bool', '.npy']) {
    it(`round-trips a bool mask through ${extension}`, () => {
      const path = join(dir, `mask${extension}`);
      writeTensorFile(path, mask);
      const back = readTensorFile(path, { dtype: 'bool', dims: [1, 4] });
      assert.equal(back.dtype, 'bool');
      assert.deepEqual([...back.data], [1, 1, 0, 0]);
    });
  }

  it('refuses a raw file whose extension names another dtype, saying which extension to use', () => {
    const path = join(dir, 'ids.f32');
    writeFileSync(path, new Uint8Array(16));
    expectBadFile(() => readTensorFile(path, { dtype: 'int64', dims: [1, 4] }), /extension says float32, the model expects int64[\s\S]*\.i64/, path);
    const untyped = join(dir, 'ids.bin');
    writeFileSync(untyped, new Uint8Array(32));
    expectBadFile(() => readTensorFile(untyped, { dtype: 'int64', dims: [1, 4] }), /without a dtype extension are float32/, untyped);
  });

  it('refuses an .npy of the wrong dtype and a raw file of the wrong length', () => {
    const path = join(dir, 'ids-as-int32.npy');
    writeTensorFile(path, { dtype: 'int32', dims: [1, 4], data: Int32Array.from([1, 2, 3, 4]) });
    expectBadFile(() => readTensorFile(path, { dtype: 'int64', dims: [1, 4] }), /holds int32\[1,4\], the model expects int64\[1,4\]/, path);
    const short = join(dir, 'short.i64');
    writeFileSync(short, new Uint8Array(24));
    expectBadFile(() => readTensorFile(short, { dtype: 'int64', dims: [1, 4] }), /holds 24 bytes, expected 32/, short);
  });
});
