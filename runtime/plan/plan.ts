/**
 * The executable plan: what the compiler decided and the runtime carries out, with nothing left
 * to decide. Written by `compiler/lower` into the bundle (msgpack, `plan.msgpack`), read by
 * `runtime/bundle`, run by `runtime/execute`.
 *
 * Every value lives at a planned byte offset of one memory (`memoryBytes` long): the bottom is
 * the wasm module's static data, then the weights file's image, then weights packed at load time,
 * then activations (reused as their lifetimes allow), then scratch. Each step names the range of
 * the weights file it is first to read and the lane that loads it (reads, then transforms), so
 * loading streams alongside execution.
 */
import type { Attributes } from '../kernels/kernel.js';
import type { ActivationLayout } from '../tensor/layout.js';
import type { DType } from '../tensor/tensor.js';

/** A runtime reads only its own plan format (rule: README, "Bundle format"; checked in bundle/check-plan.ts). */
export const planFormatVersion = 7;

/**
 * input: fed by the caller; constant: bytes from the weights file; packed: written at load time
 * by a transform; activation: written by a step.
 */
export type ValueKind = 'input' | 'constant' | 'packed' | 'activation';

export interface PlanValue {
  readonly name: string;
  readonly dtype: DType;
  /** Logical shape; for packed weights, the raw weight's shape. */
  readonly dims: readonly number[];
  readonly kind: ValueKind;
  /** Byte offset in the planned memory. */
  readonly offset: number;
  /** Bytes it occupies (its layout's elements × element size, or the packed size). */
  readonly bytes: number;
  /** Order of an activation's floats (absent: NCHW); only 4-D float32 activations are NC4HW4. */
  readonly layout?: ActivationLayout;
  /** For constants: index into `Plan.segments`. */
  readonly segment?: number;
  /** For packed weights (stored or made at load): the variant whose layout they are in. */
  readonly packedFor?: string;
}

/** A run of bytes in the weights file, 64-byte aligned. */
export interface WeightSegment {
  readonly offset: number;
  readonly bytes: number;
}

export interface PlanActivation {
  readonly op: string;
  /** Kernel applying it when the step's variant does not fuse it itself. */
  readonly kernel: string;
  readonly attrs: Attributes;
  /** Extra constant inputs (Clip's min and max). */
  readonly inputs: readonly number[];
  /** Epilogue form for variants that fuse it. */
  readonly code: number;
  readonly p0: number;
  readonly p1: number;
}

export interface PlanStep {
  /** ONNX node name, for errors and timelines. */
  readonly node: string;
  readonly op: string;
  /** Kernel variant id in the runtime's catalogue, e.g. 'wasm.Conv.direct-packed'. */
  readonly kernel: string;
  /** Value indices; -1 for an omitted optional input. A transformed weight names its packed value. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly attrs: Attributes;
  readonly fused?: PlanActivation;
  /** Byte offset and size of this step's scratch memory. */
  readonly scratchOffset: number;
  readonly scratchBytes: number;
  /** Lanes that run this step together (1: the executing lane alone). */
  readonly lanes: number;
  /**
   * Lane that loads this step's weights: 0 the executing lane, just before the step; 1… a worker
   * lane; `backgroundReads` (-1) Node's I/O threads read them from load on, and the executing
   * lane runs the step's transforms, if any, just before the step.
   */
  readonly loader: number;
  /** The bytes of the weights file this step is the first to read (its constants, contiguous). */
  readonly weightsRange: { readonly offset: number; readonly bytes: number };
  /** Load-time transforms of this step's weights (indices into `Plan.transforms`), run after the read. */
  readonly transforms: readonly number[];
  /**
   * A Gather whose table (input 0, a constant: this step's weights range) is read by rows: the
   * range is never read whole; before every run of the step the executing lane reads the rows
   * its indices (input 1) name into the table's image (runtime/load/table-rows.ts).
   */
  readonly tableRows?: true;
  /**
   * Continuous inference: the warm-fastest kernel, prepared in the background after the first
   * run (its transforms, indices into `Plan.warmTransforms`); later runs switch to it.
   */
  readonly warm?: {
    readonly kernel: string;
    readonly inputs: readonly number[];
    readonly scratchOffset: number;
    readonly scratchBytes: number;
    readonly transforms: readonly number[];
    /** Bytes of the weights file only this warm kernel needs, read in the background first. */
    readonly weightsRange: { readonly offset: number; readonly bytes: number };
    /** Lane that prepares it after the first run: a worker lane between its parts, or 0 (the executing thread, between runs). */
    readonly preparer: number;
  };
}

/** A weight transform the runtime runs at load time: raw constant → packed value. */
export interface PlanTransform {
  readonly kernel: string;
  /** The step the packed weights serve (its shapes drive the transform). */
  readonly step: number;
  readonly from: number;
  readonly to: number;
  /** The step whose weights range holds the raw bytes (it must be loaded first). */
  readonly rawStep: number;
}

export interface Plan {
  readonly format: number;
  readonly values: readonly PlanValue[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly steps: readonly PlanStep[];
  readonly transforms: readonly PlanTransform[];
  /** Background transforms for the warm kernels of continuous inference. */
  readonly warmTransforms: readonly PlanTransform[];
  readonly segments: readonly WeightSegment[];
  /** Size of the weights file in bytes. */
  readonly weightsBytes: number;
  /** Where the weights file's image starts in memory. */
  readonly weightsOffset: number;
  /** Total planned memory in bytes. */
  readonly memoryBytes: number;
  /** Whether the plan runs wasm kernels (the module is compiled and instantiated at load). */
  readonly usesWasm: boolean;
  /** Lanes the session starts: the executing thread plus lanes − 1 workers. */
  readonly lanes: number;
}

export const segmentAlignment = 64;

/** `PlanStep.loader` for weights read in the background by Node's I/O threads (runtime/load/background-reads.ts). */
export const backgroundReads = -1;
