/**
 * Kernel tier-up at load. V8 compiles a wasm function on its first call with its baseline
 * compiler (Liftoff: loops 3–5× slower than optimized code here) and recompiles it with its
 * optimizing one (TurboFan), in the background, only after it has used up a tiering budget; a call
 * already under way stays on the baseline code. Left alone, the first run's big steps would run
 * on baseline code: measured on squeezenet1_1, its first im2col convolution took 3.6–4.4 ms on
 * the first run and 0.76 ms on later ones.
 *
 * So the kernel module is compiled with a tiering budget of one (kernels/wasm/module.ts): any
 * call queues its function for optimization. And load, right after the planned memory exists,
 * runs each wasm kernel of the first run once on a tiny problem of its step's kind
 * (kernels/tiny-shapes.ts), in the memory no value uses yet (above the weights, where activations
 * and scratch go later; load writes there nothing else). V8's background threads then optimize
 * those kernels' functions while this thread binds the steps and starts the run. The tiny
 * problems compute on whatever is there and their results are dropped. A kernel whose tiny
 * problem does not fit, or fails, is simply not tiered up: nothing depends on it.
 *
 * Measured here (2 cores, 15 interleaved fresh processes each, medians): session create +2.7 to
 * +4.2 ms (the optimizing compiler shares the cores), first run −3.2 to −6.7 ms; end to end
 * −0.4 (squeezenet1_1), −2.2 (mobilenet_v2), −3.8 ms (resnet18).
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

/** Runs every first-run wasm kernel on its tiny problem; returns how many ran. */
export function tierUpKernels(plan: Plan, memory: KernelMemory): number {
  if (!memory.wasm) return 0;
  const free = { start: freeMemoryStart(plan), end: plan.memoryBytes };
  const transformedAtLoad = new Set(plan.transforms.map((t) => t.kernel));
  const seen = new Set<string>();
  let ran = 0;
  for (const step of plan.steps) {
    const variant = variantById(step.kernel);
    // One tiny problem per kernel and kind of window: a 1×1 and a 3×3 convolution may take different paths.
    const window = step.op === 'Conv' ? plan.values[step.inputs[1]]?.dims.slice(2) : step.attrs.kernel_shape;
    const kind = `${step.kernel} ${JSON.stringify(window ?? [])} ${JSON.stringify(step.attrs.strides ?? [])}`;
    if (!variant?.usesWasm || seen.has(kind)) continue;
    seen.add(kind);
    const shapes = tinyShapes(step.op, shapesOf(plan, step));
    if (!shapes || !variant.appliesTo(shapes)) continue;
    try {
      if (runTiny(memory, variant, shapes, free, transformedAtLoad.has(variant.id))) ran++;
    } catch (error) {
      if (debugLevel >= 1) process.stderr.write(`nncc: kernel ${variant.id} not tiered up at load: ${(error as Error).message}\n`);
    }
  }
  return ran;
}

function runTiny(memory: KernelMemory, variant: KernelVariant, shapes: StepShapes, free: { start: number; end: number },
  transformedAtLoad: boolean): boolean {
  let next = free.start;
  // 64-byte aligned, with the planner's 64 bytes of slack after each (SIMD loops may read past an end).
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
  if (next > free.end) return false;
  if (transform && transformedAtLoad) transform.run(memory, shapes, raw, inputs[transform.input]);
  variant.run(memory, { shapes, inputs, outputs, scratch, activation: noActivation });
  return true;
}

/** The first byte above the weights file's image and the weights packed at load. */
function freeMemoryStart(plan: Plan): number {
  let end = plan.weightsOffset + plan.weightsBytes;
  for (const v of plan.values) if (v.kind === 'constant' || v.kind === 'packed') end = Math.max(end, v.offset + v.bytes);
  return align64(end);
}
