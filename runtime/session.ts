/**
 * The runtime's public API, in the shape users know from onnxruntime:
 * `Session.create(bundleDir, options)`, `session.run(feeds)`, `session.dispose()`.
 *
 * Loading follows the bundle and decides nothing: read and check the manifest, compile the wasm
 * kernels with the tier-up it lists (load/tier-up.ts, `prepare`), read and check the plan (`read`),
 * make the planned memory and instantiate the wasm kernels on it (`alloc`, `prepare`), start the background
 * reads and the planned lanes (worker threads on that memory), which at once begin loading the
 * weights the plan gives them, and bind every step to its kernel variant (`prepare`). The first
 * run then streams: before each step the executing lane reads and transforms that step's weights
 * itself, or waits until the lane or the background read that loads them has delivered them
 * (`read`, `transform`, `wait`). With
 * `verify`, the whole weights file is read and hashed up front instead. After the first run,
 * planned warm kernels are prepared in the background and later runs switch to them.
 */
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { openWeights } from './bundle/read-bundle.js';
import { bundleFileNames, type Manifest, type TensorSpec } from './bundle/manifest.js';
import { BundleError, causeOf, FeedError, KernelError, runtimeCodes } from './errors/errors.js';
import {
  readOutputs, runSteps, writeFeeds, type PlannedMemory, type PreparedStep, type PreparedTransform, type StepClock,
} from './execute/executor.js';
import { loaded, readRange, type LoadTimes } from './load/load-steps.js';
import { loadSession, type LoadedSession } from './load-session.js';
import type { StreamingLoader } from './load/streaming-loader.js';
import type { TableRowReader } from './load/table-rows.js';
import type { BackgroundReads } from './load/background-reads.js';
import { emptyTimings, timed, timedAsync, type StageTimings } from './execute/timings.js';
import type { Plan } from './plan/plan.js';
import type { LanePool } from './lanes/lane-pool.js';
import { debugLevel } from './debug.js';
import { chromeTrace, laneSpans, now, type TraceSpan } from './trace/trace.js';
import { isDataOf, sizeOf, type Tensor } from './tensor/tensor.js';

export interface SessionOptions {
  /**
   * Also check the sha256 of the weights, the plan and every other file the manifest lists (the plan's CRC-32 is always checked, as are sizes and structure).
   * Reads the whole weights file before the first run instead of streaming it. Default false.
   */
  verify?: boolean;
}

export interface RunOptions {
  /** Filled with each step's milliseconds (for benchmarks; NNCC_DEBUG=2 prints them). */
  stepTimes?: Float64Array;
}

/** What the executing lane reads ahead at a time while it waits for a background read (~0.3 ms here). */
const readAheadChunkBytes = 1 << 20;

export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

/** One run's state between its start and its end. */
interface RunState {
  readonly feeds: readonly Tensor[];
  readonly timings: StageTimings;
  readonly loader: StreamingLoader | undefined;
  readonly firstRun: boolean;
  readonly clock: StepClock | undefined;
  readonly loadTimesBefore: LoadTimes | undefined;
}

export class Session {
  /** Stage times of `create` (execute stays 0). */
  readonly loadTimings: StageTimings;
  /** Stage times of the latest `run`; the first run also reads, transforms and waits for weights. */
  lastRunTimings: StageTimings = emptyTimings();
  private disposed = false;
  /** The lane failure that ended this session's lanes; later runs throw it again. */
  private laneFailure: BundleError | undefined;
  private runs = 0;
  /** The latest `run` (runs go one after the other), and how many have not settled. */
  private runInProgress: Promise<void> = Promise.resolve();
  private runsUnsettled = 0;
  /** Continuous inference: steps whose warm kernel is prepared (later runs use it). */
  private readonly warmReady: Int32Array;
  /** The first step `prepareWarmBeforeRun` has not looked at, and how long it took before the latest run. */
  private warmCursor = 0;
  private lastWarmPrepareMs = 0;

  private readonly steps: readonly PreparedStep[];
  private readonly memory: PlannedMemory;
  private readonly lanes: LanePool | undefined;
  private readonly loader: StreamingLoader | undefined;
  private readonly tableRows: TableRowReader | undefined;
  private readonly spans: TraceSpan[];
  private readonly loadTrace: Float64Array;
  private readonly warmTransforms: readonly PreparedTransform[];

  private constructor(
    readonly bundleDir: string,
    readonly manifest: Manifest,
    /** The executable plan (read-only data: what this session will do). */
    readonly plan: Plan,
    loaded: LoadedSession,
  ) {
    ({ steps: this.steps, memory: this.memory, lanes: this.lanes, loader: this.loader, tableRows: this.tableRows, loadTimings: this.loadTimings, spans: this.spans,
      loadTrace: this.loadTrace, warmTransforms: this.warmTransforms, warmReady: this.warmReady } = loaded);
  }

