/**
 * The executor: takes a plan, the loaded weights and the caller's feeds, gives the outputs.
 * `prepareSteps` binds every step to its kernel once, at load time (the `prepare` stage), and
 * works out when each activation is read for the last time so its memory can go; `executePlan`
 * then runs the steps in plan order, applying a fused activation right after its producer.
 */
import { BundleError, runtimeCodes } from '../errors/errors.js';
import { kernelById } from '../kernels/catalogue.js';
import type { ReferenceKernel } from '../kernels/kernel.js';
import type { Plan, PlanStep } from '../plan/plan.js';
import { viewOf, type Tensor } from '../tensor/tensor.js';

export interface PreparedStep {
  readonly step: PlanStep;
  readonly kernel: ReferenceKernel;
  readonly fusedKernel?: ReferenceKernel;
  /** Activations read for the last time by this step, to release after it. */
  readonly releases: readonly number[];
}

export function prepareSteps(plan: Plan, planFile: string): PreparedStep[] {
  const lastReader = new Map<number, number>();
  plan.steps.forEach((step, i) => {
    for (const v of [...step.inputs, ...(step.fused?.inputs ?? [])]) if (v >= 0) lastReader.set(v, i);
  });
  const kept = new Set(plan.outputs);
  return plan.steps.map((step, i) => {
    const kernel = resolve(step.kernel, step, planFile);
    const fusedKernel = step.fused ? resolve(step.fused.kernel, step, planFile) : undefined;
    const releases = [...new Set(step.inputs)].filter(
      (v) => v >= 0 && lastReader.get(v) === i && plan.values[v].kind === 'activation' && !kept.has(v));
    return { step, kernel, fusedKernel, releases };
  });
}

function resolve(id: string, step: PlanStep, planFile: string): ReferenceKernel {
  const kernel = kernelById(id);
  if (!kernel) {
    throw new BundleError(runtimeCodes.kernelMissing, planFile, `step '${step.node}' needs kernel '${id}', which this runtime does not have`,
      'a kernel of this runtime', id);
  }
  return kernel;
}

/** Tensors viewing each constant's bytes inside the weights buffer (no copies). */
export function constantViews(plan: Plan, weights: ArrayBuffer): (Tensor | undefined)[] {
  return plan.values.map((value) => {
    if (value.kind !== 'constant' || value.segment === undefined) return undefined;
    return viewOf(value.dtype, value.dims, weights, plan.segments[value.segment].offset);
  });
}

export function executePlan(
  plan: Plan,
  steps: readonly PreparedStep[],
  constants: readonly (Tensor | undefined)[],
  feeds: readonly Tensor[],
): Tensor[] {
  const live: (Tensor | undefined)[] = [...constants];
  plan.inputs.forEach((v, i) => { live[v] = feeds[i]; });
  for (const { step, kernel, fusedKernel, releases } of steps) {
    const inputs = step.inputs.map((v) => (v < 0 ? undefined : live[v]));
    let outputs = kernel.run(inputs, step.attrs);
    if (fusedKernel && step.fused) {
      const extra = step.fused.inputs.map((v) => (v < 0 ? undefined : live[v]));
      outputs = fusedKernel.run([outputs[0], ...extra], step.fused.attrs);
    }
    step.outputs.forEach((v, i) => { if (v >= 0) live[v] = outputs[i]; });
    for (const v of releases) live[v] = undefined;
  }
  return plan.outputs.map((v) => live[v]!);
}
