/**
 * The runtime's public API, in the shape users know from onnxruntime:
 * `Session.create(bundleDir, options)`, `session.run(feeds)`, `session.dispose()`.
 *
 * Loading follows the plan and decides nothing: read and check the manifest and plan (`read`),
 * make the planned memory and instantiate the wasm kernels on it (`alloc`, `prepare`), read the
 * weights file into its image in that memory (`read`), bind every step to its kernel variant
 * (`prepare`), and pack the weights the plan did not store packed (`transform`).
 */
import { readManifest, readPlan, readWeights } from './bundle/read-bundle.js';
import type { Manifest, TensorSpec } from './bundle/manifest.js';
import { BundleError, FeedError, runtimeCodes } from './errors/errors.js';
import { createMemory, executePlan, prepareSteps, prepareTransforms, runTransforms, type PlannedMemory, type PreparedStep } from './execute/executor.js';
import { emptyTimings, timed, type StageTimings } from './execute/timings.js';
import type { Plan } from './plan/plan.js';
import { LanePool } from './lanes/lane-pool.js';
import { compileKernelModule } from './kernels/wasm/module.js';
import { debugLevel } from './debug.js';
import { sizeOf, type Tensor } from './tensor/tensor.js';

export interface SessionOptions {
  /** Also check the weights' sha256 (the plan's is always checked, as are sizes and structure). Default false. */
  verify?: boolean;
}

export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

export class Session {
  /** Stage times of `create` (execute stays 0). */
  readonly loadTimings: StageTimings;
  /** Stage times of the latest `run` (only execute is non-zero). */
  lastRunTimings: StageTimings = emptyTimings();
  private disposed = false;

  private constructor(
    readonly bundleDir: string,
    readonly manifest: Manifest,
    private readonly plan: Plan,
    private readonly steps: readonly PreparedStep[],
    private readonly memory: PlannedMemory,
    private readonly lanes: LanePool | undefined,
    loadTimings: StageTimings,
  ) {
    this.loadTimings = loadTimings;
  }

  static async create(bundleDir: string, options: SessionOptions = {}): Promise<Session> {
    return Session.createSync(bundleDir, options);
  }

  /** The same as `create`, blocking; for scripts that measure one cold run. */
  static createSync(bundleDir: string, options: SessionOptions = {}): Session {
    const timings = emptyTimings();
    const start = performance.now();
    const manifest = timed(timings, 'readMs', () => readManifest(bundleDir));
    const plan = timed(timings, 'readMs', () => readPlan(manifest, bundleDir));
    const memory = timed(timings, plan.usesWasm ? 'prepareMs' : 'allocMs', () => createMemory(plan));
    const lanes = plan.lanes > 1
      ? timed(timings, 'prepareMs', () => new LanePool(plan.lanes - 1, memory.memory, compileKernelModule(), plan, bundleDir))
      : undefined;
    timed(timings, 'readMs', () => readWeights(manifest, bundleDir, new Uint8Array(memory.buffer, plan.weightsOffset, plan.weightsBytes), options));
    const steps = timed(timings, 'prepareMs', () => prepareSteps(plan, bundleDir));
    const transforms = timed(timings, 'prepareMs', () => prepareTransforms(plan, bundleDir));
    timed(timings, 'transformMs', () => runTransforms(memory, transforms));
    timings.totalMs = performance.now() - start;
    return new Session(bundleDir, manifest, plan, steps, memory, lanes, timings);
  }

  get inputs(): readonly TensorSpec[] {
    return this.manifest.inputs;
  }

  get outputs(): readonly TensorSpec[] {
    return this.manifest.outputs;
  }

  async run(feeds: Feeds): Promise<Outputs> {
    return this.runSync(feeds);
  }

  runSync(feeds: Feeds): Outputs {
    if (this.disposed) throw new BundleError(runtimeCodes.disposed, this.bundleDir, 'the session was disposed');
    const ordered = this.manifest.inputs.map((spec) => checkedFeed(spec, feeds[spec.name]));
    const timings = emptyTimings();
    const stepTimes = debugLevel >= 2 ? new Float64Array(this.steps.length) : undefined;
    const results = timed(timings, 'executeMs', () => executePlan(this.plan, this.memory, this.steps, ordered, this.lanes, stepTimes));
    if (stepTimes) printStepTimes(this.plan, stepTimes);
    timings.totalMs = timings.executeMs;
    this.lastRunTimings = timings;
    const outputs: Outputs = {};
    this.manifest.outputs.forEach((spec, i) => { outputs[spec.name] = results[i]; });
    return outputs;
  }

  dispose(): void {
    this.disposed = true;
    this.lanes?.close();
  }
}

function printStepTimes(plan: Plan, stepTimes: Float64Array): void {
  const lines = plan.steps.map((s, i) => `${stepTimes[i].toFixed(3).padStart(9)} ms  ${s.kernel.padEnd(28)} ${s.node}`);
  process.stderr.write(`nncc: step times\n${lines.join('\n')}\n`);
}

function checkedFeed(spec: TensorSpec, tensor: Tensor | undefined): Tensor {
  if (!tensor) throw new FeedError(spec.name, 'missing from the feeds');
  if (tensor.dtype !== spec.dtype) throw new FeedError(spec.name, `dtype ${tensor.dtype}, expected ${spec.dtype}`);
  const sameDims = tensor.dims.length === spec.dims.length && tensor.dims.every((d, i) => d === spec.dims[i]);
  if (!sameDims) throw new FeedError(spec.name, `dims [${tensor.dims.join(',')}], expected [${spec.dims.join(',')}]`);
  if (tensor.data.length !== sizeOf(spec.dims)) throw new FeedError(spec.name, `${tensor.data.length} elements, expected ${sizeOf(spec.dims)}`);
  return tensor;
}