  /** Loads a bundle. A failed load rejects once the lanes it started have ended. */
  static async create(bundleDir: string, options: SessionOptions = {}): Promise<Session> {
    const loaded = Session.load(bundleDir, options);
    if ('session' in loaded) return loaded.session;
    await loaded.lanesClosed;
    throw loaded.error;
  }

  /** The same as `create`, blocking; for scripts that measure one cold run. */
  static createSync(bundleDir: string, options: SessionOptions = {}): Session {
    const loaded = Session.load(bundleDir, options);
    if ('session' in loaded) return loaded.session;
    throw loaded.error;
  }

  private static load(bundleDir: string, options: SessionOptions): { session: Session } | { error: unknown; lanesClosed: Promise<void> } {
    const loaded = loadSession(bundleDir, options);
    return 'error' in loaded ? loaded : { session: new Session(bundleDir, loaded.manifest, loaded.plan, loaded.session) };
  }

  get inputs(): readonly TensorSpec[] {
    return this.manifest.inputs;
  }

  get outputs(): readonly TensorSpec[] {
    return this.manifest.outputs;
  }

  /** Steps now running on their warm kernel (continuous inference). */
  get warmSteps(): number {
    return this.warmReady.reduce((n, v) => n + (v === 1 ? 1 : 0), 0);
  }

