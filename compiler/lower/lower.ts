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
import { planFormatVersion, type Plan, type PlanActivation, type PlanStep, type PlanTransform, type PlanValue } from '../../runtime/plan/plan.js';
import { bytesPerElement, numberAt, sizeOf } from '../../runtime/tensor/tensor.js';
import type { Graph, Node } from '../ir/graph.js';
import { stepShapes, type KernelChoice } from '../select/select-kernels.js';
import { align64, planActivationMemory } from './memory-plan.js';
import { tableRowsBytes } from './table-rows.js';
import { PlanDraft, type DraftTransform, type DraftValue, type DraftWarm } from './plan-draft.js';

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

/** `choices`: each node's kernel and weight source, from the kernel-choice stage (select/ without a profile, search/ with one). */
export function lowerGraph(graph: Graph, choices: ReadonlyMap<Node, KernelChoice>, options: LowerOptions = {}): LoweredModel {
  const lanes = options.lanes ?? 1;
  const draft = new PlanDraft(graph, options.warmPreparer ?? 0);
  for (const input of graph.inputs) {
    draft.addValue(input.name, { name: input.name, dtype: input.dtype, dims: [...input.dims], kind: 'input', bytes: sizeOf(input.dims) * bytesPerElement(input.dtype), offset: 0 });
  }
  const segmentOwner: number[] = [];
  const drafts = graph.nodes.map((node, stepIndex) => {
    const firstSegment = draft.segments.length;
    const firstTransform = draft.transforms.length;
    const { variant, bypass } = choices.get(node)!;
    const transformed = variant.transform?.input;
    const inputs = node.inputs.map((name, i) => (i === transformed ? draft.packedIndex(node, variant, bypass, i, stepIndex) : draft.valueIndex(name)));
    const outputs = node.outputs.map((name) => draft.valueIndex(name));
    const fused = node.fused ? lowerActivation(graph, node, (name) => draft.valueIndex(name)) : undefined;
    for (let i = firstSegment; i < draft.segments.length; i++) segmentOwner[i] = stepIndex;
    const ownSegments = draft.segments.slice(firstSegment);
    const weightsRange = ownSegments.length === 0 ? { offset: 0, bytes: 0 } : {
      offset: ownSegments[0].offset,
      bytes: ownSegments[ownSegments.length - 1].offset + ownSegments[ownSegments.length - 1].bytes - ownSegments[0].offset,
    };
    const ownTransforms = draft.transforms.slice(firstTransform).map((_, i) => firstTransform + i);
    const warm = options.warmChoices?.get(node);
    return {
      node, variant, inputs, outputs, fused, weightsRange, ownTransforms, tableRows: tableRowsBytes(graph, node) !== undefined,
      scratchBytes: align64(variant.scratchBytes(stepShapes(graph, node))),
      warm: warm ? draft.lowerWarm(node, warm, stepIndex) : undefined,
    };
  });
  const outputs = graph.outputs.map((name) => draft.valueIndex(name));
  draft.storeDeferred();
  const { values } = draft;
  const { weightsOffset, scratchOffset, scratchBytes } = placeMemory(draft, drafts, outputs);

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
    // Rows are read by the executing lane just before the step: only then are the indices known.
    loader: d.tableRows ? 0 : options.loaders?.get(d.node) ?? 0,
    weightsRange: d.weightsRange,
    ...(d.tableRows ? { tableRows: true } : {}),
    transforms: d.ownTransforms,
    ...(d.warm ? { warm: { ...d.warm, scratchOffset: d.warm.scratchBytes > 0 ? scratchOffset : 0 } } : {}),
  }));
  // A warm kernel's raw weights may belong to no step (read in the background): its own step then.
  const withRawStep = (t: DraftTransform): PlanTransform => ({ ...t, rawStep: segmentOwner[values[t.from].segment!] ?? t.step });
  const plan: Plan = {
    format: planFormatVersion,
    values: values.map(finishValue),
    inputs: graph.inputs.map((i) => draft.indexOfName(i.name)!),
    outputs,
    steps,
    transforms: draft.transforms.map(withRawStep),
    warmTransforms: draft.warmTransforms.map(withRawStep),
    segments: draft.segments,
    weightsBytes: draft.weightsBytes,
    weightsOffset,
    memoryBytes: scratchOffset + scratchBytes,
    usesWasm: drafts.some((d) => d.variant.usesWasm),
    lanes: Math.max(1, ...steps.map((s) => Math.max(s.lanes, s.loader + 1, (s.warm?.preparer ?? 0) + 1))),
  };
  return { plan, weights: draft.weightsFile() };
}

/**
 * Memory: static data | weights image | packed at load | activations | scratch. Gives every
 * value its offset (the weights image aligned to 64 bytes) and returns where the regions lie.
 */
function placeMemory(draft: PlanDraft, drafts: readonly { inputs: number[]; outputs: number[]; scratchBytes: number; warm?: DraftWarm }[],
  outputs: readonly number[]): { weightsOffset: number; scratchOffset: number; scratchBytes: number } {
  const weightsOffset = kernelStaticBytes;
  draft.weightsBytes = align64(draft.weightsBytes);
  let cursor = weightsOffset + draft.weightsBytes;
  for (const value of draft.values) {
    if (value.kind === 'constant') value.offset = weightsOffset + draft.segments[value.segment!].offset;
    if (value.kind === 'packed') {
      value.offset = cursor;
      cursor = align64(cursor + value.bytes);
    }
  }
  const scratchOffset = placeActivations(draft.values, drafts, outputs, cursor);
  const scratchBytes = Math.max(0, ...drafts.map((d) => Math.max(d.scratchBytes, d.warm?.scratchBytes ?? 0)));
  return { weightsOffset, scratchOffset, scratchBytes };
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
