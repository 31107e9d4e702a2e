/**
 * A full disk while writing a bundle: on a 1 MiB tmpfs filled to its last pages, `nncc compile`
 * exits 1 with NNCC160 naming the target, the file it was writing and ENOSPC, with a hint; it
 * leaves no bundle and no temporary directory, and a bundle already at the target survives intact.
 * A --dump-dir on the full disk and a file-size limit (ulimit -f: EFBIG) are reported the same
 * way. Mounting needs root (or CAP_SYS_ADMIN); where mount is refused the tmpfs cases skip and
 * say why (the EFBIG case needs no mount).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { Session } from '../../runtime/session.js';
import { nncc } from '../support/cli.js';
import { cliPath, fixtureModelDir } from '../support/paths.js';

const model = join(fixtureModelDir, 'tiny-cnn.onnx');
const tinyCnn = fixtureModels.find((f) => f.name === 'tiny-cnn')!;
const tmpfsBytes = 1024 * 1024;
/** Room left after the filler: less than a tiny-cnn bundle (~20 KB) needs. */
const roomBytes = 8 * 1024;

describe('disk full while writing a bundle', () => {
  let work: string;
  let disk: string;
  let mountRefused: string | undefined;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nncc-disk-full-'));
    disk = join(work, 'disk');
    mkdirSync(disk);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsBytes}`, 'tmpfs', disk], { encoding: 'utf8' });
    if (mounted.status !== 0) mountRefused = `mount -t tmpfs refused (${(mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim()})`;
  });
  after(() => {
    if (!mountRefused) spawnSync('umount', [disk]);
    rmSync(work, { recursive: true, force: true });
  });

  /** Fills the tmpfs but for `roomBytes`. */
  const fillDisk = (): void => {
    const { bavail, bsize } = statfsSync(disk);
    writeFileSync(join(disk, 'filler'), new Uint8Array(bavail * bsize - roomBytes));
  };

  it('compile exits 1 with NNCC160 (ENOSPC) naming the path, leaves nothing, keeps an existing bundle', async function () {
    if (mountRefused) {
      console.log(`      skipped: ${mountRefused}`);
      this.skip();
    }
    const target = join(disk, 'tiny-cnn.nnb');
    assert.equal(nncc('compile', model, '-o', target).status, 0, 'the bundle fits while the disk is empty');
    const session = await Session.create(target, { verify: true });
    const before = await session.run(tinyCnn.inputs());
    session.dispose();
    fillDisk();

    const fresh = nncc('compile', model, '-o', join(disk, 'other.nnb'));
    console.log(`      ${fresh.stderr.trim().split('\n').slice(-2).join('\n      ')}`);
    assert.equal(fresh.status, 1);
    assert.match(fresh.stderr, new RegExp(`NNCC160 ${join(disk, 'other.nnb')}: cannot write the bundle writing [a-z.]+: no space left on the device \\(ENOSPC\\)`));
    assert.match(fresh.stderr, /hint: free space on the file system holding /);
    assert.deepEqual(readdirSync(disk).sort(), ['filler', 'tiny-cnn.nnb'], 'no partial bundle, no temporary directory');

    const replacing = nncc('compile', model, '-o', target, '--lanes', '2', '--json');
    assert.equal(replacing.status, 1);
    const error = JSON.parse(replacing.stdout).error;
    assert.equal(error.code, 'NNCC160');
    assert.equal(error.file, target);
    assert.match(error.message, /ENOSPC/);
    assert.deepEqual(readdirSync(disk).sort(), ['filler', 'tiny-cnn.nnb']);
    const kept = await Session.create(target, { verify: true });
    assert.deepEqual((await kept.run(tinyCnn.inputs())).probabilities.data, before.probabilities.data, 'the existing bundle is intact');
    kept.dispose();
  });

  it('a --dump-dir on a full disk is NNCC160 naming the dump file', function () {
    if (mountRefused) {
      console.log(`      skipped: ${mountRefused}`);
      this.skip();
    }
    const dump = join(disk, 'dump');
    const compiled = nncc('compile', model, '-o', join(work, 'dumped.nnb'), '--dump-dir', dump);
    assert.equal(compiled.status, 1);
    assert.match(compiled.stderr, new RegExp(`NNCC160 ${dump}/0[0-9]\\.[a-z]+\\.txt: cannot write: no space left on the device \\(ENOSPC\\)\\n  hint: `));
  });

  it('a file-size limit (ulimit -f, EFBIG) is NNCC160 with a hint, leaving nothing', () => {
    const target = join(work, 'limited.nnb');
    const limited = spawnSync('sh', ['-c', `ulimit -f 4 && exec "${process.execPath}" "${cliPath}" compile "${model}" -o "${target}"`], { encoding: 'utf8' });
    assert.equal(limited.status, 1, limited.stderr);
    assert.match(limited.stderr, new RegExp(`NNCC160 ${target}: cannot write the bundle writing [a-z.]+: file too large \\(EFBIG\\)\\n  hint: .*ulimit -f`));
    assert.ok(!readdirSync(work).some((name) => name.includes('limited.nnb')), 'no bundle and no temporary directory');
  });
});