  /**
   * Continuous inference: after the first run, the planned warm kernels are prepared in the
   * background — by the lane the plan names (`warm.preparer`): a worker lane between its parts of
   * split steps, or this thread, one step per event-loop turn — and each step switches over when
   * its weights are ready. Starts the preparation if the first run has not; resolves when every
   * planned warm kernel is ready or has failed (callers need not wait).
   */
  async prepareWarmKernels(): Promise<void> {
    this.lanes?.prepareWarm();
    for (let i = 0; i < this.plan.steps.length; i++) {
      if (!this.preparesHere(i)) continue;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.disposed) return;
      if (this.preparesHere(i)) this.prepareWarmStep(i);
    }
    // Steps a lane prepares: wait for their flags without blocking this thread.
    for (let i = 0; i < this.plan.steps.length; i++) {
      if (!this.plan.steps[i].warm || this.plan.steps[i].warm!.preparer === 0) continue;
      while (Atomics.load(this.warmReady, i) === 0 && !this.disposed) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (this.lanes?.failureOf(this.plan.steps[i].warm!.preparer) !== undefined) return;
      }
    }
  }

  /** Whether step `i`'s warm kernel is this thread's to prepare and not prepared (or failed) yet. */
  private preparesHere(i: number): boolean {
    const warm = this.plan.steps[i].warm;
    return warm !== undefined && warm.preparer === 0 && Atomics.load(this.warmReady, i) === 0;
  }

  /** Reads and transforms the weights of step `i`'s warm kernel here, then switches the step over. */
  private prepareWarmStep(i: number): void {
    const warm = this.plan.steps[i].warm!;
    try {
      if (warm.weightsRange.bytes > 0) this.readWarmWeights(warm.weightsRange);
      for (const index of warm.transforms) {
        const t = this.warmTransforms[index];
        t.variant.transform!.run(this.memory, t.shapes, t.raw, t.packed);
      }
      Atomics.store(this.warmReady, i, 1);
    } catch (error) {
      Atomics.store(this.warmReady, i, -1);
      if (debugLevel >= 1) process.stderr.write(`nncc: warm kernel of step '${this.plan.steps[i].node}' not prepared: ${(error as Error).message}\n`);
    }
  }

  /**
   * Before a later run, prepares warm kernels left to this thread, in plan order (at least one
   * step), for as long as the previous run spent beyond executing (its preparation, or the first
   * run's reads and waits) but at least half its execution: an application that runs back to
   * back, never letting the event loop idle, still reaches the warm kernels within a few runs,
   * and until then a run takes about as long as the one before it, at most about 1.5 times its
   * execution after the first.
   */
  private prepareWarmBeforeRun(): void {
    const last = this.lastRunTimings;
    const budgetMs = Math.max(this.lastWarmPrepareMs + last.totalMs - last.executeMs, last.executeMs / 2);
    const start = performance.now();
    for (let i = this.warmCursor; i < this.plan.steps.length; i++) {
      this.warmCursor = i + 1;
      if (!this.preparesHere(i)) continue;
      this.prepareWarmStep(i);
      if (performance.now() - start >= budgetMs) break;
    }
    this.lastWarmPrepareMs = performance.now() - start;
  }

  /**
   * Runs the model. On a first run whose weights are still being read in the background, this
   * thread lets the event loop turn before each step while reads remain (it delivers them and
   * issues the next) and awaits a read its next step needs; otherwise the same as `runSync`.
   */
  async run(feeds: Feeds, options: RunOptions = {}): Promise<Outputs> {
    // Runs share the planned memory: one that awaits reads ends before the next begins.
    const previous = this.runInProgress;
    let finished!: () => void;
    this.runInProgress = new Promise((resolve) => { finished = resolve; });
    this.runsUnsettled++;
    try {
      await previous;
      const background = this.loader && !this.loader.done ? this.loader.background : undefined;
      return background?.pending ? await this.runAwaitingReads(background, feeds, options) : this.runNow(feeds, options);
    } finally {
      this.runsUnsettled--;
      finished();
    }
  }

  /**
   * The same as `run`, blocking: weights still being read in the background are read here
   * instead. Refused while a `run` of this session has not settled.
   */
  runSync(feeds: Feeds, options: RunOptions = {}): Outputs {
    if (this.runsUnsettled > 0) throw new BundleError(runtimeCodes.runUnderWay, this.bundleDir, 'a run of this session is under way: await it before calling runSync');
    return this.runNow(feeds, options);
  }

  /** A first run step by step, letting the event loop deliver background reads between steps. */
  private async runAwaitingReads(background: BackgroundReads, feeds: Feeds, options: RunOptions): Promise<Outputs> {
    const run = this.beginRun(feeds, options);
    const count = this.steps.length;
    const results = await timedAsync(run.timings, 'totalMs', async () => {
      try {
        writeFeeds(this.plan, this.memory, run.feeds);
        for (let step = 0; step < count; step++) {
          // While reads remain, let the event loop deliver the one in flight and issue the next.
          if (background.pending) await new Promise((resolve) => setImmediate(resolve));
          if (!background.isDelivered(step)) await this.awaitRead(background, step);
          this.runStretch(step, step + 1, run);
        }
        return readOutputs(this.plan, this.memory);
      } catch (error) {
        this.failed(error);
      }
    });
    return this.endRun(run, results);
  }

  /**
   * Until step `step`'s background read is delivered, this thread reads the ends of the reads
   * still to issue itself, a chunk at a time from the end of the queue (it would otherwise idle;
   * with the I/O threads it then reads from both ends), letting the event loop deliver between
   * chunks; a step whose read is not issued yet is read here at once. Then it waits for the read
   * in flight.
   */
  private async awaitRead(background: BackgroundReads, step: number): Promise<void> {
    const loader = this.loader!;
    // Once a read has failed, nothing more is read: the step's load reports the failure.
    while (!background.isDelivered(step) && !background.failure) {
      if (background.isQueued(step)) {
        loader.readInstead(step);
        return;
      }
      if (!loader.readAheadHere(readAheadChunkBytes)) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (background.isDelivered(step) || background.failure) return;
    const waitStart = now();
    await background.whenDelivered(step);
    loader.times.waitMs += now() - waitStart;
    this.spans.push({ lane: 0, name: this.plan.steps[step].node, stage: 'wait', startMs: waitStart, endMs: now() });
  }

  private runNow(feeds: Feeds, options: RunOptions): Outputs {
    const run = this.beginRun(feeds, options);
    const results = timed(run.timings, 'totalMs', () => {
      try {
        writeFeeds(this.plan, this.memory, run.feeds);
        this.runStretch(0, this.steps.length, run);
        return readOutputs(this.plan, this.memory);
      } catch (error) {
        this.failed(error);
      }
    });
    return this.endRun(run, results);
  }

  private beginRun(feeds: Feeds, options: RunOptions): RunState {
    if (this.disposed) throw new BundleError(runtimeCodes.disposed, this.bundleDir, 'the session was disposed');
    if (this.laneFailure) throw this.laneFailure;
    const ordered = this.manifest.inputs.map((spec) => checkedFeed(spec, feeds[spec.name]));
    const loader = this.loader && !this.loader.done ? this.loader : undefined;
    const firstRun = this.runs++ === 0;
    if (!firstRun && this.warmCursor < this.plan.steps.length) this.prepareWarmBeforeRun();
    const clock = firstRun || options.stepTimes || debugLevel >= 2
      ? { starts: new Float64Array(this.steps.length), durations: options.stepTimes ?? new Float64Array(this.steps.length) }
      : undefined;
    return { feeds: ordered, timings: emptyTimings(), loader, firstRun, clock, loadTimesBefore: loader ? { ...loader.times } : undefined };
  }

  private endRun({ timings, loader, loadTimesBefore: before, firstRun, clock }: RunState, results: Tensor[]): Outputs {
    if (loader && before) {
      timings.readMs = loader.times.readMs - before.readMs;
      timings.transformMs = loader.times.transformMs - before.transformMs;
      timings.waitMs = loader.times.waitMs - before.waitMs;
    }
    timings.executeMs = timings.totalMs - timings.readMs - timings.transformMs - timings.waitMs;
    if (clock && debugLevel >= 2) printStepTimes(this.plan, clock.durations);
    // Continuous inference starts after the first run, as the event loop turns.
    if (firstRun && this.plan.steps.some((s) => s.warm)) void this.prepareWarmKernels();
    if (clock && firstRun) {
      this.plan.steps.forEach((step, i) => {
        this.spans.push({ lane: 0, name: step.node, stage: 'execute', startMs: clock.starts[i], endMs: clock.starts[i] + clock.durations[i] });
      });
    }
    this.lastRunTimings = timings;
    const outputs: Outputs = {};
    this.manifest.outputs.forEach((spec, i) => { outputs[spec.name] = results[i]; });
    return outputs;
  }

  /** Runs steps `from` … `to` − 1 of the current run. */
  private runStretch(from: number, to: number, run: RunState): void {
    runSteps({
      plan: this.plan, memory: this.memory, steps: this.steps, lanes: this.lanes, clock: run.clock, loader: run.loader,
      tableRows: this.tableRows, warmReady: this.warmReady,
    }, from, to);
  }

  /** Rethrows a run's failure; a failed lane ends all lanes (no worker outlives a session that cannot run). */
  private failed(error: unknown): never {
    // The plan's checks passed, yet a kernel refused what the plan gave it: the plan is at fault.
    if (error instanceof KernelError) {
      throw new BundleError(runtimeCodes.planInvalid, join(this.bundleDir, bundleFileNames.plan), `a kernel refused the plan: ${error.message}`);
    }
    if (error instanceof BundleError && error.code === runtimeCodes.laneFailed) {
      this.laneFailure = error;
      this.loader?.close();
      void this.lanes?.close();
    }
    throw error;
  }

  private readWarmWeights(range: { offset: number; bytes: number }): void {
    const { fd, file } = openWeights(this.manifest, this.bundleDir, this.plan.weightsBytes);
    try {
      readRange(fd, this.plan, this.memory, range);
    } catch (error) {
      throw new BundleError(runtimeCodes.fileSizeMismatch, file, causeOf(error));
    } finally {
      closeSync(fd);
    }
  }

  /** What every lane did during load and the first run, as a Chrome trace object (JSON-serialisable). */
  trace(): object {
    const names = this.plan.steps.map((s) => s.node);
    return chromeTrace([...this.spans, ...(this.loader?.background?.spans ?? []), ...laneSpans(this.loadTrace, names, this.plan.lanes)]);
  }

  /**
   * Ends the session: closes the weights file and stops the lanes at once. The promise resolves
   * when the lanes' threads have ended and the weights file is closed (awaiting it is optional;
   * a process that creates and disposes many sessions should, so each session's memory can be
   * freed, see README "Many sessions in one process").
   */
  dispose(): Promise<void> {
    this.disposed = true;
    this.loader?.close();
    this.tableRows?.close();
    // The weights file closes once the background reads in flight are delivered.
    return Promise.all([this.lanes?.close(), this.loader?.background?.idle]).then(() => undefined);
  }
}

