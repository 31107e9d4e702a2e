/**
 * Dead code elimination: removes nodes none of whose outputs reach a graph output, then the
 * constants and value entries nothing reads any more.
 */
import type { Graph } from '../ir/graph.js';

export function eliminateDeadCode(graph: Graph): void {
  const live = new Set(graph.outputs);
  const kept = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node.outputs.some((o) => live.has(o))) continue;
    kept.push(node);
    for (const name of [...node.inputs, ...(node.fused?.inputs ?? [])]) if (name !== '') live.add(name);
  }
  graph.nodes = kept.reverse();
  for (const name of [...graph.constants.keys()]) if (!live.has(name)) graph.constants.delete(name);
  for (const input of graph.inputs) live.add(input.name);
  for (const node of graph.nodes) for (const out of node.outputs) live.add(out);
  for (const name of [...graph.values.keys()]) if (!live.has(name)) graph.values.delete(name);
}
