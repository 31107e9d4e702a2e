/**
 * Constant folding: a node whose inputs are all constants is computed now, with its reference
 * kernel, and its outputs become constants. Shape and Size are folded whenever its input's shape is known
 * (always, shapes being static), which collapses the Shape → Gather → Unsqueeze → Concat →
 * Reshape chains that PyTorch exports.
 */
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import type { Graph, Node } from '../ir/graph.js';
import { asDiagnostic } from '../ir/infer-shapes.js';

/** Folding a node whose output is larger than this would bloat the bundle; leave it to run time. */
const maxFoldedElements = 1 << 22;

export function foldConstants(graph: Graph): void {
  const kept: Node[] = [];
  for (const node of graph.nodes) {
    const outputs = evaluate(graph, node);
    if (!outputs) {
      kept.push(node);
      continue;
    }
    node.outputs.forEach((name, i) => {
      if (name !== '') graph.constants.set(name, outputs[i]);
    });
  }
  graph.nodes = kept;
}

function evaluate(graph: Graph, node: Node): Tensor[] | undefined {
  if (node.fused || graph.outputs.some((o) => node.outputs.includes(o))) return undefined;
  const kernel = referenceKernel(node.op)!;
  if (node.op === 'Shape' || node.op === 'Size') {
    const info = graph.values.get(node.inputs[0])!;
    return kernel.run([{ dtype: info.dtype, dims: info.dims, data: new Float32Array(0) }], node.attrs);
  }
  const inputs = node.inputs.map((name) => (name === '' ? undefined : graph.constants.get(name)));
  if (inputs.some((t, i) => t === undefined && node.inputs[i] !== '')) return undefined;
  const outputElements = node.outputs.reduce((n, name) => n + (name ? countOf(graph, name) : 0), 0);
  if (outputElements > maxFoldedElements) return undefined;
  return asDiagnostic(node, () => kernel.run(inputs, node.attrs));
}

function countOf(graph: Graph, name: string): number {
  return graph.values.get(name)!.dims.reduce((a, b) => a * b, 1);
}
