/**
 * The kernel contract the runtime executes and the compiler selects from. A variant implements
 * one ONNX operator in one way: it says which nodes it applies to, its activation layout, the
 * scratch memory it needs, its weight transform (raw → packed; pure and deterministic, run by
 * the compiler offline or by the runtime at load, with byte-identical results), and how it runs
 * on byte offsets into the one planned memory. `layoutVersion` changes whenever a variant's
 * packed layout or code changes; it feeds the kernel ABI a bundle must match.
 */
import type { Attributes } from './kernel.js';
import type { ActivationLayout } from '../tensor/layout.js';
import type { ValueInfo } from '../tensor/tensor.js';

export type { ActivationLayout } from '../tensor/layout.js';
import type { KernelExports } from './wasm/exports.js';

/** Types and shapes of a step, as the compiler saw them (weights in their raw ONNX shape). */
export interface StepShapes {
  readonly attrs: Attributes;
  readonly inputs: readonly (ValueInfo | undefined)[];
  readonly outputs: readonly ValueInfo[];
}

/** The planned memory, as kernels see it. */
export interface KernelMemory {
  readonly buffer: ArrayBufferLike;
  /** The wasm kernels, instantiated on this memory (absent when the plan uses none). */
  readonly wasm?: KernelExports;
}

/** A fused activation as an epilogue code and two parameters (see wasm/activation.ts). */
export interface ActivationArgs {
  readonly code: number;
  readonly p0: number;
  readonly p1: number;
}

export interface StepArgs {
  readonly shapes: StepShapes;
  /** Byte offsets of the inputs (-1: omitted); a transformed input points at its packed bytes. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Byte offset of this step's scratch (its `scratchBytes`), or -1. */
  readonly scratch: number;
  readonly activation: ActivationArgs;
}

export interface WeightTransform {
  /** Which input is transformed (1 for Conv's W). */
  readonly input: number;
  packedBytes(shapes: StepShapes): number;
  /** Reads the raw input at byte offset `raw`, writes `packedBytes` bytes at `packed`. */
  run(memory: KernelMemory, shapes: StepShapes, raw: number, packed: number): void;
}


/**
 * How a variant splits one step across lanes (worker threads on the same memory): `prelude`
 * runs once, on the executing lane, then `part(lane, lanes)` runs on every lane at once, each
 * writing a disjoint part of the output. The plan says how many lanes; the variant only splits.
 */
export interface ParallelRun {
  prelude(memory: KernelMemory, args: StepArgs): void;
  part(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void;
}

export interface KernelVariant {
  /** Unique id, `<backend>.<Op>.<variant>`, e.g. 'wasm.Conv.direct-packed'. */
  readonly id: string;
  readonly op: string;
  readonly layoutVersion: number;
  /**
   * Layout of every activation input (inputs that are not constant weights) and of every output.
   * The compiler gives a step a variant only when its values' layouts match (see fitsLayout);
   * `appliesTo` then sees the values' logical dims with their `layout` set.
   */
  readonly layout: { readonly input: ActivationLayout; readonly output: ActivationLayout };
  /** Applies a fused activation itself (in its epilogue); otherwise the executor applies it after. */
  readonly fusesActivation: boolean;
  readonly usesWasm: boolean;
  appliesTo(shapes: StepShapes): boolean;
  scratchBytes(shapes: StepShapes): number;
  readonly transform?: WeightTransform;
  run(memory: KernelMemory, args: StepArgs): void;
  readonly parallel?: ParallelRun;
}

/** A variant's `run` and `parallel` from its split: one lane runs the prelude, then the whole as part 0 of 1. */
export function splitRun(parallel: ParallelRun): Pick<KernelVariant, 'run' | 'parallel'> {
  return {
    run: (memory, args) => {
      parallel.prelude(memory, args);
      parallel.part(memory, args, 0, 1);
    },
    parallel,
  };
}

/** The ops that only change a value's layout (the compiler inserts them; no ONNX op has these names). */
export const layoutConversionOps = { toNC4HW4: 'ToNC4HW4', toNCHW: 'ToNCHW' } as const;

/**
 * Whether `variant` reads the step's activation inputs and writes its outputs in the layouts
 * they have (absent: NCHW). `activation[i]` says whether input i is an activation; constant
 * weights have no layout (a variant reads them raw or packed by its transform).
 */
export function fitsLayout(variant: KernelVariant, shapes: StepShapes, activation: readonly boolean[]): boolean {
  const inputsFit = shapes.inputs.every((v, i) => !v || !activation[i] || (v.layout ?? 'NCHW') === variant.layout.input);
  return inputsFit && shapes.outputs.every((v) => (v.layout ?? 'NCHW') === variant.layout.output);
}
