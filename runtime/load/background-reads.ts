/**
 * Background reads: the weights of every step whose plan says `loader: backgroundReads` are read
 * by Node's I/O threads (libuv's thread pool, in step order, from as soon as the planned memory
 * exists: the first step's range alone, then the ranges of consecutive steps together). The copy and its first-touch page faults happen there, on
 * another core, while the executing lane opens the bundle and runs earlier steps; no worker has
 * to start for it. Two reads are in flight at a time. The next is issued when the event loop
 * delivers one, so `await session.run` lets the loop turn between steps while reads remain, and
 * awaits exactly the read its next step needs; while it waits, it reads the ends of the reads not
 * yet issued itself, a chunk at a time (`readTailHere`: measured on resnet18, whose run waits for
 * reads, −1 to −3 ms end to end). `runSync` cannot let the loop turn: it reads a step not yet
 * delivered itself (the same bytes to the same place), and such a step is not read again. The
 * file stays open until the reads in flight have been delivered.
 */
import { closeSync, read } from 'node:fs';
import type { KernelMemory } from '../kernels/variant.js';
import { backgroundReads, type Plan } from '../plan/plan.js';
import { backgroundReadTrack, now, type TraceSpan } from '../trace/trace.js';
import { align64 } from '../kernels/wasm/conv-input.js';
import { BundleError, runtimeCodes } from '../errors/errors.js';

/** Starts the plan's background reads into `memory`, or returns undefined when it has none. */
export function startBackgroundReads(plan: Plan, memory: KernelMemory, fd: number): BackgroundReads | undefined {
  return plan.steps.some((step) => step.loader === backgroundReads) ? new BackgroundReads(plan, memory, fd) : undefined;
}

/**
 * Reads in flight at once. The pool has four threads: all four reading (and faulting pages in)
 * beside the executing lane on two cores slowed it most; one left the reader idle until the
 * executing lane's next step delivered its read. Measured on resnet18 (first run, ms): four at
 * once 75–78, one 82–89, two 68–70, three 70–73.
 */
const readsInFlight = 2;

/**
 * After the first step's read, consecutive steps whose weights follow each other in the file are
 * read together, up to about this many bytes a read. A read is issued only when the event loop
 * delivers one, which a blocking load never lets happen, so small reads would leave the I/O
 * threads idle through most of the load and then cost the first run a delivery per step (each
 * ~30–100 µs of the executing lane: the callback and handing the next read to the pool).
 * Measured against one read per step (21 interleaved processes each, medians): −1.0, −0.5 and
 * −2.0 ms end to end on squeezenet1_1, mobilenet_v2 and resnet18.
 */
const groupBytes = 4 << 20;

export class BackgroundReads {
  /** Per step: 1 once its background read is delivered (or the executing lane read it). */
  private readonly delivered: Uint8Array;
  private readonly waiting = new Map<number, () => void>();
  /** Steps still to read, in step order. */
  private readonly queue: number[] = [];
  /** Per step: bytes from the start of its range the I/O threads read (the rest, if any, the executing lane read). */
  private readonly headBytes: number[];
  private inFlight = 0;
  /** Reads issued so far. */
  private issued = 0;
  private closeWhenIdle = false;
  /** Per read in flight at once: whether that trace track is taken by a read now. */
  private readonly tracksBusy = new Array<boolean>(readsInFlight).fill(false);
  /**
   * One span per read, from when it was handed to the thread pool to its delivery, named by the
   * steps it holds, on the track of its place among the reads in flight (two may overlap).
   */
  readonly spans: TraceSpan[] = [];
  /** The first read that failed, with its step. */
  failure: { step: number; error: Error } | undefined;
  /** Settles once nothing is in flight any more (the file may then be closed). */
  readonly idle: Promise<void>;
  private resolveIdle!: () => void;

  constructor(
    private readonly plan: Plan,
    private readonly memory: KernelMemory,
    private readonly fd: number,
  ) {
    this.delivered = new Uint8Array(plan.steps.length);
    this.headBytes = plan.steps.map((step) => step.weightsRange.bytes);
    this.idle = new Promise((resolve) => { this.resolveIdle = resolve; });
    plan.steps.forEach((step, index) => {
      if (step.loader !== backgroundReads) return;
      if (step.weightsRange.bytes === 0) this.delivered[index] = 1;
      else this.queue.push(index);
    });
    this.issueNext();
    if (this.inFlight === 0) this.resolveIdle();
  }

  /** Whether any read is still to be delivered. */
  get pending(): boolean {
    return this.inFlight > 0 || this.queue.length > 0;
  }

  /** Whether step `step`'s read is still waiting for its turn (not issued yet). */
  isQueued(step: number): boolean {
    return this.queue.includes(step);
  }

  /** The part of step `step`'s range the I/O threads read (all of it unless the executing lane took its end). */
  headRange(step: number): { offset: number; bytes: number } {
    return { offset: this.plan.steps[step].weightsRange.offset, bytes: this.headBytes[step] };
  }

