/**
 * Lowering: takes the optimised graph and each node's kernel variant (as the kernel-choice stage
 * chose it), gives the executable plan
 * (`runtime/plan/plan.ts`) and the weights file's bytes.
 *
 * Weights a variant transforms are either stored packed (`bypass`: transformed here, offline,
 * so loading is a read) or stored raw with a load-time transform. Constants are laid out,
 * 64-byte aligned, in the order the steps first read them, so loading streams the file front to
 * back. Memory is planned once: static data, weights image, packed weights, activations (reused
 * across lifetimes), scratch. Next stage: `bundle/`.
 */
import { activationArgs } from '../../runtime/kernels/activation-codes.js';
import { referenceVariantId } from '../../runtime/kernels/catalogue.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { kernelStaticBytes } from '../../runtime/kernels/wasm/module.js';
import {
  planFormatVersion, segmentAlignment, type Plan, type PlanActivation, type PlanStep, type PlanTransform,
  type PlanValue, type ValueKind, type WeightSegment,
} from '../../runtime/plan/plan.js';
import { valueBytes, type ActivationLayout } from '../../runtime/tensor/layout.js';
import { bytesPerElement, numberAt, sizeOf, type DType } from '../../runtime/tensor/tensor.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from '../ir/graph.js';
import { stepShapes, type KernelChoice } from '../select/select-kernels.js';
import { align64, planActivationMemory } from './memory-plan.js';
import { transformOffline } from './transform-offline.js';

export interface LowerOptions {
  /** Lane that loads each node's weights, as the search chose (default: the executing lane, 0). */
  loaders?: Map<Node, number>;
  /** Continuous inference: the warm-fastest variant of nodes whose cold choice differs. */
  warmChoices?: Map<Node, KernelVariant>;
  /** The lane that prepares every warm kernel after the first run (default 0, the executing thread). */
  warmPreparer?: number;
  /** Lanes for every step whose kernel can split its work (default 1). */
  lanes?: number;
  /** Lanes per step, as the search chose them (intra-op); overrides `lanes` for those steps. */
  stepLanes?: Map<Node, number>;
}

export interface LoweredModel {
  plan: Plan;
  weights: Uint8Array;
}

