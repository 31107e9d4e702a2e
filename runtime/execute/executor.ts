/**
 * The executor. How a model runs, start to end:
 *
 * 1. `createMemory` makes the planned memory (shared, sized by the plan) and, when the plan uses
 *    wasm kernels, instantiates them on it (`prepare`).
 * 2. `prepareSteps` binds every step and transform to its kernel variant once (`prepare`).
 * 3. Weights arrive step by step (runtime/load): on the first run, `runSteps` asks the loader
 *    before each step to load it or wait for the lane or background read that does;
 *    `runTransforms` packs all at once when the whole file was read up front (`verify`).
 * 4. Per run: `writeFeeds` copies the feeds to their offsets, `runSteps` runs the steps in plan
 *    order (a step planned on several lanes runs its prelude here, then its parts on every lane
 *    at once; a fused activation runs after a variant that does not fuse it; a session runs
 *    them in stretches while it awaits background reads), and `readOutputs` copies the outputs
 *    out (`execute`). `executePlan` is the three in one, on this thread alone.
 *
 * Every offset and every kernel choice comes from the plan.
 */
import { BundleError, runtimeCodes } from '../errors/errors.js';
import { variantById } from '../kernels/catalogue.js';
import { fitsLayout, type KernelMemory, type KernelVariant, type StepArgs, type StepShapes } from '../kernels/variant.js';
import { instantiateOn, sharedMemory } from '../kernels/wasm/module.js';
import type { Plan, PlanStep, PlanValue } from '../plan/plan.js';
import { allocData, type Tensor, type ValueInfo } from '../tensor/tensor.js';
import { noActivation } from '../kernels/activation-codes.js';
import type { LanePool } from '../lanes/lane-pool.js';

export interface PlannedMemory extends KernelMemory {
  readonly memory: WebAssembly.Memory;
}

/** The plan's memory (`memory`: made already, e.g. to time its allocation apart), with the wasm kernels instantiated on it when the plan uses them. */
export function createMemory(plan: Plan, memory = sharedMemory(plan.memoryBytes)): PlannedMemory {
  return { memory, buffer: memory.buffer, ...(plan.usesWasm ? { wasm: instantiateOn(memory) } : {}) };
}

export interface PreparedStep {
  readonly step: PlanStep;
  readonly variant: KernelVariant;
  readonly args: StepArgs;
  /** The activation to apply after the step when the variant does not fuse it. */
  readonly after?: { readonly variant: KernelVariant; readonly args: StepArgs };
  /** The warm kernel of continuous inference, used once its weights are prepared. */
  readonly warm?: Omit<PreparedStep, 'step' | 'warm'>;
}

export interface PreparedTransform {
  readonly variant: KernelVariant;
  readonly shapes: StepShapes;
  readonly raw: number;
  readonly packed: number;
}

const info = (v: PlanValue): ValueInfo => ({ dtype: v.dtype, dims: v.dims, ...(v.layout ? { layout: v.layout } : {}) });

export function prepareSteps(plan: Plan, planFile: string): PreparedStep[] {
  return plan.steps.map((step) => {
    const cold = bind(plan, step, step.kernel, step.inputs, step.scratchOffset, step.scratchBytes, planFile);
    const warm = step.warm ? bind(plan, step, step.warm.kernel, step.warm.inputs, step.warm.scratchOffset, step.warm.scratchBytes, planFile) : undefined;
    return { step, ...cold, ...(warm ? { warm } : {}) };
  });
}

/** A step's kernel with its arguments (and the fused activation to apply after, if it does not fuse it). */
function bind(plan: Plan, step: PlanStep, kernel: string, inputs: readonly number[], scratchOffset: number, scratchBytes: number,
  planFile: string): Omit<PreparedStep, 'step' | 'warm'> {
  const variant = resolve(kernel, step, planFile);
  const shapes = shapesOf(plan, step);
  checkBinding(plan, step, variant, inputs, shapes, planFile);
  const offsetOf = (v: number): number => (v < 0 ? -1 : plan.values[v].offset);
  const fused = step.fused;
  const args: StepArgs = {
    shapes,
    inputs: inputs.map(offsetOf),
    outputs: step.outputs.map(offsetOf),
    scratch: scratchBytes > 0 ? scratchOffset : -1,
    activation: fused && variant.fusesActivation ? { code: fused.code, p0: fused.p0, p1: fused.p1 } : noActivation,
  };
  if (!fused || variant.fusesActivation) return { variant, args };
  const out = plan.values[step.outputs[0]];
  const extras = fused.inputs.map((v) => (v < 0 ? undefined : info(plan.values[v])));
  const afterArgs: StepArgs = {
    shapes: { attrs: fused.attrs, inputs: [info(out), ...extras], outputs: [info(out)] },
    inputs: [out.offset, ...fused.inputs.map(offsetOf)],
    outputs: [out.offset],
    scratch: -1,
    activation: noActivation,
  };
  return { variant, args, after: { variant: resolve(fused.kernel, step, planFile), args: afterArgs } };
}

/**
 * The plan's kernel must apply to the step as its attributes and shapes say (a damaged plan could
 * name a depthwise kernel for a step that is not depthwise), and a transformed input must be
 * exactly as large as the kernel's packed layout; otherwise the kernel would compute from the
 * wrong geometry or read past its weights.
 */
