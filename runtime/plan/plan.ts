/**
 * The executable plan: what the compiler decided and the runtime carries out, with nothing left
 * to decide. Written by `compiler/lower` into the bundle (msgpack, `plan.msgpack`), read by
 * `runtime/bundle`, run by `runtime/execute`. Every value has an index; steps name values by
 * index; constants name the weight segment that holds their bytes.
 */
import type { Attributes } from '../kernels/kernel.js';
import type { DType } from '../tensor/tensor.js';

export const planFormatVersion = 1;

export type ValueKind = 'input' | 'constant' | 'activation';

export interface PlanValue {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly kind: ValueKind;
  /** For constants: index into `Plan.segments`. */
  readonly segment?: number;
}

/** A run of bytes in the weights file, 64-byte aligned. */
export interface WeightSegment {
  readonly offset: number;
  readonly bytes: number;
}

export interface PlanStep {
  /** ONNX node name, for errors and timelines. */
  readonly node: string;
  readonly op: string;
  /** Kernel id in the runtime's registry, e.g. 'ref.Conv'. */
  readonly kernel: string;
  /** Value indices; -1 for an omitted optional input. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly attrs: Attributes;
  readonly fused?: {
    readonly op: string;
    readonly kernel: string;
    readonly attrs: Attributes;
    readonly inputs: readonly number[];
  };
}

export interface Plan {
  readonly format: number;
  readonly values: readonly PlanValue[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly steps: readonly PlanStep[];
  readonly segments: readonly WeightSegment[];
  /** Size of the weights file in bytes. */
  readonly weightsBytes: number;
}

export const segmentAlignment = 64;
