/**
 * Lowering: takes the optimised graph, gives the executable plan (`runtime/plan/plan.ts`) and the
 * weights file's bytes. Values are numbered inputs first, then constants and activations in the
 * order steps first touch them; weight segments are laid out, 64-byte aligned, in the order the
 * steps read them, so loading streams the file front to back. Next stage: `bundle/`.
 */
import { kernelById, referenceKernelId } from '../../runtime/kernels/catalogue.js';
import { planFormatVersion, segmentAlignment, type Plan, type PlanStep, type PlanValue, type WeightSegment } from '../../runtime/plan/plan.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from '../ir/graph.js';

export interface LoweredModel {
  plan: Plan;
  weights: Uint8Array;
}

export function lowerGraph(graph: Graph): LoweredModel {
  const values: PlanValue[] = [];
  const indexOf = new Map<string, number>();
  const constantsInOrder: Tensor[] = [];
  const segments: WeightSegment[] = [];
  let weightsBytes = 0;

  const valueIndex = (name: string): number => {
    if (name === '') return -1;
    const known = indexOf.get(name);
    if (known !== undefined) return known;
    const constant = graph.constants.get(name);
    const info = constant ?? graph.values.get(name);
    if (!info) throw new CompileError(codes.graphStructure, `value '${name}' has no type or shape`);
    let value: PlanValue = { name, dtype: info.dtype, dims: [...info.dims], kind: constant ? 'constant' : 'activation' };
    if (constant) {
      weightsBytes = alignUp(weightsBytes, segmentAlignment);
      segments.push({ offset: weightsBytes, bytes: constant.data.byteLength });
      constantsInOrder.push(constant);
      weightsBytes += constant.data.byteLength;
      value = { ...value, segment: segments.length - 1 };
    }
    values.push(value);
    indexOf.set(name, values.length - 1);
    return values.length - 1;
  };

  for (const input of graph.inputs) {
    values.push({ name: input.name, dtype: input.dtype, dims: [...input.dims], kind: 'input' });
    indexOf.set(input.name, values.length - 1);
  }
  const steps = graph.nodes.map((node) => lowerNode(node, valueIndex));
  const outputs = graph.outputs.map(valueIndex);
  weightsBytes = alignUp(weightsBytes, segmentAlignment);
  const weights = new Uint8Array(weightsBytes);
  constantsInOrder.forEach((tensor, i) => {
    weights.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), segments[i].offset);
  });
  const plan: Plan = {
    format: planFormatVersion,
    values,
    inputs: graph.inputs.map((i) => indexOf.get(i.name)!),
    outputs,
    steps,
    segments,
    weightsBytes,
  };
  return { plan, weights };
}

function lowerNode(node: Node, valueIndex: (name: string) => number): PlanStep {
  const kernel = kernelFor(node.op, node);
  const step: PlanStep = {
    node: node.name,
    op: node.op,
    kernel,
    inputs: node.inputs.map(valueIndex),
    outputs: node.outputs.map(valueIndex),
    attrs: node.attrs,
  };
  if (!node.fused) return step;
  const fused = node.fused;
  return {
    ...step,
    fused: { op: fused.op, kernel: kernelFor(fused.op, node), attrs: fused.attrs, inputs: fused.inputs.map(valueIndex) },
  };
}

function kernelFor(op: string, node: Node): string {
  const id = referenceKernelId(op);
  if (!kernelById(id)) throw new CompileError(codes.unsupportedOperator, `no kernel for operator '${op}'`, { node: node.name, op: node.op });
  return id;
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