function printStepTimes(plan: Plan, stepTimes: Float64Array): void {
  const lines = plan.steps.map((s, i) => `${stepTimes[i].toFixed(3).padStart(9)} ms  ${s.kernel.padEnd(28)} ${s.node}`);
  process.stderr.write(`nncc: step times\n${lines.join('\n')}\n`);
}

function checkedFeed(spec: TensorSpec, tensor: Tensor | undefined): Tensor {
  if (!tensor) throw new FeedError(spec.name, 'missing from the feeds');
  if (tensor.dtype !== spec.dtype) throw new FeedError(spec.name, `dtype ${tensor.dtype}, expected ${spec.dtype}`);
  if (!isDataOf(spec.dtype, tensor.data)) {
    throw new FeedError(spec.name, `data must be a ${spec.dtype} typed array, got ${describeValue(tensor.data)}`);
  }
  const sameDims = tensor.dims.length === spec.dims.length && tensor.dims.every((d, i) => d === spec.dims[i]);
  if (!sameDims) throw new FeedError(spec.name, `dims [${tensor.dims.join(',')}], expected [${spec.dims.join(',')}]`);
  if (tensor.data.length !== sizeOf(spec.dims)) throw new FeedError(spec.name, `${tensor.data.length} elements, expected ${sizeOf(spec.dims)}`);
  return tensor;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
