/**
 * Removes Identity nodes and inference-mode Dropout (whose mask output nobody reads): readers of
 * the output read the input instead. Where the output is a graph output, the producer of the
 * input is renamed instead, so the names users see never change.
 */
import { redirectReads, type Graph, type Node } from '../ir/graph.js';

export function removeIdentities(graph: Graph): void {
  const removable = (node: Node): boolean =>
    node.op === 'Identity' || (node.op === 'Dropout' && (node.outputs[1] ?? '') === '');
  for (const node of graph.nodes.filter(removable)) {
    const from = node.outputs[0];
    const to = node.inputs[0];
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
