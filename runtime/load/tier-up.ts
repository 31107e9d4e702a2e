/**
 * Kernel tier-up at load. V8 compiles a wasm function on its first call with its baseline
 * compiler (Liftoff: loops 3–5× slower than optimized code here) and recompiles it with its
 * optimizing one (TurboFan), in the background, only after it has used up a tiering budget; a call
 * already under way stays on the baseline code. Left alone, the first run's big steps would run
 * on baseline code: measured on squeezenet1_1, its first im2col convolution took 3.6–4.4 ms on
 * the first run and 0.76 ms on later ones.
 *
 * So the kernel module is compiled with a tiering budget of one (kernels/wasm/module.ts): any
 * call queues its function for optimization. And load runs each wasm kernel of the first run once
 * on a tiny problem of its first step's kind (kernels/tiny-shapes.ts), as early as it can:
 *
 * - The compiler lists the problems in the manifest (`tierUp`, bundle minor 2), so load runs them
 *   right after reading it, before the plan, on an instance of the kernels of its own on a small
 *   memory; V8's background threads optimize the kernels while this thread reads and checks the
 *   plan, makes the memory and binds the steps (measured here, 21 interleaved processes each,
 *   medians: −1.6, −1.2, −3.4 ms end to end on squeezenet1_1, mobilenet_v2, resnet18, against
 *   running the same problems after the load).
 * - For a bundle without the list, load derives the problems from the plan and runs them last, in
 *   the planned memory above the weights (where activations and scratch go later and load writes
 *   nothing else); an awaited `create` lets the event loop turn between them, so background reads
 *   done meanwhile are delivered and the next ones issued.
 *
 * The tiny problems compute on whatever is there and their results are dropped. A kernel whose
 * problem does not fit, or fails, is simply not tiered up: nothing depends on it.
 *
 * Tier-up after the load against none (2 cores, 15 interleaved fresh processes each, medians):
 * session create +2.7 to +4.2 ms (the optimizing compiler shares the cores), first run −3.2 to
 * −6.7 ms; end to end −0.4 (squeezenet1_1), −2.2 (mobilenet_v2), −3.8 ms (resnet18).
 */
import { variantById } from '../kernels/catalogue.js';
import { tinyShapes } from '../kernels/tiny-shapes.js';
import { noActivation } from '../kernels/activation-codes.js';
import type { KernelMemory, KernelVariant, StepShapes } from '../kernels/variant.js';
import { align64 } from '../kernels/wasm/conv-input.js';
import { valueBytes } from '../tensor/layout.js';
import { shapesOf } from '../execute/executor.js';
import type { Plan } from '../plan/plan.js';
import { debugLevel } from '../debug.js';
import { instantiateKernels, kernelStaticBytes } from '../kernels/wasm/module.js';

/**
 * A kernel's tiny problem, what tier-up runs. The compiler lists a plan's in the manifest
 * (`tierUp`, in first-use order), so that load can run them before it even reads the plan.
 */
export interface TierUpProblem {
  readonly kernel: string;
  readonly shapes: StepShapes;
  /** Whether the plan packs this kernel's weights at load: its transform is tiered up too. */
  readonly transform: boolean;
}

/** One kernel's tier-up: `run` runs it on its tiny problem and says whether it ran. */
export interface TierUpCall {
  readonly kernel: string;
  run(): boolean;
}

/** The most tiny problems a manifest may list (a plan has far fewer kernels). */
export const maxTierUpProblems = 64;

/** One problem per first-run wasm kernel and kind of window, in plan order. */
export function tierUpProblems(plan: Plan): TierUpProblem[] {
  const transformedAtLoad = new Set(plan.transforms.map((t) => t.kernel));
  const seen = new Set<string>();
  const problems: TierUpProblem[] = [];
  for (const step of plan.steps) {
    const variant = variantById(step.kernel);
    // A 1×1 and a 3×3 convolution may take different paths through one kernel.
    const window = step.op === 'Conv' ? plan.values[step.inputs[1]]?.dims.slice(2) : step.attrs.kernel_shape;
    const kind = `${step.kernel} ${JSON.stringify(window ?? [])} ${JSON.stringify(step.attrs.strides ?? [])}`;
    if (!variant?.usesWasm || seen.has(kind)) continue;
    seen.add(kind);
    const shapes = tinyShapes(step.op, shapesOf(plan, step));
    if (shapes && variant.appliesTo(shapes)) problems.push({ kernel: variant.id, shapes, transform: transformedAtLoad.has(variant.id) });
  }
  return problems.slice(0, maxTierUpProblems);
}

