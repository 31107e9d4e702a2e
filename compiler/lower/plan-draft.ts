/**
 * The plan's values, weight segments and transforms as lowering adds them, step by step
 * (lower.ts): each value once by name, constants stored in the weights file in the order steps
 * first read them (64-byte aligned segments), packed weights stored transformed (bypass) or made
 * by a load-time transform, and a step's warm alternative (continuous inference), whose raw
 * weights the cold plan does not read go last in the file.
 */
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { segmentAlignment, type PlanTransform, type ValueKind, type WeightSegment } from '../../runtime/plan/plan.js';
import { valueBytes, type ActivationLayout } from '../../runtime/tensor/layout.js';
import type { DType } from '../../runtime/tensor/tensor.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from '../ir/graph.js';
import { stepShapes } from '../select/select-kernels.js';
import { align64 } from './memory-plan.js';
import { transformOffline } from './transform-offline.js';

export interface DraftValue {
  name: string;
  dtype: DType;
  dims: readonly number[];
  kind: ValueKind;
  bytes: number;
  layout?: ActivationLayout;
  segment?: number;
  packedFor?: string;
  offset: number;
}

export type DraftTransform = Omit<PlanTransform, 'rawStep'>;

/** A step's warm alternative as the plan stores it (its scratch offset is set with the cold step's). */
export interface DraftWarm {
  kernel: string;
  inputs: number[];
  scratchOffset: number;
  scratchBytes: number;
  transforms: number[];
  weightsRange: { offset: number; bytes: number };
  preparer: number;
}

export class PlanDraft {
  readonly values: DraftValue[] = [];
  readonly segments: WeightSegment[] = [];
  readonly transforms: DraftTransform[] = [];
  readonly warmTransforms: DraftTransform[] = [];
  /** Bytes of the weights file so far. */
  weightsBytes = 0;
  private readonly indexOf = new Map<string, number>();
  private readonly fileChunks: Uint8Array[] = [];
  /** Raw weights only warm kernels read, stored at the end of the file by `storeDeferred`. */
  private readonly deferred: { value: number; bytes: Uint8Array; warm: DraftWarm }[] = [];

  /** `warmPreparer`: the lane that prepares every warm kernel after the first run. */
  constructor(private readonly graph: Graph, private readonly warmPreparer: number) {}

  indexOfName(name: string): number | undefined {
    return this.indexOf.get(name);
  }

  addValue(key: string, value: DraftValue): number {
    this.values.push(value);
    this.indexOf.set(key, this.values.length - 1);
    return this.values.length - 1;
  }

  /** Appends `bytes` to the weights file as a new segment; returns its index. */
  storeInFile(bytes: Uint8Array): number {
    this.weightsBytes = Math.ceil(this.weightsBytes / segmentAlignment) * segmentAlignment;
    this.segments.push({ offset: this.weightsBytes, bytes: bytes.length });
    this.fileChunks.push(bytes);
    this.weightsBytes += bytes.length;
    return this.segments.length - 1;
  }

  /** The value `name` (an activation, an input or a constant, stored on first use); -1 for an omitted input. */
  valueIndex(name: string): number {
    if (name === '') return -1;
    const known = this.indexOf.get(name);
    if (known !== undefined) return known;
    const constant = this.graph.constants.get(name);
    const info = constant ?? this.graph.values.get(name);
    if (!info) throw new CompileError(codes.graphStructure, `value '${name}' has no type or shape`);
    const layout = constant ? undefined : this.graph.values.get(name)?.layout;
    const bytes = valueBytes({ dtype: info.dtype, dims: info.dims, layout });
    const draft: DraftValue = {
      name, dtype: info.dtype, dims: [...info.dims], kind: constant ? 'constant' : 'activation', bytes, offset: 0, ...(layout && layout !== 'NCHW' ? { layout } : {}),
    };
    if (constant) draft.segment = this.storeInFile(new Uint8Array(constant.data.buffer, constant.data.byteOffset, constant.data.byteLength));
    return this.addValue(name, draft);
  }

