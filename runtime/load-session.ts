/**
 * Loading a bundle for a session (session.ts), in the order the session's doc gives: the manifest
 * and the tier-up it lists, the plan, the planned memory and kernels, the background reads and
 * the lanes (which begin loading their steps at once), every step bound to its variant, and the
 * executing lane's streaming loader (or, with `verify`, the whole weights file read and hashed).
 * A failed load leaves nothing started: its lanes are closed and the weights file too.
 */
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { openWeights, readManifest, readPlan, readVerifiedWeights, verifyOtherListedFiles } from './bundle/read-bundle.js';
import { bundleFileNames, type Manifest } from './bundle/manifest.js';
import { createMemory, prepareSteps, prepareTransforms, runTransforms, type PlannedMemory, type PreparedStep, type PreparedTransform } from './execute/executor.js';
import { emptyTimings, timed, type StageTimings } from './execute/timings.js';
import { compileKernelModule, sharedMemory } from './kernels/wasm/module.js';
import type { EagerFunctions } from './kernels/wasm/builds.js';
import { LanePool } from './lanes/lane-pool.js';
import type { Plan } from './plan/plan.js';
import { createLoadTrace, now, type TraceSpan } from './trace/trace.js';
import { startBackgroundReads } from './load/background-reads.js';
import { loaded } from './load/load-steps.js';
import { StreamingLoader } from './load/streaming-loader.js';
import { TableRowReader } from './load/table-rows.js';

export interface LoadOptions {
  /** Read and hash the whole weights file before the first run. */
  readonly verify?: boolean;
}

/** What loading a bundle made for its session. */
export interface LoadedSession {
  readonly steps: readonly PreparedStep[];
  readonly memory: PlannedMemory;
  readonly lanes: LanePool | undefined;
  readonly loader: StreamingLoader | undefined;
  readonly tableRows: TableRowReader | undefined;
  readonly loadTimings: StageTimings;
  /** The executing lane's spans of load and the first run (the trace). */
  readonly spans: TraceSpan[];
  readonly loadTrace: Float64Array;
  readonly warmTransforms: readonly PreparedTransform[];
  /** Per step: 1 when its warm kernel is prepared, -1 when preparing it failed (shared with the lanes). */
  readonly warmReady: Int32Array;
}

export function loadSession(bundleDir: string, options: LoadOptions): { manifest: Manifest; plan: Plan; session: LoadedSession } | { error: unknown; lanesClosed: Promise<void> } {
  const timings = emptyTimings();
  const start = performance.now();
  const manifest = timed(timings, 'readMs', () => readManifest(bundleDir));
  // The functions the manifest lists get optimized code in the background while this thread reads the plan (load/tier-up.ts).
  const tierUpSpan = manifest.tierUpFunctions ? tierUpTimed(manifest.tierUpFunctions, timings) : undefined;
  const plan = timed(timings, 'readMs', () => readPlan(manifest, bundleDir, options.verify ?? false));
  if (options.verify) timed(timings, 'readMs', () => verifyOtherListedFiles(manifest, bundleDir));
  // Allocating the memory is `alloc`; compiling and instantiating the kernels on it `prepare`.
  const allocated = timed(timings, 'allocMs', () => sharedMemory(plan.memoryBytes));
  const memory = timed(timings, 'prepareMs', () => createMemory(plan, allocated));
  const weights = options.verify ? undefined : timed(timings, 'readMs', () => openWeights(manifest, bundleDir, plan.weightsBytes));
  const ready = new Int32Array(new SharedArrayBuffer(Math.max(1, plan.steps.length) * 4));
  const warmReady = new Int32Array(new SharedArrayBuffer(Math.max(1, plan.steps.length) * 4));
  const loadTrace = createLoadTrace(plan.steps.length, plan.lanes);
  // Issued before anything else is prepared: Node's I/O threads read while this thread binds the steps.
  const background = weights ? startBackgroundReads(plan, memory, weights.fd) : undefined;
  let lanes: LanePool | undefined;
  let tableRows: TableRowReader | undefined;
  try {
    // Verified weights are all in memory; otherwise tables read by rows keep a file of their own open.
    if (weights && plan.steps.some((s) => s.tableRows)) {
      const file = timed(timings, 'readMs', () => openWeights(manifest, bundleDir, plan.weightsBytes));
      tableRows = new TableRowReader(plan, memory, file.fd, file.file);
    }
    lanes = plan.lanes > 1
      ? timed(timings, 'prepareMs', () => new LanePool(plan.lanes - 1, {
        memory: memory.memory, module: compileKernelModule(), plan, file: bundleDir, ready: ready.buffer as SharedArrayBuffer,
        warmReady: warmReady.buffer as SharedArrayBuffer, trace: loadTrace.buffer as SharedArrayBuffer, weightsFile: weights?.file,
      }))
      : undefined;
    const planFile = join(bundleDir, bundleFileNames.plan);
    const steps = timed(timings, 'prepareMs', () => prepareSteps(plan, planFile));
    const transforms = timed(timings, 'prepareMs', () => prepareTransforms(plan, planFile));
    const warmTransforms = timed(timings, 'prepareMs', () => prepareTransforms(plan, planFile, plan.warmTransforms));
    const spans: TraceSpan[] = [
      { lane: 0, name: 'load', stage: 'prepare', startMs: performance.timeOrigin + start, endMs: now() },
      ...(tierUpSpan ? [tierUpSpan] : []),
    ];
    let loader: StreamingLoader | undefined;
    if (weights) {
      const onSpan = (stage: 'wait' | 'transform', step: number, startMs: number, endMs: number): void => {
        spans.push({ lane: 0, name: plan.steps[step].node, stage, startMs, endMs });
      };
      loader = new StreamingLoader({ plan, memory, transforms, ready, trace: loadTrace, fd: weights.fd, file: weights.file, lanes, background, onSpan });
    } else {
      timed(timings, 'readMs', () => readVerifiedWeights(manifest, bundleDir, new Uint8Array(memory.buffer, plan.weightsOffset, plan.weightsBytes)));
      timed(timings, 'transformMs', () => runTransforms(memory, transforms));
      ready.fill(loaded);
    }
    timings.totalMs = performance.now() - start;
    return { manifest, plan, session: { steps, memory, lanes, loader, tableRows, loadTimings: timings, spans, loadTrace, warmTransforms, warmReady } };
  } catch (error) {
    // Nothing half-started survives a failed load: no lanes, no open file.
    if (background) background.closeFile();
    else if (weights) closeSync(weights.fd);
    tableRows?.close();
    return { error, lanesClosed: lanes?.close() ?? Promise.resolve() };
  }
}

/** Compiles the kernels with the manifest's functions optimized eagerly (load/tier-up.ts) as `prepare`; its trace span. */
function tierUpTimed(functions: EagerFunctions, timings: StageTimings): TraceSpan {
  const startMs = now();
  timed(timings, 'prepareMs', () => compileKernelModule(functions));
  return { lane: 0, name: 'tier-up', stage: 'prepare', startMs, endMs: now() };
}

