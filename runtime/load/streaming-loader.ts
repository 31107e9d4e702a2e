/**
 * The executing lane's side of loading: during the first run, before each step, it either loads
 * the step's weights itself (when the plan says so), transforms weights read in the background,
 * or waits until the lane that loads them has published them. After the last step the weights
 * file is closed (once the background reads are delivered) and later runs skip all this.
 */
import { closeSync } from 'node:fs';
import { BundleError, causeOf, runtimeCodes } from '../errors/errors.js';
import type { PreparedTransform } from '../execute/executor.js';
import type { KernelMemory } from '../kernels/variant.js';
import { backgroundReads, type Plan } from '../plan/plan.js';
import type { BackgroundReads } from './background-reads.js';
import { loaded, loadStep, publish, readRange, transformStep, waitUntilLoaded, type LoadTimes, type StepLoading } from './load-steps.js';
import { now, recordLoad } from '../trace/trace.js';
import type { LanePool } from '../lanes/lane-pool.js';

export interface StreamingLoaderOptions {
  readonly plan: Plan;
  readonly memory: KernelMemory;
  readonly transforms: readonly PreparedTransform[];
  /** Per step: loaded, failed or not yet (shared with the lanes). */
  readonly ready: Int32Array;
  readonly trace: Float64Array;
  /** The weights file, open, and its path (for errors). */
  readonly fd: number;
  readonly file: string;
  /** The lanes that load the other steps, asked why one failed. */
  readonly lanes: LanePool | undefined;
  /** The reads Node's I/O threads do (absent when the plan has none), issued as the memory was made. */
  readonly background: BackgroundReads | undefined;
  /** Receives the executing lane's waits and transforms of background-read weights, for the trace. */
  readonly onSpan: (stage: 'wait' | 'transform', step: number, startMs: number, endMs: number) => void;
}

export class StreamingLoader {
  private fd: number;
  readonly times: LoadTimes = { readMs: 0, transformMs: 0, waitMs: 0 };

  private readonly plan: Plan;
  private readonly memory: KernelMemory;
  readonly ready: Int32Array;
  private readonly trace: Float64Array;
  private readonly file: string;
  private readonly lanes: LanePool | undefined;
  readonly background: BackgroundReads | undefined;
  private readonly onSpan: StreamingLoaderOptions['onSpan'];
  /** How this lane loads and transforms its steps (loadStep, transformStep). */
  private readonly loading: StepLoading;

  constructor(options: StreamingLoaderOptions) {
    ({ plan: this.plan, memory: this.memory, ready: this.ready, trace: this.trace, fd: this.fd, file: this.file, lanes: this.lanes,
      background: this.background, onSpan: this.onSpan } = options);
    this.loading = { plan: this.plan, memory: this.memory, transforms: options.transforms, ready: this.ready, times: this.times };
  }

  get done(): boolean {
    return this.fd < 0;
  }

  /** Makes step `step`'s weights present, loading or waiting as planned. */
  before(step: number): void {
    if (Atomics.load(this.ready, step) === loaded) return;
    const loader = this.plan.steps[step].loader;
    this.failingAs(step, () => {
      if (loader === 0) {
        loadStep(this.loading, this.fd, this.trace, step, 0, this.checkLanes);
        publish(this.ready, step, loaded);
      } else if (loader === backgroundReads) {
        this.afterBackgroundRead(step);
        publish(this.ready, step, loaded);
      } else {
        const start = now();
        this.times.waitMs += waitUntilLoaded(this.ready, step, this.checkLanes);
        this.onSpan('wait', step, start, now());
      }
    });
    if (step === this.plan.steps.length - 1) this.close();
  }

  /**
   * Reads the weights of background-read step `step` on this lane instead of Node's I/O threads
   * (the same bytes to the same place); the background reads then skip it.
   */
  readInstead(step: number): void {
    this.failingAs(step, () => this.readHere(step));
  }

  /**
   * Reads up to `maxBytes` of the last background read not yet issued on this lane instead (the
   * end of its range); false when every background read is issued.
   */
  readAheadHere(maxBytes: number): boolean {
    return this.background!.readTailHere(maxBytes, (step, range) => this.failingAs(step, () => this.readOnThisLane(step, range)));
  }

  /** Runs `load` for step `step`; a failure closes the weights file and is reported as that step's. */
  private failingAs(step: number, load: () => void): void {
    try {
      load();
    } catch (error) {
      this.close();
      // A lane's own report is the cause; the wait that noticed it only says which step.
      const cause = this.lanes?.firstFailure() ?? causeOf(error);
      throw new BundleError(runtimeCodes.laneFailed, this.file, `loading the weights of step '${this.plan.steps[step].node}' failed: ${cause}`);
    }
  }

  /**
   * A background-read step: its read delivered (else, in a blocking run, read here: the same
   * bytes to the same place), then its transforms on this lane.
   */
  private afterBackgroundRead(step: number): void {
    const background = this.background!;
    const failure = background.failure;
    if (failure) throw new BundleError(runtimeCodes.bundleUnreadable, this.file, `the background read of step '${this.plan.steps[failure.step].node}' failed: ${causeOf(failure.error)}`);
    if (!background.isDelivered(step)) this.readHere(step);
    const start = now();
    transformStep(this.loading, step, this.checkLanes);
    if (this.plan.steps[step].transforms.length > 0) this.onSpan('transform', step, start, now());
  }

  private readHere(step: number): void {
    this.readOnThisLane(step, this.background!.headRange(step));
    this.background!.readHere(step);
  }

  private readOnThisLane(step: number, range: { offset: number; bytes: number }): void {
    const start = now();
    readRange(this.fd, this.plan, this.memory, range);
    const end = now();
    this.times.readMs += end - start;
    recordLoad(this.trace, step, 0, start, end, end);
  }

  private readonly checkLanes = (): void => {
    const cause = this.lanes?.firstFailure();
    if (cause) throw new BundleError(runtimeCodes.laneFailed, this.file, cause);
  };

  close(): void {
    if (this.fd >= 0) {
      if (this.background) this.background.closeFile();
      else closeSync(this.fd);
    }
    this.fd = -1;
  }
}
