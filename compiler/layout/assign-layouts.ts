/**
 * Layout assignment: takes the optimised graph, gives each 4-D float activation a layout (NCHW or
 * NC4HW4, runtime/tensor/layout.ts) and inserts the conversion steps (`ToNC4HW4`, `ToNCHW`) where
 * a reader needs the other layout. Runs between `passes/` and kernel choice, on the kernels the
 * catalogue has: a value is NC4HW4 when its producer has a variant writing NC4HW4 from its inputs
 * as they are (fusing the node's activation), and stays so only while some reader takes it that
 * way. NC4HW4 values joined by the steps between them form regions; a region stays only when it
 * pays: with `warmMs` (a device profile's costs), when its steps and conversions cost less warm
 * than the same steps all-NCHW; without, when it needs no conversion at all. Graph inputs and
 * outputs are always NCHW. Deterministic; the reference executor never runs the result
 * (conversions have no reference kernel), so it is not one of the equivalence passes.
 *
 * `auto` (default) assigns as above; `nchw` leaves the graph as it is. With a device profile the
 * compiler also searches the all-NCHW graph and keeps the faster (compile.ts).
 */
import { layoutConversionOps, type ActivationLayout } from '../../runtime/kernels/variant.js';
import type { ValueInfo } from '../../runtime/tensor/tensor.js';
import { cloneGraph, consumersOf, type Graph, type Node } from '../ir/graph.js';
import { activationInputs, fittingVariants } from '../select/select-kernels.js';
import { CompileError, codes } from '../diagnostics.js';

export type LayoutPolicy = 'auto' | 'nchw';

/** A step's warm cost with the best variant that fits it as the graph has it; undefined when unknown. */
export type StepWarmMs = (graph: Graph, node: Node) => number | undefined;

export interface RegionCosts {
  /** Warm costs to decide by (a device profile's); without them only regions needing no conversion stay. */
  warmMs?: StepWarmMs;
  /** Keep every region (the profiler, measuring what any compile may need). */
  keepEveryRegion?: boolean;
}

export function assignLayouts(input: Graph, policy: LayoutPolicy = 'auto', costs: RegionCosts = {}): Graph {
  if (policy === 'nchw') return input;
  const graph = cloneGraph(input);
  const outputs = new Set(graph.outputs);
  const layoutOf = (name: string): ActivationLayout => graph.values.get(name)?.layout ?? 'NCHW';
  const setLayout = (name: string, layout: ActivationLayout): void => { graph.values.set(name, inLayout(graph.values.get(name)!, layout)); };
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
  for (const region of costs.keepEveryRegion ? [] : regionsOf(graph)) {
    if (!pays(graph, region, costs.warmMs)) for (const name of region) setLayout(name, 'NCHW');
  }
  // All NCHW again: the input as it was (so a caller does not search the same graph twice).
  if (![...graph.values.values()].some((v) => v.layout === 'NC4HW4')) return input;
  insertConversions(graph, producers);
  return graph;
}

/** The value's info in `layout` (NCHW: no layout field). */
function inLayout(info: ValueInfo, layout: ActivationLayout): ValueInfo {
  const { layout: _, ...logical } = info;
  return layout === 'NCHW' ? logical : { ...logical, layout };
}

/** `probe`'s answer with the named values in the given layouts for its duration; the graph is left as it was. */
function withLayouts<T>(graph: Graph, layouts: ReadonlyMap<string, ActivationLayout>, probe: () => T): T {
  const saved = [...layouts.keys()].map((name) => [name, graph.values.get(name)!] as const);
  for (const [name, info] of saved) graph.values.set(name, inLayout(info, layouts.get(name)!));
  try {
    return probe();
  } finally {
    for (const [name, info] of saved) graph.values.set(name, info);
  }
}

/** NC4HW4 values joined by the steps that read or write them (union-find, in graph order). */
function regionsOf(graph: Graph): string[][] {
  const parent = new Map<string, string>();
  const find = (name: string): string => {
    let root = name;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(name, root);
    return root;
  };
  for (const [name, info] of graph.values) if (info.layout === 'NC4HW4') parent.set(name, name);
  for (const node of graph.nodes) {
    const touched = [...node.inputs, ...node.outputs].filter((name) => parent.has(name));
    for (const name of touched.slice(1)) parent.set(find(name), find(touched[0]));
  }
  const regions = new Map<string, string[]>();
  for (const name of parent.keys()) regions.set(find(name), [...(regions.get(find(name)) ?? []), name]);
  return [...regions.values()];
}