  /** Input `input` of `node` packed for `variant`: stored transformed (`bypass`) or made from the raw weights at load. */
  packedIndex(node: Node, variant: KernelVariant, bypass: boolean, input: number, stepIndex: number): number {
    const name = node.inputs[input];
    const key = `${name}@${variant.id}${bypass ? '' : '@load'}`;
    const known = this.indexOf.get(key);
    if (known !== undefined) return known;
    const raw = this.graph.constants.get(name)!;
    const shapes = stepShapes(this.graph, node);
    const bytes = variant.transform!.packedBytes(shapes);
    const draft: DraftValue = { name: key, dtype: raw.dtype, dims: [...raw.dims], kind: 'packed', bytes, packedFor: variant.id, offset: 0 };
    if (bypass) {
      draft.kind = 'constant';
      draft.segment = this.storeInFile(transformOffline(variant, shapes, raw));
      return this.addValue(key, draft);
    }
    const from = this.valueIndex(name);
    const to = this.addValue(key, draft);
    this.transforms.push({ kernel: variant.id, step: stepIndex, from, to });
    return to;
  }

  /**
   * The warm alternative of a step (continuous inference). Weights it needs that the cold plan
   * does not load (raw weights the cold kernel read already transformed) are stored at the end of
   * the weights file and read in the background, with its packed weights made from them.
   */
  lowerWarm(node: Node, variant: KernelVariant, stepIndex: number): DraftWarm {
    const transformed = variant.transform?.input;
    const shapes = stepShapes(this.graph, node);
    const warm: DraftWarm = {
      kernel: variant.id,
      inputs: [],
      scratchOffset: 0,
      scratchBytes: align64(variant.scratchBytes(shapes)),
      transforms: [],
      weightsRange: { offset: 0, bytes: 0 },
      preparer: this.warmPreparer,
    };
    const available = (name: string): number => {
      const known = this.indexOf.get(name);
      if (known !== undefined) return known;
      const constant = this.graph.constants.get(name)!;
      const key = `${name}@warm-raw`;
      const value = this.addValue(key, { name: key, dtype: constant.dtype, dims: [...constant.dims], kind: 'constant', bytes: constant.data.byteLength, offset: 0 });
      this.deferred.push({ value, bytes: new Uint8Array(constant.data.buffer, constant.data.byteOffset, constant.data.byteLength), warm });
      return value;
    };
    warm.inputs = node.inputs.map((name, i) => {
      if (name === '' || !this.graph.constants.has(name)) return this.valueIndex(name);
      const raw = available(name);
      if (i !== transformed) return raw;
      const key = `${name}@${variant.id}@warm`;
      const constant = this.graph.constants.get(name)!;
      const to = this.addValue(key, {
        name: key, dtype: constant.dtype, dims: [...constant.dims], kind: 'packed', bytes: variant.transform!.packedBytes(shapes), packedFor: variant.id, offset: 0,
      });
      warm.transforms.push(this.warmTransforms.length);
      this.warmTransforms.push({ kernel: variant.id, step: stepIndex, from: raw, to });
      return to;
    });
    return warm;
  }

  /** Stores the weights only warm kernels need last in the file, so the cold path never reads them. */
  storeDeferred(): void {
    for (const { value, bytes, warm } of this.deferred) {
      this.values[value].segment = this.storeInFile(bytes);
      const segment = this.segments[this.values[value].segment!];
      const start = warm.weightsRange.bytes === 0 ? segment.offset : warm.weightsRange.offset;
      warm.weightsRange = { offset: start, bytes: segment.offset + segment.bytes - start };
    }
  }

  /** The weights file: every segment at its offset. */
  weightsFile(): Uint8Array {
    const file = new Uint8Array(this.weightsBytes);
    this.fileChunks.forEach((chunk, i) => file.set(chunk, this.segments[i].offset));
    return file;
  }
}
