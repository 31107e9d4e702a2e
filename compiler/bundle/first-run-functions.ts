/**
 * The wasm functions a plan's first run calls, per build of the kernels: what load has V8
 * optimize eagerly (manifest `tierUpFunctions`, runtime/load/tier-up.ts). Found by running each
 * first-run wasm step once — its cold kernel at its shapes on seeded data, its weight transform
 * too (counted where the plan transforms at load) — on a copy of the kernels whose every function
 * first marks itself called (a byte store to a mark of its own at the top of the kernels' static
 * area), and reading the marks back. The copy differs only by those stores, so function indices
 * are the build's own; the data never decides which functions run, so the list is the same on
 * every compile. A step the marked copy cannot run is left out (tier-up only saves time: its
 * functions are then optimized when V8 finds them hot, as without a list).
 */
import { variantById } from '../../runtime/kernels/catalogue.js';
import { noActivation } from '../../runtime/kernels/activation-codes.js';
import type { ActivationArgs } from '../../runtime/kernels/variant.js';
import { shapesOf } from '../../runtime/execute/executor.js';
import { compileKernelBuild, kernelModuleBytes, kernelModuleKinds, kernelStaticBytes } from '../../runtime/kernels/wasm/module.js';
import type { EagerFunctions } from '../../runtime/kernels/wasm/builds.js';
import { codeSection, u32Bytes, wasmLayout, WasmReader } from '../../runtime/kernels/wasm/wasm-sections.js';
import type { Plan, PlanStep } from '../../runtime/plan/plan.js';
import { placeVariant } from '../probe/place-variant.js';
import { inputsOf, type StepSpec } from '../probe/step-spec.js';
import { CompileError, codes } from '../diagnostics.js';

/** One mark byte per function, at the top of the static area (below the planned memory). */
const marksBytes = 1024;
const marksAt = kernelStaticBytes - marksBytes;

const opcodes = { i32Const: 0x41, i32Store8: 0x3a } as const;

export function firstRunFunctions(plan: Plan): EagerFunctions {
  const steps = distinctWasmSteps(plan);
  const functions: EagerFunctions = {};
  if (steps.length === 0) return functions;
  for (const kind of kernelModuleKinds) {
    const marked = withCallMarks(kernelModuleBytes(kind));
    const module = marked && compileKernelBuild(kind, marked);
    if (module) functions[kind] = callsOf(plan, steps, module);
  }
  return functions;
}

interface FirstRunStep {
  readonly step: PlanStep;
  /** The plan packs its weights at load, in the first run: its transform's functions count. */
  readonly transformsAtLoad: boolean;
}

/** The plan's wasm steps, one per kernel, shapes, activation and transform. */
function distinctWasmSteps(plan: Plan): FirstRunStep[] {
  const seen = new Set<string>();
  return plan.steps.flatMap((step, index) => {
    if (!variantById(step.kernel)?.usesWasm) return [];
    const transformsAtLoad = plan.transforms.some((t) => t.step === index && t.kernel === step.kernel);
    const key = JSON.stringify([step.kernel, shapesOf(plan, step), step.fused?.code ?? null, transformsAtLoad]);
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ step, transformsAtLoad }];
  });
}

function callsOf(plan: Plan, steps: readonly FirstRunStep[], module: WebAssembly.Module): number[] {
  const called = new Set<number>();
  for (const { step, transformsAtLoad } of steps) {
    const variant = variantById(step.kernel)!;
    const activation: ActivationArgs = step.fused && variant.fusesActivation ? { code: step.fused.code, p0: step.fused.p0, p1: step.fused.p1 } : noActivation;
    const inputs = inputsOf(stepSpecOf(plan, step));
    let placed;
    try {
      placed = placeVariant(variant, step.attrs, inputs, activation, shapesOf(plan, step), module);
    } catch {
      continue;
    }
    if (placed.memory.wasm!.heapBase() > marksAt) throw new CompileError(codes.internal, `the kernels' static data reaches into the call marks at ${marksAt}`, {}, 'an nncc bug: report it with the model and the command');
    const marks = new Uint8Array(placed.wasmMemory.buffer, marksAt, marksBytes);
    const stepCalls = new Set<number>();
    const collect = (): void => {
      marks.forEach((mark, f) => { if (mark) stepCalls.add(f); });
      marks.fill(0);
    };
    try {
      marks.fill(0);
      placed.transform();
      if (transformsAtLoad) collect();
      marks.fill(0);
      placed.run();
      collect();
    } catch {
      continue;
    }
    for (const f of stepCalls) called.add(f);
  }
  return [...called].sort((a, b) => a - b);
}

/** The step as the profiler's step specs give it, so `inputsOf` fills its inputs (seeded; no kernel's path depends on them). */
function stepSpecOf(plan: Plan, step: PlanStep): StepSpec {
  const spec = (v: number) => ({ dtype: plan.values[v].dtype, dims: [...plan.values[v].dims] });
  return { op: step.op, attrs: step.attrs, inputs: step.inputs.map((v) => (v < 0 ? null : spec(v))), outputs: step.outputs.filter((v) => v >= 0).map(spec) };
}

/** `bytes` with every function body starting `i32.const (marksAt + f); i32.const 1; i32.store8`, or undefined when unreadable. */
export function withCallMarks(bytes: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  const layout = wasmLayout(bytes);
  const code = layout && codeSection(layout);
  if (!layout || !code || layout.importedFunctions + layout.declaredFunctions > marksBytes) return undefined;
  const reader = new WasmReader(bytes, code.contents);
  const count = reader.u32();
  const bodies: number[] = [...u32Bytes(count)];
  for (let i = 0; i < count; i++) {
    const size = reader.u32();
    const start = reader.at;
    const localGroups = reader.u32();
    for (let g = 0; g < localGroups; g++) {
      reader.u32();
      reader.byte();
    }
    const mark = [opcodes.i32Const, ...s32Bytes(marksAt + layout.importedFunctions + i), opcodes.i32Const, 1, opcodes.i32Store8, 0, 0];
    const body = [...bytes.subarray(start, reader.at), ...mark, ...bytes.subarray(reader.at, start + size)];
    bodies.push(...u32Bytes(body.length), ...body);
    reader.at = start + size;
  }
  const section = [bytes[code.start], ...u32Bytes(bodies.length), ...bodies];
  const out = new Uint8Array(bytes.length - (code.end - code.start) + section.length);
  out.set(bytes.subarray(0, code.start));
  out.set(section, code.start);
  out.set(bytes.subarray(code.end), code.start + section.length);
  return out;
}

/** Signed LEB128 of a non-negative `value`. */
function s32Bytes(value: number): number[] {
  const out = u32Bytes(value);
  if (out[out.length - 1] & 0x40) {
    out[out.length - 1] |= 0x80;
    out.push(0);
  }
  return out;
}
