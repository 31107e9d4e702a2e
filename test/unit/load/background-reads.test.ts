/**
 * The background reads' bookkeeping (runtime/load/background-reads.ts): steps whose weights follow
 * each other are read together after the first; when the executing lane reads some bytes itself,
 * it takes the end of the last read not yet issued, a chunk at a time, that read shrinks to the
 * rest, a step taken whole counts as delivered and is never read again, and every byte lands
 * where the plan puts it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRange } from '../../../runtime/load/load-steps.js';
import { BackgroundReads } from '../../../runtime/load/background-reads.js';
import { backgroundReads, type Plan, type PlanStep } from '../../../runtime/plan/plan.js';
import { backgroundReadTrack } from '../../../runtime/trace/trace.js';

describe('background reads', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-background-reads-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  /**
   * Four steps of 256 weight bytes each, all read in the background, 64 bytes apart in the file
   * (`gap`, so each is a read of its own) or back to back; the file's byte i is i mod 251, the
   * file cut at `truncatedTo` bytes if given.
   */
  function setUp(gap = 64, truncatedTo?: number) {
    const sizes = [256, 256, 256, 256];
    const file = join(work, `weights-${Math.random()}.bin`);
    const fileBytes = 4 * 256 + 3 * gap;
    const bytes = Uint8Array.from({ length: fileBytes }, (_, i) => i % 251);
    writeFileSync(file, truncatedTo === undefined ? bytes : bytes.subarray(0, truncatedTo));
    let offset = 0;
    const steps = sizes.map((size, i) => {
      const step = { node: `s${i}`, loader: backgroundReads, weightsRange: { offset, bytes: size } } as unknown as PlanStep;
      offset += size + gap;
      return step;
    });
    const plan = { steps, weightsOffset: 64, weightsBytes: fileBytes } as unknown as Plan;
    const memory = { buffer: new SharedArrayBuffer(64 + fileBytes) };
    const fd = openSync(file, 'r');
    const reads = new BackgroundReads(plan, memory, fd);
    const readHere = (_step: number, range: { offset: number; bytes: number }): void => readRange(fd, plan, memory, range);
    return { plan, memory, bytes, reads, readHere };
  }

  it('the executing lane takes the end of the last queued read, a chunk at a time', async () => {
    const { memory, bytes, reads, readHere } = setUp();
    // Two reads are in flight at once (steps 0 and 1); steps 2 and 3 wait for their turn.
    assert.ok(reads.isQueued(2) && reads.isQueued(3) && !reads.isQueued(0));
    const taken: number[][] = [];
    const record = (step: number, range: { offset: number; bytes: number }): void => { taken.push([step, range.offset, range.bytes]); readHere(step, range); };
    assert.equal(reads.readTailHere(100, record), true);
    assert.deepEqual(reads.headRange(3), { offset: 960, bytes: 156 });
    assert.equal(reads.isDelivered(3), false);
    assert.equal(reads.readTailHere(200, record), true);
    assert.deepEqual(taken, [[3, 1116, 100], [3, 960, 156]]);
    assert.equal(reads.isDelivered(3), true, 'a step read whole here is delivered');
    assert.equal(reads.isQueued(3), false, 'and is not read again');
    assert.equal(reads.readTailHere(1000, record), true);
    assert.deepEqual(taken[2], [2, 640, 256]);
    assert.equal(reads.readTailHere(1000, record), false, 'nothing left to issue');
    await Promise.all([0, 1].map((step) => reads.whenDelivered(step)));
    await reads.idle;
    reads.closeFile();
    for (const step of [0, 1, 2, 3]) {
      const at = step * 320;
      assert.deepEqual(new Uint8Array(memory.buffer, 64 + at, 256), bytes.subarray(at, at + 256), `step ${step}`);
    }
  });

  it('after the first step alone, steps whose weights follow each other are read together', async () => {
    const { memory, bytes, reads } = setUp(0);
    // Step 0's read, then one read of steps 1 to 3: nothing is left waiting for its turn.
    assert.ok([0, 1, 2, 3].every((step) => !reads.isQueued(step)));
    for (const step of [0, 1, 2, 3]) await reads.whenDelivered(step);
    await reads.idle;
    reads.closeFile();
    assert.deepEqual(new Uint8Array(memory.buffer, 64, 1024), bytes);
    // The trace has one span per read, from its issue to its delivery, each on its own track of the two in flight.
    assert.deepEqual(reads.spans.map((s) => [s.name, s.lane, s.stage]).sort(), [
      ['s0', backgroundReadTrack(0), 'read'],
      ['s1 … s3 (3 steps, 0.00 MiB)', backgroundReadTrack(1), 'read'],
    ]);
    assert.ok(reads.spans.every((s) => s.endMs >= s.startMs && s.startMs > 0));
  });

  it('a read that finds the file ended fails, naming the first step whose bytes are missing', async () => {
    const { reads } = setUp(0, 300);
    for (const step of [0, 1, 2, 3]) await reads.whenDelivered(step);
    await reads.idle;
    reads.closeFile();
    assert.ok(reads.isDelivered(0), 'step 0 was whole');
    assert.equal(reads.failure?.step, 1);
    assert.match(reads.failure!.error.message, /weights file ended at byte 300/);
  });

  it('a read shrunk by the executing lane is issued for the rest only', async () => {
    const { memory, bytes, reads, readHere } = setUp();
    assert.equal(reads.readTailHere(56, readHere), true);
    assert.deepEqual(reads.headRange(3), { offset: 960, bytes: 200 });
    // Poison the bytes the executing lane read: the I/O threads must not read them again.
    new Uint8Array(memory.buffer, 64 + 1160, 56).fill(255);
    for (const step of [0, 1, 2, 3]) await reads.whenDelivered(step);
    await reads.idle;
    reads.closeFile();
    const image = new Uint8Array(memory.buffer, 64, 1216);
    assert.deepEqual(image.subarray(960, 1160), bytes.subarray(960, 1160));
    assert.ok(image.subarray(1160).every((b) => b === 255));
  });
});
