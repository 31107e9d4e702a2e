/**
 * A bundle loaded the way `Session.createSync` loads it (same reader, memory, lanes, prepared
 * steps and load-time transforms), but with the plan and the per-step clock in reach, so a bench
 * can time the steps of one run: `executePlan` fills `stepTimes` with each step's milliseconds.
 */
import { readManifest, readPlan, readWeights } from '../../../runtime/bundle/read-bundle.js';
import { createMemory, executePlan, prepareSteps, prepareTransforms, runTransforms } from '../../../runtime/execute/executor.js';
import { LanePool } from '../../../runtime/lanes/lane-pool.js';
import type { Plan } from '../../../runtime/plan/plan.js';
import { compileKernelModule } from '../../../runtime/kernels/wasm/module.js';
import type { Tensor } from '../../../runtime/tensor/tensor.js';

export interface SteppedBundle {
  readonly plan: Plan;
  /** One run; `stepTimes[i]` gets step i's milliseconds. */
  run(feeds: readonly Tensor[], stepTimes: Float64Array): Tensor[];
  dispose(): void;
}

export function loadSteppedBundle(bundleDir: string): SteppedBundle {
  const manifest = readManifest(bundleDir);
  const plan = readPlan(manifest, bundleDir);
  const memory = createMemory(plan);
  const lanes = plan.lanes > 1 ? new LanePool(plan.lanes - 1, memory.memory, compileKernelModule(), plan, bundleDir) : undefined;
  readWeights(manifest, bundleDir, new Uint8Array(memory.buffer, plan.weightsOffset, plan.weightsBytes), {});
  const steps = prepareSteps(plan, bundleDir);
  runTransforms(memory, prepareTransforms(plan, bundleDir));
  return {
    plan,
    run: (feeds, stepTimes) => executePlan(plan, memory, steps, feeds, lanes, stepTimes),
    dispose: () => lanes?.close(),
  };
}
