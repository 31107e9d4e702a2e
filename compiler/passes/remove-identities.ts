/**
 * Removes Identity nodes, inference-mode Dropout (whose mask output nobody reads) and Mul or Div
 * by a constant of ones that broadcasts nothing: readers of the output read the input instead. Where the output is a graph output, the producer of the
 * input is renamed instead, so the names users see never change.
 */
import { redirectReads, type Graph, type Node } from '../ir/graph.js';

/** The input a node passes through unchanged, when it is an identity; else undefined. */
function passedThrough(graph: Graph, node: Node): string | undefined {
  if (node.op === 'Identity' || (node.op === 'Dropout' && (node.outputs[1] ?? '') === '')) return node.inputs[0];
  if ((node.op !== 'Mul' && node.op !== 'Div') || node.inputs.length !== 2) return undefined;
  // x · 1 and x / 1 where the ones do not broadcast x to a larger shape (the exporters' scale of 1).
  const operands = node.op === 'Div' ? [[node.inputs[0], node.inputs[1]]] : [[node.inputs[0], node.inputs[1]], [node.inputs[1], node.inputs[0]]];
  for (const [x, other] of operands) {
    const ones = graph.constants.get(other);
    const xInfo = graph.values.get(x);
    const out = graph.values.get(node.outputs[0]);
    if (!ones || graph.constants.has(x) || !xInfo || !out || xInfo.dtype !== out.dtype || xInfo.dims.join() !== out.dims.join()) continue;
    if (ones.data.length > 0 && Array.prototype.every.call(ones.data, (v: number | bigint) => Number(v) === 1)) return x;
  }
  return undefined;
}

export function removeIdentities(graph: Graph): void {
  for (const node of [...graph.nodes]) {
    const to = passedThrough(graph, node);
    if (to === undefined) continue;
    const from = node.outputs[0];
    if (graph.outputs.includes(from)) {
      if (!renameProducerOutput(graph, to, from)) continue;
    } else {
      redirectReads(graph, from, to);
    }
    graph.nodes = graph.nodes.filter((n) => n !== node);
  }
}

/** Makes `value`'s producing node write `newName` instead; false when that is not possible. */
function renameProducerOutput(graph: Graph, value: string, newName: string): boolean {
  const producer = graph.nodes.find((n) => n.outputs.includes(value));
  const isGraphBoundary = graph.outputs.includes(value) || graph.inputs.some((i) => i.name === value);
  if (!producer || isGraphBoundary) return false;
  producer.outputs = producer.outputs.map((o) => (o === value ? newName : o));
  graph.values.set(newName, graph.values.get(value)!);
  redirectReads(graph, value, newName);
  return true;
}
