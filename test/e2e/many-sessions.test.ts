/**
 * Load: 50 or more sessions held at once in one process (a child run with --expose-gc, so memory
 * can be measured after a full collection: test/support/many-sessions-child.ts), over the fixture
 * models compiled nine ways, lanes and loader lanes included, each way of each model at least
 * once. Every output of two rounds (different seeded inputs per session and round, the second on
 * warm kernels) equals the reference executor's — no cross-talk between sessions; after all are
 * disposed, the worker threads and open file descriptors are back to the baseline (none left on
 * a bundle file) and resident memory is near it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.js';

const child = join(repoRoot, 'dist', 'test', 'support', 'many-sessions-child.js');
/**
 * Resident memory the process may keep after the sessions are gone (V8's grown heap and malloc
 * keep some pages): a fifth of what the sessions added at the peak, at least 40 MiB.
 */
const keptShare = 0.2;
const keptMinMiB = 40;

interface Report {
  sessions: number; bundles: number; lanes: number; warmSteps: number; checked: number; mismatches: string[];
  compileMs: number; runMs: number; peakRssMiB: number;
  before: { threads: number; fds: number; bundleFds: number; rssMiB: number; externalMiB: number };
  during: { threads: number; fds: number; bundleFds: number };
  after: { threads: number; fds: number; bundleFds: number; rssMiB: number; externalMiB: number };
}

describe('many sessions in one process', () => {
  it('50+ concurrent sessions, every fixture model and variant among them, give the reference outputs and leave no threads, fds or memory behind', () => {
    const start = performance.now();
    const ran = spawnSync(process.execPath, ['--expose-gc', child], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(ran.status, 0, ran.stderr);
    const r = JSON.parse(ran.stdout) as Report;
    const totalMs = performance.now() - start;
    console.log(`      ${r.sessions} sessions (${r.bundles} distinct bundles, ${r.lanes} worker lanes, ${r.warmSteps} steps switched warm), `
      + `${r.checked} outputs checked; compile ${r.compileMs} ms, create + 2 rounds ${r.runMs} ms, total ${totalMs.toFixed(0)} ms`);
    console.log(`      RSS ${r.before.rssMiB} → peak ${r.peakRssMiB} → after ${r.after.rssMiB} MiB; external ${r.before.externalMiB} → ${r.after.externalMiB} MiB; `
      + `threads ${r.before.threads} → ${r.during.threads} → ${r.after.threads}; fds ${r.before.fds} → ${r.during.fds} → ${r.after.fds} `
      + `(on bundle files ${r.before.bundleFds} → ${r.during.bundleFds} → ${r.after.bundleFds})`);
    assert.ok(r.sessions >= 50 && r.sessions >= r.bundles, `${r.sessions} sessions for ${r.bundles} bundles`);
    assert.ok(r.lanes > 0, 'some sessions have worker lanes');
    assert.equal(r.checked, 2 * r.sessions, 'two rounds of one output each');
    assert.deepEqual(r.mismatches, []);
    assert.ok(r.during.threads > r.before.threads, 'the lanes were running while the sessions were held');
    assert.ok(r.after.threads <= r.before.threads, `every worker thread ended (${r.before.threads} before, ${r.after.threads} after)`);
    assert.ok(r.during.bundleFds > 0, 'sessions held their weights files open while streaming');
    assert.equal(r.after.bundleFds, 0, 'every bundle file closed');
    // Node opens a descriptor or two of its own lazily (/dev/null, an eventfd): not ours.
    assert.ok(r.after.fds <= r.before.fds + 2, `file descriptors back to the baseline (${r.before.fds} before, ${r.after.fds} after)`);
    const allowedMiB = Math.max(keptMinMiB, keptShare * (r.peakRssMiB - r.before.rssMiB));
    assert.ok(r.after.rssMiB <= r.before.rssMiB + allowedMiB, `RSS after (${r.after.rssMiB} MiB) within ${allowedMiB.toFixed(0)} MiB of before (${r.before.rssMiB} MiB)`);
    assert.ok(r.after.externalMiB <= r.before.externalMiB + 1, 'external memory back to the baseline');
  });
});