/**
 * Whether a region is worth its layout: the steps that read or write its values, plus the
 * conversions they would need, against the same steps with the region NCHW (which always runs:
 * every op has NCHW kernels). Without costs, only a region that needs no conversion pays.
 */
function pays(graph: Graph, region: readonly string[], warmMs: StepWarmMs | undefined): boolean {
  const inRegion = new Set(region);
  const steps = graph.nodes.filter((n) => [...n.inputs, ...n.outputs].some((name) => inRegion.has(name)));
  const unconverted = new Set(steps.filter((n) => fittingVariants(graph, n).length === 0));
  if (!warmMs) return unconverted.size === 0;
  const packedMs = steps.map((n) => (unconverted.has(n) ? 0 : warmMs(graph, n)));
  const plainMs = withLayouts(graph, new Map(region.map((name) => [name, 'NCHW'])), () => steps.map((n) => warmMs(graph, n)));
  // A reader that needs a conversion runs as it would all-NCHW, plus the conversion of what it reads.
  const converting = conversionsMs(graph, [...unconverted], inRegion, warmMs);
  const sum = (costs: readonly (number | undefined)[]): number | undefined => costs.reduce<number | undefined>((t, c) => (t === undefined || c === undefined ? undefined : t + c), 0);
  const packed = sum([...packedMs.map((ms, i) => (unconverted.has(steps[i]) ? plainMs[i] : ms)), converting]);
  const plain = sum(plainMs);
  return packed !== undefined && plain !== undefined && packed < plain;
}

/** Warm ms of converting the region values `readers` read back to NCHW (one conversion per value). */
function conversionsMs(graph: Graph, readers: readonly Node[], inRegion: ReadonlySet<string>, warmMs: StepWarmMs): number | undefined {
  const values = [...new Set(readers.flatMap((n) => n.inputs.filter((name) => inRegion.has(name))))];
  let sum = 0;
  for (const name of values) {
    const copy = `${name}:cost-probe`;
    graph.values.set(copy, inLayout(graph.values.get(name)!, 'NCHW'));
    const ms = warmMs(graph, { name: copy, op: layoutConversionOps.toNCHW, inputs: [name], outputs: [copy], attrs: {} });
    graph.values.delete(copy);
    if (ms === undefined) return undefined;
    sum += ms;
  }
  return sum;
}

/** Whether some variant of `node` reads its inputs in the layouts they have now, whatever it writes. */
function takesAsIs(graph: Graph, node: Node): boolean {
  const out = node.outputs[0];
  if (out === undefined || !graph.values.has(out)) return fittingVariants(graph, node).length > 0;
  const { dims, dtype } = graph.values.get(out)!;
  return (['NC4HW4', 'NCHW'] as const).some((layout) => (layout === 'NCHW' || (dims.length === 4 && dtype === 'float32'))
    && withLayouts(graph, new Map([[out, layout]]), () => fittingVariants(graph, node).length > 0));
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
        graph.values.set(copy, inLayout(info, target));
        const op = target === 'NCHW' ? layoutConversionOps.toNCHW : layoutConversionOps.toNC4HW4;
        inserts.push({ after: producers.get(name), node: { name: `${copy}/${op}`, op, inputs: [name], outputs: [copy], attrs: {} } });
        converted.set(key, copy);
      }
      return copy;
    });
    if (fittingVariants(graph, node).length === 0) {
      throw new CompileError(codes.internal, 'layout assignment left no kernel after converting its inputs', { node: node.name, op: node.op }, 'an nncc bug: report it with the model and the command');
    }
  }
  for (const { after, node } of inserts) graph.nodes.splice(after ? graph.nodes.indexOf(after) + 1 : 0, 0, node);
}

function wantsNC4HW4(graph: Graph, node: Node, activation: readonly boolean[]): boolean {
  const inputs = node.inputs.filter((_, i) => activation[i]);
  if (!inputs.some((name) => graph.values.get(name)?.layout === 'NC4HW4')) return false;
  if (!inputs.every((name) => { const v = graph.values.get(name); return v?.dtype === 'float32' && v.dims.length === 4; })) return false;
  return withLayouts(graph, new Map(inputs.map((name) => [name, 'NC4HW4'])), () => fittingVariants(graph, node).length > 0);
}
