/**
 * Layout assignment: takes the optimised graph, gives each 4-D float activation a layout (NCHW or
 * NC4HW4, runtime/tensor/layout.ts) and inserts the conversion steps (`ToNC4HW4`, `ToNCHW`) where
 * a reader needs the other layout. Runs between `passes/` and kernel choice, on the kernels the
 * catalogue has: a value is NC4HW4 when its producer has a variant writing NC4HW4 from its inputs
 * as they are (fusing the node's activation), and stays so only while some reader takes it that
 * way. Graph inputs and outputs are always NCHW. Deterministic; the reference executor never runs
 * the result (conversions have no reference kernel), so it is not one of the equivalence passes.
 *
 * `auto` (default) assigns as above; `nchw` leaves the graph as it is. With a device profile the
 * compiler searches both graphs and keeps the faster (compile.ts).
 */
import { layoutConversionOps, type ActivationLayout } from '../../runtime/kernels/variant.js';
import { cloneGraph, consumersOf, type Graph, type Node } from '../ir/graph.js';
import { activationInputs, fittingVariants } from '../select/select-kernels.js';

export type LayoutPolicy = 'auto' | 'nchw';

export const layoutPolicies: readonly LayoutPolicy[] = ['auto', 'nchw'];

export function assignLayouts(input: Graph, policy: LayoutPolicy = 'auto'): Graph {
  if (policy === 'nchw') return input;
  const graph = cloneGraph(input);
  const outputs = new Set(graph.outputs);
  const layoutOf = (name: string): ActivationLayout => graph.values.get(name)?.layout ?? 'NCHW';
  const setLayout = (name: string, layout: ActivationLayout): void => {
    const { layout: _, ...info } = graph.values.get(name)!;
    graph.values.set(name, layout === 'NCHW' ? info : { ...info, layout });
  };
  const canHoldNC4HW4 = (name: string): boolean => {
    const info = graph.values.get(name);
    return !!info && info.dtype === 'float32' && info.dims.length === 4 && !outputs.has(name);
  };

  // Forward: each node writes NC4HW4 when a variant can from its inputs as they are.
  for (const node of graph.nodes) {
    if (node.outputs.length !== 1 || !canHoldNC4HW4(node.outputs[0])) continue;
    setLayout(node.outputs[0], 'NC4HW4');
    if (fittingVariants(graph, node).length === 0) setLayout(node.outputs[0], 'NCHW');
  }
  // Backward: an NC4HW4 value no reader takes as it is goes back to NCHW when its producer can write that.
  const producers = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const readers = consumersOf(graph);
  for (const node of [...graph.nodes].reverse()) {
    const out = node.outputs[0];
    if (!out || layoutOf(out) !== 'NC4HW4') continue;
    const takenAsIs = (readers.get(out) ?? []).some((r) => takesAsIs(graph, r));
    if (takenAsIs) continue;
    setLayout(out, 'NCHW');
    if (fittingVariants(graph, node).length === 0) setLayout(out, 'NC4HW4');
  }
  insertConversions(graph, producers);
  return graph;
}

/** Whether some variant of `node` reads its inputs in the layouts they have now, whatever it writes. */
function takesAsIs(graph: Graph, node: Node): boolean {
  const out = node.outputs[0];
  if (out === undefined || !graph.values.has(out)) return fittingVariants(graph, node).length > 0;
  const original = graph.values.get(out)!;
  const fits = (['NC4HW4', 'NCHW'] as const).some((layout) => {
    if (layout === 'NC4HW4' && (original.dims.length !== 4 || original.dtype !== 'float32')) return false;
    const { layout: _, ...info } = original;
    graph.values.set(out, layout === 'NCHW' ? info : { ...info, layout });
    return fittingVariants(graph, node).length > 0;
  });
  graph.values.set(out, original);
  return fits;
}

/**
 * Every node whose inputs' layouts no variant takes reads converted copies: one conversion per
 * value and layout, placed right after the value's producer (or first in the graph for inputs).
 */
function insertConversions(graph: Graph, producers: ReadonlyMap<string, Node>): void {
  const converted = new Map<string, string>();
  const inserts: { after: Node | undefined; node: Node }[] = [];
  for (const node of graph.nodes) {
    if (fittingVariants(graph, node).length > 0) continue;
    const activation = activationInputs(graph, node);
    // The reader gets NCHW inputs unless one of them is NC4HW4 and a variant takes NC4HW4 throughout.
    const target: ActivationLayout = wantsNC4HW4(graph, node, activation) ? 'NC4HW4' : 'NCHW';
    node.inputs = node.inputs.map((name, i) => {
      const info = graph.values.get(name);
      if (!activation[i] || !info || (info.layout ?? 'NCHW') === target) return name;
      const key = `${name}@${target}`;
      let copy = converted.get(key);
      if (!copy) {
        copy = `${name}:${target.toLowerCase()}`;
        const { layout: _, ...logical } = info;
        graph.values.set(copy, target === 'NCHW' ? logical : { ...logical, layout: target });
        const op = target === 'NCHW' ? layoutConversionOps.toNCHW : layoutConversionOps.toNC4HW4;
        inserts.push({ after: producers.get(name), node: { name: `${copy}/${op}`, op, inputs: [name], outputs: [copy], attrs: {} } });
        converted.set(key, copy);
      }
      return copy;
    });
    if (fittingVariants(graph, node).length === 0) {
      throw new Error(`layout assignment: no kernel for node '${node.name}' (${node.op}) after converting its inputs`);
    }
  }
  for (const { after, node } of inserts) graph.nodes.splice(after ? graph.nodes.indexOf(after) + 1 : 0, 0, node);
}

function wantsNC4HW4(graph: Graph, node: Node, activation: readonly boolean[]): boolean {
  const inputs = node.inputs.filter((_, i) => activation[i]);
  if (!inputs.some((name) => graph.values.get(name)?.layout === 'NC4HW4')) return false;
  if (!inputs.every((name) => { const v = graph.values.get(name); return v?.dtype === 'float32' && v.dims.length === 4; })) return false;
  const saved = inputs.map((name) => [name, graph.values.get(name)!] as const);
  for (const [name, info] of saved) graph.values.set(name, { ...info, layout: 'NC4HW4' });
  const fits = fittingVariants(graph, node).length > 0;
  for (const [name, info] of saved) graph.values.set(name, info);
  return fits;
}
