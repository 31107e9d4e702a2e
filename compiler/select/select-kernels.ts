/**
 * Kernel selection: takes the optimised graph, gives each node a kernel variant from the
 * catalogue. Today by fixed preference (`fast`: the first variant that applies, wasm before
 * reference; `reference`: the reference kernels only); the cost-driven search of the device
 * profile replaces this stage. Next stage: `lower/`.
 */
import { variantsFor } from '../../runtime/kernels/catalogue.js';
import type { KernelVariant, StepShapes } from '../../runtime/kernels/variant.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from '../ir/graph.js';

export type KernelStrategy = 'fast' | 'reference';

export function stepShapes(graph: Graph, node: Node): StepShapes {
  const infoOf = (name: string) => (name === '' ? undefined : graph.values.get(name) ?? graph.constants.get(name));
  return {
    attrs: node.attrs,
    inputs: node.inputs.map(infoOf),
    outputs: node.outputs.map((name) => infoOf(name)!).filter(Boolean),
  };
}

export function selectKernels(graph: Graph, strategy: KernelStrategy = 'fast'): Map<Node, KernelVariant> {
  const chosen = new Map<Node, KernelVariant>();
  for (const node of graph.nodes) {
    const candidates = variantsFor(node.op);
    if (candidates.length === 0) {
      throw new CompileError(codes.unsupportedOperator, `no kernel for operator '${node.op}'`, { node: node.name, op: node.op });
    }
    const shapes = stepShapes(graph, node);
    const usable = strategy === 'reference' ? candidates.filter((v) => !v.usesWasm) : candidates;
    // A variant that transforms weights needs them constant: the transform runs before any input exists.
    const fits = (v: KernelVariant): boolean => v.appliesTo(shapes) && (!v.transform || graph.constants.has(node.inputs[v.transform.input] ?? ''));
    chosen.set(node, usable.find(fits) ?? candidates[candidates.length - 1]);
  }
  return chosen;
}