interface DraftValue {
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

/** `choices`: each node's kernel and weight source, from the kernel-choice stage (select/ without a profile, search/ with one). */
export function lowerGraph(graph: Graph, choices: ReadonlyMap<Node, KernelChoice>, options: LowerOptions = {}): LoweredModel {
  const lanes = options.lanes ?? 1;
  const values: DraftValue[] = [];
  const indexOf = new Map<string, number>();
  const fileChunks: Uint8Array[] = [];
  const segments: WeightSegment[] = [];
  const transforms: Omit<PlanTransform, 'rawStep'>[] = [];
  const warmTransforms: Omit<PlanTransform, 'rawStep'>[] = [];
  let weightsBytes = 0;

  const addValue = (key: string, value: DraftValue): number => {
    values.push(value);
    indexOf.set(key, values.length - 1);
    return values.length - 1;
  };
  const storeInFile = (bytes: Uint8Array): number => {
    weightsBytes = Math.ceil(weightsBytes / segmentAlignment) * segmentAlignment;
    segments.push({ offset: weightsBytes, bytes: bytes.length });
    fileChunks.push(bytes);
    weightsBytes += bytes.length;
    return segments.length - 1;
  };
  const valueIndex = (name: string): number => {
    if (name === '') return -1;
    const known = indexOf.get(name);
    if (known !== undefined) return known;
    const constant = graph.constants.get(name);
    const info = constant ?? graph.values.get(name);
    if (!info) throw new CompileError(codes.graphStructure, `value '${name}' has no type or shape`);
    const layout = constant ? undefined : graph.values.get(name)?.layout;
    const bytes = valueBytes({ dtype: info.dtype, dims: info.dims, layout });
    const draft: DraftValue = {
      name, dtype: info.dtype, dims: [...info.dims], kind: constant ? 'constant' : 'activation', bytes, offset: 0, ...(layout && layout !== 'NCHW' ? { layout } : {}),
    };
    if (constant) draft.segment = storeInFile(new Uint8Array(constant.data.buffer, constant.data.byteOffset, constant.data.byteLength));
    return addValue(name, draft);
  };
  const packedIndex = (node: Node, variant: KernelVariant, bypass: boolean, input: number, stepIndex: number): number => {
    const name = node.inputs[input];
    const key = `${name}@${variant.id}${bypass ? '' : '@load'}`;
    const known = indexOf.get(key);
    if (known !== undefined) return known;
    const raw = graph.constants.get(name)!;
    const shapes = stepShapes(graph, node);
    const bytes = variant.transform!.packedBytes(shapes);
    const draft: DraftValue = { name: key, dtype: raw.dtype, dims: [...raw.dims], kind: 'packed', bytes, packedFor: variant.id, offset: 0 };
    if (bypass) {
      draft.kind = 'constant';
      draft.segment = storeInFile(transformOffline(variant, shapes, raw));
      return addValue(key, draft);
    }
    const from = valueIndex(name);
    const to = addValue(key, draft);
    transforms.push({ kernel: variant.id, step: stepIndex, from, to });
    return to;
  };

  /**
   * The warm alternative of a step (continuous inference). Weights it needs that the cold plan
   * does not load (raw weights the cold kernel read already transformed) are stored at the end of
   * the weights file and read in the background, with its packed weights made from them.
   */
  const deferred: { value: number; bytes: Uint8Array; warm: { weightsRange: { offset: number; bytes: number } } }[] = [];
  const lowerWarm = (node: Node, variant: KernelVariant, stepIndex: number) => {
    const transformed = variant.transform?.input;
    const shapes = stepShapes(graph, node);
    const warm = {
      kernel: variant.id,
      inputs: [] as number[],
      scratchOffset: 0,
      scratchBytes: align64(variant.scratchBytes(shapes)),
      transforms: [] as number[],
      weightsRange: { offset: 0, bytes: 0 },
      preparer: options.warmPreparer ?? 0,
    };
    const available = (name: string): number => {
      const known = indexOf.get(name);
      if (known !== undefined) return known;
      const constant = graph.constants.get(name)!;
      const key = `${name}@warm-raw`;
      const value = addValue(key, { name: key, dtype: constant.dtype, dims: [...constant.dims], kind: 'constant', bytes: constant.data.byteLength, offset: 0 });
      deferred.push({ value, bytes: new Uint8Array(constant.data.buffer, constant.data.byteOffset, constant.data.byteLength), warm });
      return value;
    };
    warm.inputs = node.inputs.map((name, i) => {
      if (name === '' || !graph.constants.has(name)) return valueIndex(name);
      const raw = available(name);
      if (i !== transformed) return raw;
      const key = `${name}@${variant.id}@warm`;
      const constant = graph.constants.get(name)!;
      const to = addValue(key, {
        name: key, dtype: constant.dtype, dims: [...constant.dims], kind: 'packed', bytes: variant.transform!.packedBytes(shapes), packedFor: variant.id, offset: 0,
      });
      warm.transforms.push(warmTransforms.length);
      warmTransforms.push({ kernel: variant.id, step: stepIndex, from: raw, to });
      return to;
    });
    return warm;
  };

  for (const input of graph.inputs) {
    addValue(input.name, { name: input.name, dtype: input.dtype, dims: [...input.dims], kind: 'input', bytes: sizeOf(input.dims) * bytesPerElement(input.dtype), offset: 0 });
  }
  const segmentOwner: number[] = [];
  const drafts = graph.nodes.map((node, stepIndex) => {
    const firstSegment = segments.length;
    const firstTransform = transforms.length;
    const { variant, bypass } = choices.get(node)!;
    const transformed = variant.transform?.input;
    const inputs = node.inputs.map((name, i) => (i === transformed ? packedIndex(node, variant, bypass, i, stepIndex) : valueIndex(name)));
    const outputs = node.outputs.map(valueIndex);
    const fused = node.fused ? lowerActivation(graph, node, valueIndex) : undefined;
    for (let i = firstSegment; i < segments.length; i++) segmentOwner[i] = stepIndex;
    const ownSegments = segments.slice(firstSegment);
    const weightsRange = ownSegments.length === 0 ? { offset: 0, bytes: 0 } : {
      offset: ownSegments[0].offset,
      bytes: ownSegments[ownSegments.length - 1].offset + ownSegments[ownSegments.length - 1].bytes - ownSegments[0].offset,
    };
    const ownTransforms = transforms.slice(firstTransform).map((_, i) => firstTransform + i);
    const warm = options.warmChoices?.get(node);
    return {
      node, variant, inputs, outputs, fused, weightsRange, ownTransforms,
      scratchBytes: align64(variant.scratchBytes(stepShapes(graph, node))),
      warm: warm ? lowerWarm(node, warm, stepIndex) : undefined,
    };
  });
  const outputs = graph.outputs.map(valueIndex);
  // Weights only warm kernels need go last in the file, so the cold path never reads them.
  for (const { value, bytes, warm } of deferred) {
    values[value].segment = storeInFile(bytes);
    const segment = segments[values[value].segment!];
    const start = warm.weightsRange.bytes === 0 ? segment.offset : warm.weightsRange.offset;
    warm.weightsRange = { offset: start, bytes: segment.offset + segment.bytes - start };
  }

  // Memory: static data | weights image | packed at load | activations | scratch.
  const weightsOffset = kernelStaticBytes;
  weightsBytes = align64(weightsBytes);
  let cursor = weightsOffset + weightsBytes;
  for (const value of values) {
    if (value.kind === 'constant') value.offset = weightsOffset + segments[value.segment!].offset;
    if (value.kind === 'packed') {
      value.offset = cursor;
      cursor = align64(cursor + value.bytes);
    }
  }
  cursor = placeActivations(values, drafts, outputs, cursor);
  const scratchOffset = cursor;
  const scratchBytes = Math.max(0, ...drafts.map((d) => Math.max(d.scratchBytes, d.warm?.scratchBytes ?? 0)));

  const steps: PlanStep[] = drafts.map((d) => ({
    node: d.node.name,
    op: d.node.op,
    kernel: d.variant.id,
    inputs: d.inputs,
    outputs: d.outputs,
    attrs: d.node.attrs,
    ...(d.fused ? { fused: d.fused } : {}),
    scratchOffset: d.scratchBytes > 0 ? scratchOffset : 0,
    scratchBytes: d.scratchBytes,
    lanes: d.variant.parallel ? (options.stepLanes?.get(d.node) ?? lanes) : 1,
    loader: options.loaders?.get(d.node) ?? 0,
    weightsRange: d.weightsRange,
    transforms: d.ownTransforms,
    ...(d.warm ? { warm: { ...d.warm, scratchOffset: d.warm.scratchBytes > 0 ? scratchOffset : 0 } } : {}),
  }));
  // A warm kernel's raw weights may belong to no step (read in the background): its own step then.
  const withRawStep = (t: Omit<PlanTransform, 'rawStep'>): PlanTransform => ({ ...t, rawStep: segmentOwner[values[t.from].segment!] ?? t.step });
  const planTransforms = transforms.map(withRawStep);
  const plan: Plan = {
    format: planFormatVersion,
    values: values.map(finishValue),
    inputs: graph.inputs.map((i) => indexOf.get(i.name)!),
    outputs,
    steps,
    transforms: planTransforms,
    warmTransforms: warmTransforms.map(withRawStep),
    segments,
    weightsBytes,
    weightsOffset,
    memoryBytes: scratchOffset + scratchBytes,
    usesWasm: drafts.some((d) => d.variant.usesWasm),
    lanes: Math.max(1, ...steps.map((s) => Math.max(s.lanes, s.loader + 1, (s.warm?.preparer ?? 0) + 1))),
  };
  return { plan, weights: weightsFile(fileChunks, segments, weightsBytes) };
}

function lowerActivation(graph: Graph, node: Node, valueIndex: (name: string) => number): PlanActivation {
  const fused = node.fused!;
  const bound = (i: number): number | undefined => {
    const tensor = fused.inputs[i] ? graph.constants.get(fused.inputs[i]) : undefined;
    return tensor ? numberAt(tensor, 0) : undefined;
  };
  const { code, p0, p1 } = activationArgs(fused.op, fused.attrs, { min: bound(0), max: bound(1) });
  return { op: fused.op, kernel: referenceVariantId(fused.op), attrs: fused.attrs, inputs: fused.inputs.map(valueIndex), code, p0, p1 };
}

/** Gives inputs and activations offsets from `start`; returns the end of their region. */
function placeActivations(values: DraftValue[], drafts: readonly { inputs: number[]; outputs: number[] }[], outputs: readonly number[], start: number): number {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  values.forEach((v, i) => { if (v.kind === 'input') first.set(i, -1); });
  drafts.forEach((d, step) => {
    for (const v of d.outputs) if (v >= 0 && !first.has(v)) first.set(v, step);
    for (const v of d.inputs) if (v >= 0) last.set(v, step);
  });
  for (const v of outputs) last.set(v, Infinity);
  const planned = [...first.keys()].sort((a, b) => a - b);
  const memory = planActivationMemory(planned.map((v) => ({ first: first.get(v)!, last: last.get(v) ?? first.get(v)!, bytes: values[v].bytes })));
  planned.forEach((v, i) => { values[v].offset = start + memory.offsets[i]; });
  return align64(start + memory.bytes);
}

function finishValue(v: DraftValue): PlanValue {
  return {
    name: v.name, dtype: v.dtype, dims: v.dims, kind: v.kind, offset: v.offset, bytes: v.bytes,
    ...(v.layout !== undefined ? { layout: v.layout } : {}),
    ...(v.segment !== undefined ? { segment: v.segment } : {}),
    ...(v.packedFor !== undefined ? { packedFor: v.packedFor } : {}),
  };
}

function weightsFile(chunks: readonly Uint8Array[], segments: readonly WeightSegment[], bytes: number): Uint8Array {
  const file = new Uint8Array(bytes);
  chunks.forEach((chunk, i) => file.set(chunk, segments[i].offset));
  return file;
}
