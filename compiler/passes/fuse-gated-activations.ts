/**
 * Fuses a value multiplied by a gate computed from itself into one activation node, as exporters
 * write SiLU and HardSwish: `Mul(x, Sigmoid(x))` becomes `Silu(x)`, and
 * `Mul(x, HardSigmoid(x; alpha = 1/6, beta = 1/2))` becomes `HardSwish(x)` (its definition). The
 * gate must be read by that Mul alone and must not be a graph output. Runs before
 * fuse-activations, which may then fold the new activation into x's producer: what was three
 * steps (producer, gate, Mul) becomes one.
 */
import { consumersOf, type Graph, type Node } from '../ir/graph.js';
import { producersOf } from './patterns.js';

/** HardSwish's own alpha (1/6) as float32 stores it, within float32 rounding of either form. */
const hardSwishAlpha = 1 / 6;

function gatedActivation(gate: Node): string | undefined {
  if (gate.op === 'Sigmoid') return 'Silu';
  if (gate.op !== 'HardSigmoid') return undefined;
  const alpha = typeof gate.attrs.alpha === 'number' ? gate.attrs.alpha : 0.2;
  const beta = typeof gate.attrs.beta === 'number' ? gate.attrs.beta : 0.5;
  return Math.abs(alpha - hardSwishAlpha) <= 1e-7 && beta === 0.5 ? 'HardSwish' : undefined;
}

export function fuseGatedActivations(graph: Graph): void {
  const consumers = consumersOf(graph);
  const producerOf = producersOf(graph);
  const removed = new Set<Node>();
  graph.nodes = graph.nodes.map((mul) => {
    if (mul.op !== 'Mul' || mul.inputs.length !== 2 || mul.inputs[0] === mul.inputs[1]) return mul;
    for (const [gateInput, x] of [[mul.inputs[1], mul.inputs[0]], [mul.inputs[0], mul.inputs[1]]]) {
      const gate = producerOf.get(gateInput);
      if (!gate || removed.has(gate) || gate.inputs[0] !== x || gate.fused) continue;
      const op = gatedActivation(gate);
      if (!op || graph.outputs.includes(gateInput) || (consumers.get(gateInput) ?? []).length !== 1) continue;
      if (graph.values.get(x)?.dtype !== graph.values.get(mul.outputs[0])?.dtype) continue;
      removed.add(gate);
      return { name: mul.name, op, inputs: [x], outputs: [...mul.outputs], attrs: {} };
    }
    return mul;
  }).filter((node) => !removed.has(node));
}
