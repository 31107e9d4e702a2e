/**
 * Kernel tier-up at load. V8 compiles a wasm function on its first call with its baseline
 * compiler (Liftoff: loops 3–5× slower than optimized code here) and recompiles it with its
 * optimizing one (TurboFan), in the background, only after it has used up a tiering budget; a call
 * already under way stays on the baseline code. Left alone, the first run's big steps would run
 * on baseline code: measured on squeezenet1_1, its first im2col convolution took 3.6–4.4 ms on
 * the first run and 0.76 ms on later ones.
 *
 * So for a model whose first run is long enough to gain from it (compiler/bundle/write-bundle.ts:
 * 1 GFLOP or more), the compiler lists in the manifest (`tierUp`, bundle minor 2) each first-run
 * wasm kernel on a tiny problem of its first step's kind (kernels/tiny-shapes.ts), in first-use
 * order. Load then compiles the kernel module with a tiering budget of one
 * (kernels/wasm/module.ts: any call queues its function for optimization) and, right after
 * reading the manifest and before the plan, runs each problem once on an instance of the kernels
 * of its own, on a small memory made once per process; V8's background threads optimize the
 * kernels while this thread reads and checks the plan, makes the memory and binds the steps. The
 * problems compute on whatever is there and their results are dropped. A kernel whose problem
 * does not fit, or fails, is simply not tiered up: nothing depends on it. Without the list (a
 * smaller model, or a bundle of an earlier minor version) nothing is tiered up and the kernels
 * keep V8's budget.
 *
 * On two cores the optimizing compiler shares the cores with the load, so it pays only for long
 * first runs. Measured here (15–21 interleaved fresh processes each, medians, end to end, against
 * no tier-up): resnet18 −8.2 ms (session create +7.2, first run −11.8); squeezenet1_1 +0.9 and
 * mobilenet_v2 −1.3, within the noise; the tiny-cnn fixture +5 (+4 from the budget of one alone).
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
import { compileKernelModule, instantiateKernels, kernelStaticBytes, kernelsTierUpOnFirstCall } from '../kernels/wasm/module.js';

/** A kernel's tiny problem, what tier-up runs; the compiler lists a plan's in the manifest. */
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

/**
 * The manifest's tier-up, one call per problem: on an instance of the kernels of its own (the
 * optimized code is the module's, shared by every instance), made once per process on a small
 * memory, so that many sessions do not each reserve another memory's address space.
 */
export function tierUpCalls(problems: readonly TierUpProblem[]): TierUpCall[] {
  // An earlier session of this process compiled the kernels with V8's own budget: a tiny call would not queue them.
  compileKernelModule(true);
  if (!kernelsTierUpOnFirstCall()) return [];
  // The manifest's problems are checked for shape only: one this runtime's kernels reject is skipped.
  const fitting = problems.flatMap((problem) => {
    const variant = variantById(problem.kernel);
    if (!variant?.usesWasm) return [];
    try {
      return variant.appliesTo(problem.shapes) && layoutOf(variant, problem.shapes).end <= kernelStaticBytes + tierUpMemoryBytes ? [{ problem, variant }] : [];
    } catch {
      return [];
    }
  });
  if (fitting.length === 0) return [];
  tierUpMemory ??= tierUpKernelMemory();
  const memory = tierUpMemory;
  return fitting.map(({ problem, variant }) => ({
    kernel: variant.id,
    run: () => {
      try {
        runTiny(memory, variant, problem);
        return true;
      } catch (error) {
        if (debugLevel >= 1) process.stderr.write(`nncc: kernel ${variant.id} not tiered up at load: ${(error as Error).message}\n`);
        return false;
      }
    },
  }));
}

/** A tiny problem needs far less (tens of KB); a manifest asking for more is not followed. */
const tierUpMemoryBytes = 4 << 20;
let tierUpMemory: KernelMemory | undefined;

function tierUpKernelMemory(): KernelMemory {
  const { memory, exports } = instantiateKernels(kernelStaticBytes + tierUpMemoryBytes);
  return { buffer: memory.buffer, wasm: exports };
}

/**
 * Where a tiny problem's values go, above the kernels' static data: 64-byte aligned, with the
 * planner's 64 bytes of slack after each (SIMD loops may read past an end).
 */
function layoutOf(variant: KernelVariant, shapes: StepShapes) {
  let next = kernelStaticBytes;
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

function runTiny(memory: KernelMemory, variant: KernelVariant, { shapes, transform }: TierUpProblem): void {
  const at = layoutOf(variant, shapes);
  if (variant.transform && transform) variant.transform.run(memory, shapes, at.raw, at.inputs[variant.transform.input]);
  variant.run(memory, { shapes, inputs: at.inputs, outputs: at.outputs, scratch: at.scratch, activation: noActivation });
}