/** The plan's tier-up, run in its planned memory above the weights (where activations go later). */
export function planTierUpCalls(plan: Plan, memory: KernelMemory): TierUpCall[] {
  return memory.wasm ? tierUpCalls(tierUpProblems(plan), memory, { start: freeMemoryStart(plan), end: plan.memoryBytes }) : [];
}

/**
 * The manifest's tier-up, run before the plan is read: on an instance of the kernels of its own
 * (the optimized code is the module's, shared by every instance), made once per process on a
 * small memory, so that many sessions do not each reserve another memory's address space.
 */
export function earlyTierUpCalls(problems: readonly TierUpProblem[]): TierUpCall[] {
  // The manifest's problems are checked for shape only: one this runtime's kernels reject is skipped.
  const fitting = problems.flatMap((problem) => {
    const variant = variantById(problem.kernel);
    if (!variant?.usesWasm) return [];
    try {
      return variant.appliesTo(problem.shapes) && layoutOf(variant, problem.shapes, 0).end <= earlyMemoryBytes ? [{ problem, variant }] : [];
    } catch {
      return [];
    }
  });
  if (fitting.length === 0) return [];
  earlyMemory ??= earlyKernelMemory();
  const memory = earlyMemory;
  const free = { start: kernelStaticBytes, end: kernelStaticBytes + earlyMemoryBytes };
  return fitting.map(({ problem, variant }) => tierUpCall(memory, variant, problem, free));
}

/** A tiny problem needs far less (tens of KB); a manifest asking for more is not followed. */
const earlyMemoryBytes = 4 << 20;
let earlyMemory: KernelMemory | undefined;

function earlyKernelMemory(): KernelMemory {
  const { memory, exports } = instantiateKernels(kernelStaticBytes + earlyMemoryBytes);
  return { buffer: memory.buffer, wasm: exports };
}

function tierUpCalls(problems: readonly TierUpProblem[], memory: KernelMemory, free: { start: number; end: number }): TierUpCall[] {
  return problems.flatMap((problem) => {
    const variant = variantById(problem.kernel);
    return variant ? [tierUpCall(memory, variant, problem, free)] : [];
  });
}

function tierUpCall(memory: KernelMemory, variant: KernelVariant, problem: TierUpProblem, free: { start: number; end: number }): TierUpCall {
  return {
    kernel: variant.id,
    run: () => {
      try {
        return runTiny(memory, variant, problem, free);
      } catch (error) {
        if (debugLevel >= 1) process.stderr.write(`nncc: kernel ${variant.id} not tiered up at load: ${(error as Error).message}\n`);
        return false;
      }
    },
  };
}

/** Where a tiny problem's values go from `start`: 64-byte aligned, with the planner's 64 bytes of slack after each (SIMD loops may read past an end). */
function layoutOf(variant: KernelVariant, shapes: StepShapes, start: number) {
  let next = start;
  const take = (bytes: number): number => {
    const at = next;
    next = align64(next + bytes + 64);
    return at;
  };
  const inputs = shapes.inputs.map((v) => (v ? take(valueBytes(v)) : -1));
  const transform = variant.transform;
  const raw = transform ? inputs[transform.input] : -1;
  if (transform) inputs[transform.input] = take(transform.packedBytes(shapes));
  const outputs = shapes.outputs.map((v) => take(valueBytes(v)));
  const scratchBytes = variant.scratchBytes(shapes);
  const scratch = scratchBytes > 0 ? take(scratchBytes) : -1;
  return { inputs, raw, outputs, scratch, end: next };
}

function runTiny(memory: KernelMemory, variant: KernelVariant, { shapes, transform }: TierUpProblem, free: { start: number; end: number }): boolean {
  if (!variant.appliesTo(shapes)) return false;
  const at = layoutOf(variant, shapes, free.start);
  if (at.end > free.end) return false;
  if (variant.transform && transform) variant.transform.run(memory, shapes, at.raw, at.inputs[variant.transform.input]);
  variant.run(memory, { shapes, inputs: at.inputs, outputs: at.outputs, scratch: at.scratch, activation: noActivation });
  return true;
}

/** The first byte above the weights file's image and the weights packed at load. */
function freeMemoryStart(plan: Plan): number {
  let end = plan.weightsOffset + plan.weightsBytes;
  for (const v of plan.values) if (v.kind === 'constant' || v.kind === 'packed') end = Math.max(end, v.offset + v.bytes);
  return align64(end);
}
