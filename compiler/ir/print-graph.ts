/**
 * Renders a graph as text, one node per line, for `--dump-dir` and for debugging (NNCC_DEBUG).
 */
import type { Attributes } from '../../runtime/kernels/kernel.js';
import type { Graph } from './graph.js';

export function printGraph(graph: Graph): string {
  const dims = (name: string): string => {
    const info = graph.values.get(name);
    return info ? `${info.dtype}[${info.dims.join(',')}]` : '?';
  };
  const lines = [`graph ${graph.name} (opset ${graph.opset})`];
  for (const input of graph.inputs) lines.push(`  input  ${input.name}: ${dims(input.name)}`);
  for (const [name, tensor] of graph.constants) lines.push(`  const  ${name}: ${tensor.dtype}[${tensor.dims.join(',')}]`);
  for (const node of graph.nodes) {
    const fused = node.fused ? ` +${node.fused.op}` : '';
    const ins = node.inputs.map((n) => n || '∅').join(', ');
    const outs = node.outputs.map((n) => `${n}: ${dims(n)}`).join(', ');
    lines.push(`  ${node.op}${fused} ${node.name}(${ins}) -> ${outs}${printAttrs(node.attrs)}`);
  }
  lines.push(`  output ${graph.outputs.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function printAttrs(attrs: Attributes): string {
  const entries = Object.entries(attrs);
  if (entries.length === 0) return '';
  const text = entries.map(([k, v]) => `${k}=${typeof v === 'object' && !Array.isArray(v) ? 'tensor' : JSON.stringify(v)}`);
  return `  {${text.join(', ')}}`;
}
