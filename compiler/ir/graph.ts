/**
 * The graph IR every compiler stage reads and writes: nodes in topological order over named
 * values, constants held as tensors, and a static type and shape for every value. Made by
 * `import/`, rewritten by `passes/`, lowered to a plan by `lower/`.
 */
import type { Attributes } from '../../runtime/kernels/kernel.js';
import type { Tensor, ValueInfo } from '../../runtime/tensor/tensor.js';

/** An activation applied to a node's output inside the same step (see passes/fuse-activations). */
export interface FusedActivation {
  readonly op: string;
  readonly attrs: Attributes;
  /** Extra constant inputs of the activation after the producer's output (Clip's min and max). */
  readonly inputs: readonly string[];
}

export interface Node {
  readonly name: string;
  readonly op: string;
  /** Value names in ONNX input order; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Attributes;
  fused?: FusedActivation;
}

export interface NamedValueInfo extends ValueInfo {
  readonly name: string;
}

export interface Graph {
  name: string;
  opset: number;
  /** Values the caller feeds, in model order. */
  inputs: NamedValueInfo[];
  /** Names of the values the caller receives, in model order. */
  outputs: string[];
  nodes: Node[];
  constants: Map<string, Tensor>;
  /** Type and shape of every value: inputs, constants and node outputs. */
  values: Map<string, ValueInfo>;
}

export function cloneGraph(graph: Graph): Graph {
  return {
    ...graph,
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
    nodes: graph.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] })),
    constants: new Map(graph.constants),
    values: new Map(graph.values),
  };
}

/** For every value name, the nodes that read it (fused activation inputs included). */
export function consumersOf(graph: Graph): Map<string, Node[]> {
  const consumers = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    const read = [...node.inputs, ...(node.fused?.inputs ?? [])];
    for (const name of read) {
      if (name === '') continue;
      const list = consumers.get(name) ?? [];
      if (!list.includes(node)) list.push(node);
      consumers.set(name, list);
    }
  }
  return consumers;
}

/** Replaces every read of `from` with `to` in the nodes (graph output names never change). */
export function redirectReads(graph: Graph, from: string, to: string): void {
  for (const node of graph.nodes) {
    node.inputs = node.inputs.map((n) => (n === from ? to : n));
    if (node.fused) node.fused = { ...node.fused, inputs: node.fused.inputs.map((n) => (n === from ? to : n)) };
  }
}
