/**
 * Fuses the exporters' GELU, x·½·(1 + erf(x/√2)), into one Gelu node (the ONNX opset-20 operator,
 * exact form): `Erf(Div(x, √2))` (or `Mul(x, 1/√2)`) plus 1, times x and ½ in any grouping —
 * PyTorch's `Mul(Mul(x, 1 + erf), 0.5)` and the BERT family's `Mul(Mul(x, 0.5), 1 + erf)` alike.
 * The last Mul becomes the Gelu (keeping its name and output), and the intermediates no other
 * node reads are dropped (eliminate-dead-code) so that the next passes see x's real readers. Runs before fuse-activations, which may fold the Gelu
 * into the bias Add before it.
 */
import type { Graph, Node } from '../ir/graph.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { near, producedBy, producersOf, scalarConstant, withScalar } from './patterns.js';

/** x when `name` is 1 + erf(x/√2) as exporters write it. */
function erfPlusOneOf(graph: Graph, producers: Map<string, Node>, name: string): string | undefined {
  const add = producedBy(producers, name, 'Add');
  const plusOne = add && withScalar(graph, add);
  if (!plusOne || !near(plusOne.scalar, 1)) return undefined;
  const erf = producedBy(producers, plusOne.other, 'Erf');
  if (!erf) return undefined;
  const scaling = producers.get(erf.inputs[0]);
  const scaled = scaling && withScalar(graph, scaling);
  if (!scaling || !scaled || scaled.other !== scaling.inputs[0]) return undefined;
  const isScaling = (scaling.op === 'Div' && near(scaled.scalar, Math.SQRT2)) || (scaling.op === 'Mul' && near(scaled.scalar, Math.SQRT1_2));
  return isScaling ? scaled.other : undefined;
}

/** The three factors of a Mul whose one operand is itself a Mul, for each such grouping. */
function factorings(producers: Map<string, Node>, mul: Node): string[][] {
  const [p, q] = mul.inputs;
  return [[p, q], [q, p]].flatMap(([inner, outer]) => {
    const product = producedBy(producers, inner, 'Mul');
    return product && product.inputs.length === 2 ? [[...product.inputs, outer]] : [];
  });
}

function geluInput(graph: Graph, producers: Map<string, Node>, mul: Node): string | undefined {
  for (const factors of factorings(producers, mul)) {
    const half = factors.findIndex((f) => near(scalarConstant(graph, f), 0.5));
    if (half < 0) continue;
    const [a, b] = factors.filter((_, i) => i !== half);
    if (erfPlusOneOf(graph, producers, b) === a) return a;
    if (erfPlusOneOf(graph, producers, a) === b) return b;
  }
  return undefined;
}

export function fuseGelu(graph: Graph): void {
  const producers = producersOf(graph);
  graph.nodes = graph.nodes.map((mul) => {
    if (mul.op !== 'Mul' || mul.fused || mul.inputs.length !== 2) return mul;
    const x = geluInput(graph, producers, mul);
    const info = x === undefined ? undefined : graph.values.get(x);
    const out = graph.values.get(mul.outputs[0]);
    if (!x || !info || !out || (info.dtype !== 'float32' && info.dtype !== 'float64') || info.dims.join() !== out.dims.join()) return mul;
    return { name: mul.name, op: 'Gelu', inputs: [x], outputs: [...mul.outputs], attrs: {} };
  });
  eliminateDeadCode(graph);
}
