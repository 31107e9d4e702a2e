/**
 * Kernel selection without a device profile: takes the optimised graph, gives each node a kernel
 * variant by fixed preference (`fast`: the first variant that applies, wasm before reference;
 * `reference`: the reference kernels only) and one weight source for all. With a profile,
 * `search/` chooses instead. Next stage: `lower/`.
 */
import { variantsFor } from '../../runtime/kernels/catalogue.js';
import { fitsLayout, type KernelVariant, type StepShapes } from '../../runtime/kernels/variant.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from '../ir/graph.js';

export type KernelStrategy = 'fast' | 'reference';

/** What lowering needs per node: its kernel variant and whether its weights are stored transformed. */
export interface KernelChoice {
  readonly variant: KernelVariant;
  /** Store transformed weights in the bundle (true) or raw with a load-time transform (false). */
  readonly bypass: boolean;
}

export function stepShapes(graph: Graph, node: Node): StepShapes {
  const infoOf = (name: string) => (name === '' ? undefined : graph.values.get(name) ?? graph.constants.get(name));
  return {
    attrs: node.attrs,
    inputs: node.inputs.map(infoOf),
    outputs: node.outputs.map((name) => infoOf(name)!).filter(Boolean),
  };
}

/** Which inputs of `node` are activations (not constant weights, not omitted). */
export function activationInputs(graph: Graph, node: Node): boolean[] {
  return node.inputs.map((name) => name !== '' && !graph.constants.has(name));
}

/**
 * The node's variants that can run it as the graph has it, in the catalogue's order: they apply
 * to its shapes, take and give its values' layouts, have constant weights when they transform
 * them (the transform runs before any input exists) and fuse its activation when they write
 * NC4HW4 (the executor applies an unfused one to NCHW outputs only).
 */
export function fittingVariants(graph: Graph, node: Node, candidates: readonly KernelVariant[] = variantsFor(node.op)): KernelVariant[] {
  const shapes = stepShapes(graph, node);
  const activation = activationInputs(graph, node);
  return candidates.filter((v) => fitsLayout(v, shapes, activation) && v.appliesTo(shapes)
    && (v.layout.output === 'NCHW' || !node.fused || v.fusesActivation)
    && (!v.transform || graph.constants.has(node.inputs[v.transform.input] ?? '')));
}

export function selectKernels(graph: Graph, strategy: KernelStrategy = 'fast', bypass = true): Map<Node, KernelChoice> {
  const chosen = new Map<Node, KernelChoice>();
  for (const node of graph.nodes) {
    const candidates = variantsFor(node.op);
    if (candidates.length === 0) {
      throw new CompileError(codes.unsupportedOperator, `no kernel for operator '${node.op}'`, { node: node.name, op: node.op });
    }
    const usable = strategy === 'reference' ? candidates.filter((v) => !v.usesWasm) : candidates;
    chosen.set(node, { variant: fittingVariants(graph, node, usable)[0] ?? candidates[candidates.length - 1], bypass });
  }
  return chosen;
}
