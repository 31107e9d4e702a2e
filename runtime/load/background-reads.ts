/**
 * Background reads: the weights of every step whose plan says `loader: backgroundReads` are read
 * by Node's I/O threads (libuv's thread pool, one `fs.read` per step, all issued in step order as
 * soon as the planned memory exists). The copy and its first-touch page faults happen on those
 * threads, on another core, while the executing lane opens the bundle and runs earlier steps; no
 * worker has to start for it. A read counts as done when the event loop delivers its callback:
 * `await session.run` waits for exactly the reads its next step needs. `runSync` cannot let the
 * event loop turn, so it reads a step whose read was not delivered yet itself (the same bytes to
 * the same place). The file stays open until every read issued has been delivered.
 */
import { closeSync, read } from 'node:fs';
import type { KernelMemory } from '../kernels/variant.js';
import { backgroundReads, type Plan } from '../plan/plan.js';
import { now, recordLoad } from '../trace/trace.js';

/** Starts the plan's background reads into `memory`, or returns undefined when it has none. */
export function startBackgroundReads(plan: Plan, memory: KernelMemory, fd: number, trace: Float64Array): BackgroundReads | undefined {
  return plan.steps.some((step) => step.loader === backgroundReads) ? new BackgroundReads(plan, memory, fd, trace) : undefined;
}

export class BackgroundReads {
  /** Per step: 1 once its background read is delivered. */
  private readonly delivered: Uint8Array;
  private readonly waiting = new Map<number, () => void>();
  private inFlight = 0;
  private closeWhenIdle = false;
  private lastDeliveryMs: number;
  /** The first read that failed, with its step. */
  failure: { step: number; error: Error } | undefined;
  /** Settles once nothing is in flight any more (the file may then be closed). */
  readonly idle: Promise<void>;
  private resolveIdle!: () => void;

  constructor(
    private readonly plan: Plan,
    private readonly memory: KernelMemory,
    private readonly fd: number,
    private readonly trace: Float64Array,
  ) {
    this.delivered = new Uint8Array(plan.steps.length);
    this.idle = new Promise((resolve) => { this.resolveIdle = resolve; });
    this.lastDeliveryMs = now();
    plan.steps.forEach((step, index) => {
      if (step.loader !== backgroundReads) return;
      if (step.weightsRange.bytes === 0) this.delivered[index] = 1;
      else this.readFrom(index, 0);
    });
    if (this.inFlight === 0) this.resolveIdle();
  }

  /** Whether step `step`'s background read has been delivered (always true for other steps). */
  isDelivered(step: number): boolean {
    return this.plan.steps[step].loader !== backgroundReads || this.delivered[step] === 1;
  }

  /** The first step at or after `from` whose background read is still undelivered, else the step count. */
  firstUndelivered(from: number): number {
    for (let step = from; step < this.plan.steps.length; step++) if (!this.isDelivered(step)) return step;
    return this.plan.steps.length;
  }

  /** Resolves when step `step`'s read is delivered or any read has failed. */
  whenDelivered(step: number): Promise<void> {
    if (this.isDelivered(step) || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.waiting.get(step);
      this.waiting.set(step, () => { previous?.(); resolve(); });
    });
  }

  /** Closes `fd` now if nothing is in flight, else once the last read is delivered. */
  closeFile(): void {
    if (this.inFlight === 0) closeSync(this.fd);
    else this.closeWhenIdle = true;
  }

  private readFrom(step: number, done: number): void {
    const { offset, bytes } = this.plan.steps[step].weightsRange;
    const target = new Uint8Array(this.memory.buffer, this.plan.weightsOffset + offset, bytes);
    this.inFlight++;
    read(this.fd, target, done, bytes - done, offset + done, (error, n) => {
      this.inFlight--;
      if (!error && n === 0) error = new Error(`weights file ended at byte ${offset + done}`) as NodeJS.ErrnoException;
      if (error) this.fail(step, error);
      else if (done + n < bytes) this.readFrom(step, done + n);
      else this.deliver(step);
      if (this.inFlight === 0) {
        if (this.closeWhenIdle) closeSync(this.fd);
        this.resolveIdle();
      }
    });
  }

  private deliver(step: number): void {
    this.delivered[step] = 1;
    // The thread pool says nothing of when a read began: the trace shows it from the previous delivery.
    const end = now();
    recordLoad(this.trace, step, backgroundReads, this.lastDeliveryMs, end, end);
    this.lastDeliveryMs = end;
    this.wake(step);
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