function checkBinding(plan: Plan, step: PlanStep, variant: KernelVariant, inputs: readonly number[], shapes: StepShapes, planFile: string): void {
  if (!variant.appliesTo(shapes)) {
    throw new BundleError(runtimeCodes.planInvalid, planFile, `step '${step.node}' names kernel '${variant.id}', which does not apply to its attributes and shapes`);
  }
  const activation = inputs.map((v) => v >= 0 && (plan.values[v].kind === 'input' || plan.values[v].kind === 'activation'));
  if (!fitsLayout(variant, shapes, activation) || (step.fused && !variant.fusesActivation && variant.layout.output !== 'NCHW')) {
    throw new BundleError(runtimeCodes.planInvalid, planFile, `step '${step.node}' names kernel '${variant.id}', which does not take or give its values' layouts`);
  }
  const transform = variant.transform;
  if (!transform) return;
  const packed = inputs[transform.input];
  const bytes = transform.packedBytes(shapes);
  if (packed === undefined || packed < 0 || plan.values[packed].packedFor !== variant.id || plan.values[packed].bytes !== bytes) {
    throw new BundleError(runtimeCodes.planInvalid, planFile, `step '${step.node}': the packed weights of kernel '${variant.id}' are not in its layout`,
      `${bytes} bytes packed for ${variant.id}`, packed === undefined || packed < 0 ? 'none' : `${plan.values[packed].bytes} bytes packed for ${plan.values[packed].packedFor}`);
  }
}

export function prepareTransforms(plan: Plan, planFile: string, transforms = plan.transforms): PreparedTransform[] {
  return transforms.map((t) => {
    const step = plan.steps[t.step];
    const variant = resolve(t.kernel, step, planFile);
    return { variant, shapes: shapesOf(plan, step), raw: plan.values[t.from].offset, packed: plan.values[t.to].offset };
  });
}

export function runTransforms(memory: KernelMemory, transforms: readonly PreparedTransform[]): void {
  for (const t of transforms) t.variant.transform!.run(memory, t.shapes, t.raw, t.packed);
}

/** A step's attributes and its values' types, shapes and layouts, as its kernel sees them. */
export function shapesOf(plan: Plan, step: PlanStep): StepShapes {
  return {
    attrs: step.attrs,
    inputs: step.inputs.map((v) => (v < 0 ? undefined : info(plan.values[v]))),
    // An output nobody reads (-1) still has a position; value 0 stands in, and no kernel writes it.
    outputs: step.outputs.map((v) => info(plan.values[v < 0 ? 0 : v])),
  };
}

function resolve(id: string, step: PlanStep, planFile: string): KernelVariant {
  const variant = variantById(id);
  if (!variant) {
    throw new BundleError(runtimeCodes.kernelMissing, planFile, `step '${step.node}' needs kernel '${id}', which this runtime does not have`,
      'a kernel of this runtime', id);
  }
  return variant;
}

/** Per-step absolute start times (timeOrigin + now, ms) and durations (ms) of one run. */
export interface StepClock {
  readonly starts: Float64Array;
  readonly durations: Float64Array;
}

export function executePlan(plan: Plan, memory: KernelMemory, steps: readonly PreparedStep[], feeds: readonly Tensor[]): Tensor[] {
  writeFeeds(plan, memory, feeds);
  runSteps({ plan, memory, steps }, 0, steps.length);
  return readOutputs(plan, memory);
}

/** Copies the feeds to their planned offsets. */
export function writeFeeds(plan: Plan, memory: KernelMemory, feeds: readonly Tensor[]): void {
  plan.inputs.forEach((v, i) => {
    const data = feeds[i].data;
    new Uint8Array(memory.buffer, plan.values[v].offset, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}

/** What a run executes: the plan on its memory with its prepared steps, and what a session adds to it. */
export interface StepRun {
  readonly plan: Plan;
  readonly memory: KernelMemory;
  readonly steps: readonly PreparedStep[];
  /** The other lanes, for the parts of parallel steps. */
  readonly lanes?: LanePool;
  readonly clock?: StepClock;
  /** Makes a step's weights present before it runs (the first run). */
  readonly loader?: { before(step: number): void };
  /** Reads the rows of tables read by rows before their step, every run (load/table-rows.ts); absent when the weights were read whole (verify). */
  readonly tableRows?: { before(step: number): void };
  /** Per step: 1 once its warm kernel is prepared (continuous inference). */
  readonly warmReady?: Int32Array;
}

/** Runs steps `from` … `to` − 1 in plan order (a run that awaits weights between steps runs them in stretches). */
export function runSteps(run: StepRun, from: number, to: number): void {
  const { memory, steps, lanes, clock, loader, tableRows, warmReady } = run;
  for (let index = from; index < to; index++) {
    const prepared = steps[index];
    // A warm kernel is used once its flag says its weights are ready (they may be made on a lane).
    const onWarm = prepared.warm !== undefined && warmReady !== undefined && Atomics.load(warmReady, index) === 1;
    const chosen = onWarm ? prepared.warm! : prepared;
    const { step } = prepared;
    const { variant, args, after } = chosen;
    loader?.before(index);
    if (step.tableRows) tableRows?.before(index);
    const start = clock ? performance.now() : 0;
    if (clock) clock.starts[index] = performance.timeOrigin + start;
    if (step.lanes > 1 && variant.parallel && lanes) {
      const parallel = variant.parallel;
      parallel.prelude(memory, args);
      lanes.runParts(index, step.lanes, onWarm, () => parallel.part(memory, args, 0, step.lanes));
    } else {
      variant.run(memory, args);
    }
    if (after) after.variant.run(memory, after.args);
    if (clock) clock.durations[index] = performance.now() - start;
  }
}

/** Copies the outputs out of the planned memory. */
export function readOutputs(plan: Plan, memory: KernelMemory): Tensor[] {
  return plan.outputs.map((v) => {
    const value = plan.values[v];
    const data = allocData(value.dtype, value.dims.reduce((a, b) => a * b, 1));
    new Uint8Array(data.buffer).set(new Uint8Array(memory.buffer, value.offset, data.byteLength));
    return { dtype: value.dtype, dims: [...value.dims], data };
  });
}
