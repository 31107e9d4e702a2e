/**
 * The executing lane's side of loading: during the first run, before each step, it either loads
 * the step's weights itself (when the plan says so) or waits until the lane that does has
 * published them. After the last step the weights file is closed and later runs skip all this.
 */
import { closeSync } from 'node:fs';
import { BundleError, runtimeCodes } from '../errors/errors.js';
import type { PreparedTransform } from '../execute/executor.js';
import type { KernelMemory } from '../kernels/variant.js';
import type { Plan } from '../plan/plan.js';
import { loaded, loadStep, publish, waitUntilLoaded, type LoadTimes } from './load-steps.js';
import { now } from '../trace/trace.js';
import type { LanePool } from '../lanes/lane-pool.js';

export class StreamingLoader {
  private fd: number;
  readonly times: LoadTimes = { readMs: 0, transformMs: 0, waitMs: 0 };

  constructor(
    private readonly plan: Plan,
    private readonly memory: KernelMemory,
    private readonly transforms: readonly PreparedTransform[],
    readonly ready: Int32Array,
    private readonly trace: Float64Array,
    fd: number,
    private readonly file: string,
    /** The lanes that load the other steps, asked why one failed. */
    private readonly lanes: LanePool | undefined,
    /** Receives the executing lane's waits, for the trace. */
    private readonly onWait: (step: number, startMs: number, endMs: number) => void,
  ) {
    this.fd = fd;
  }

  get done(): boolean {
    return this.fd < 0;
  }

  /** Makes step `step`'s weights present, loading or waiting as planned. */
  before(step: number): void {
    if (Atomics.load(this.ready, step) === loaded) return;
    const loader = this.plan.steps[step].loader;
    try {
      if (loader === 0) {
        loadStep(this.plan, step, this.fd, this.memory, this.transforms, this.ready, this.times, this.trace, 0, this.checkLanes);
        publish(this.ready, step, loaded);
      } else {
        const start = now();
        this.times.waitMs += waitUntilLoaded(this.ready, step, this.checkLanes);
        this.onWait(step, start, now());
      }
    } catch (error) {
      this.close();
      // A lane's own report is the cause; the wait that noticed it only says which step.
      const cause = this.lanes?.firstFailure() ?? (error as Error).message;
      throw new BundleError(runtimeCodes.laneFailed, this.file, `loading the weights of step '${this.plan.steps[step].node}' failed: ${cause}`);
    }
    if (step === this.plan.steps.length - 1) this.close();
  }

  private readonly checkLanes = (): void => {
    const cause = this.lanes?.firstFailure();
    if (cause) throw new Error(cause);
  };

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