  /**
   * Gives `read` (the executing lane's blocking read) up to `maxBytes` from the end of the last
   * read still to issue; that read shrinks to the rest, and a step read whole here counts as
   * delivered. False when no read is left to issue.
   */
  readTailHere(maxBytes: number, read: (step: number, range: { offset: number; bytes: number }) => void): boolean {
    const step = this.queue[this.queue.length - 1];
    if (step === undefined) return false;
    const bytes = Math.min(maxBytes, this.headBytes[step]);
    const head = this.headBytes[step] - bytes;
    read(step, { offset: this.plan.steps[step].weightsRange.offset + head, bytes });
    this.headBytes[step] = head;
    if (head === 0) this.readHere(step);
    return true;
  }

  /** The executing lane read step `step` itself: it counts as delivered and is not read again. */
  readHere(step: number): void {
    const queued = this.queue.indexOf(step);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.delivered[step] = 1;
  }

  /** Whether step `step`'s background read has been delivered (always true for other steps). */
  isDelivered(step: number): boolean {
    return this.plan.steps[step].loader !== backgroundReads || this.delivered[step] === 1;
  }

  /** Resolves when step `step`'s read is delivered or any read has failed. */
  whenDelivered(step: number): Promise<void> {
    if (this.isDelivered(step) || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.waiting.get(step);
      this.waiting.set(step, () => { previous?.(); resolve(); });
    });
  }

  /** Issues no more reads; closes `fd` now if nothing is in flight, else once the read in flight is delivered. */
  closeFile(): void {
    this.queue.length = 0;
    if (this.inFlight === 0) closeSync(this.fd);
    else this.closeWhenIdle = true;
  }

  private issueNext(): void {
    while (this.inFlight < readsInFlight && this.queue.length > 0 && !this.failure) {
      const track = this.tracksBusy.indexOf(false);
      this.tracksBusy[track] = true;
      this.readFrom(this.nextGroup(), 0, track, now());
    }
  }

  /** The next steps to read in one go: the first step read alone, later runs of contiguous ranges up to `groupBytes`. */
  private nextGroup(): number[] {
    const group = [this.queue.shift()!];
    if (this.issued++ === 0) return group;
    let end = this.plan.steps[group[0]].weightsRange.offset + this.headBytes[group[0]];
    while (this.queue.length > 0) {
      const next = this.queue[0];
      const { offset, bytes } = this.headRange(next);
      if (offset !== align64(end) || offset + bytes - this.plan.steps[group[0]].weightsRange.offset > groupBytes) break;
      group.push(this.queue.shift()!);
      end = offset + bytes;
    }
    return group;
  }

  private readFrom(steps: readonly number[], done: number, track: number, startMs: number): void {
    const offset = this.plan.steps[steps[0]].weightsRange.offset;
    const last = this.headRange(steps[steps.length - 1]);
    const bytes = last.offset + last.bytes - offset;
    const target = new Uint8Array(this.memory.buffer, this.plan.weightsOffset + offset, bytes);
    this.inFlight++;
    read(this.fd, target, done, bytes - done, offset + done, (error, n) => {
      this.inFlight--;
      if (!error && n === 0) error = new BundleError(runtimeCodes.fileSizeMismatch, 'weights.bin', `weights file ended at byte ${offset + done}`) as NodeJS.ErrnoException;
      if (error) this.fail(steps.find((step) => this.plan.steps[step].weightsRange.offset + this.headBytes[step] > offset + done) ?? steps[0], error);
      else if (done + n < bytes) this.readFrom(steps, done + n, track, startMs);
      else this.deliverAll(steps, track, startMs, bytes);
      if (error || done + n >= bytes) this.tracksBusy[track] = false;
      if (!this.closeWhenIdle) this.issueNext();
      if (this.inFlight === 0) {
        if (this.closeWhenIdle) closeSync(this.fd);
        this.resolveIdle();
      }
    });
  }

  private deliverAll(steps: readonly number[], track: number, startMs: number, bytes: number): void {
    const { node } = this.plan.steps[steps[0]];
    const name = steps.length === 1 ? node : `${node} … ${this.plan.steps[steps[steps.length - 1]].node} (${steps.length} steps, ${(bytes / 1048576).toFixed(2)} MiB)`;
    this.spans.push({ lane: backgroundReadTrack(track), name, stage: 'read', startMs, endMs: now() });
    for (const step of steps) {
      this.delivered[step] = 1;
      this.wake(step);
    }
  }

  private fail(step: number, error: Error): void {
    this.failure ??= { step, error };
    for (const waiting of [...this.waiting.keys()]) this.wake(waiting);
  }

  private wake(step: number): void {
    const resolve = this.waiting.get(step);
    this.waiting.delete(step);
    resolve?.();
  }
}
