/**
 * Helpers the pattern passes share (the fusions: attention, GELU, LayerNorm, activations): who produces a
 * value, which scalar a constant holds, and reading a node's operands when one of them is a
 * constant. They only look at the graph.
 */
import { isFloatType } from '../../runtime/tensor/tensor.js';
import type { Graph, Node } from '../ir/graph.js';

export function producersOf(graph: Graph): Map<string, Node> {
  const producers = new Map<string, Node>();
  for (const node of graph.nodes) for (const out of node.outputs) if (out !== '') producers.set(out, node);
  return producers;
}

/** The value of a one-element float constant, else undefined. */
export function scalarConstant(graph: Graph, name: string): number | undefined {
  const t = graph.constants.get(name);
  return t && t.data.length === 1 && isFloatType(t.dtype) ? Number(t.data[0]) : undefined;
}

/** Whether `value` is `expected` within float32 rounding (exporters store constants as float32). */
export function near(value: number | undefined, expected: number): boolean {
  return value !== undefined && Math.abs(value - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}

/** For a two-input node with one scalar constant operand: the other operand and the constant. */
export function withScalar(graph: Graph, node: Node): { other: string; scalar: number } | undefined {
  if (node.inputs.length !== 2 || node.fused) return undefined;
  const [a, b] = node.inputs;
  const sb = scalarConstant(graph, b);
  if (sb !== undefined) return { other: a, scalar: sb };
  const sa = scalarConstant(graph, a);
  return sa !== undefined ? { other: b, scalar: sa } : undefined;
}

/** The node producing `name` when it has op `op` and no fused activation. */
export function producedBy(producers: Map<string, Node>, name: string, op: string): Node | undefined {
  const node = producers.get(name);
  return node && node.op === op && !node.fused ? node : undefined;
}

/** `base`, or `base` with a numeric suffix, so that no value of the graph has that name yet. */
export function freshValueName(graph: Graph, base: string): string {
  let name = base;
  for (let i = 1; graph.values.has(name) || graph.constants.has(name); i++) name = `${base}_${i}`;
  return name;
}
