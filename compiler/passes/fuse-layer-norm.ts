/**
 * Fuses the exporters' decomposed layer normalisation into one LayerNormalization node (opset
 * 17's operator):
 *
 *   m = ReduceMean(x, axes)      d = Sub(x, m)      v = ReduceMean(Pow(d, 2) or Mul(d, d), axes)
 *   y = Div(d, Sqrt(Add(v, ε)))  [· γ]  [+ β]
 *
 * with both ReduceMeans over the same trailing axes (keepdims), ε a scalar constant, and γ, β
 * constants that broadcast to the normalised dims (either may be absent: remove-identities drops
 * a γ of ones, PyTorch's initial value). The last node of the chain becomes the
 * LayerNormalization (keeping its name and output; γ = ones when the chain has no Mul), and the
 * intermediates no other node reads are dropped (eliminate-dead-code).
 */
import { attrInt, attrInts } from '../../runtime/kernels/kernel.js';
import { toNumbers, type Tensor } from '../../runtime/tensor/tensor.js';
import { broadcastDims } from '../../runtime/kernels/ref/broadcast.js';
import { consumersOf, type Graph, type Node } from '../ir/graph.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { freshValueName, near, producedBy, producersOf, withScalar } from './patterns.js';

/** The trailing axis the reduction starts at, when `node` reduces x's last axes keeping dims. */
function trailingAxis(graph: Graph, node: Node, rank: number): number | undefined {
  if (attrInt(node.attrs, 'keepdims', 1) !== 1) return undefined;
  const axesInput = node.inputs[1] ? graph.constants.get(node.inputs[1]) : undefined;
  if (node.inputs[1] && !axesInput) return undefined;
  const axes = (axesInput ? toNumbers(axesInput) : attrInts(node.attrs, 'axes', [])).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  if (axes.length === 0 || axes.some((a, i) => a !== rank - axes.length + i)) return undefined;
  return axes[0];
}

interface Normalisation {
  x: string;
  axis: number;
  epsilon: number;
}

/** What `div` normalises, when it is the Div of the decomposed form. */
function normalisation(graph: Graph, producers: Map<string, Node>, div: Node): Normalisation | undefined {
  if (div.op !== 'Div' || div.fused || div.inputs.length !== 2) return undefined;
  const [d, denominator] = div.inputs;
  const sub = producedBy(producers, d, 'Sub');
  const sqrt = producedBy(producers, denominator, 'Sqrt');
  const addEps = sqrt && producedBy(producers, sqrt.inputs[0], 'Add');
  const eps = addEps && withScalar(graph, addEps);
  const variance = eps && producedBy(producers, eps.other, 'ReduceMean');
  const squared = variance && producers.get(variance.inputs[0]);
  if (!sub || !eps || !variance || !squared || squared.fused) return undefined;
  const squares = (squared.op === 'Pow' && squared.inputs[0] === d && near(withScalar(graph, squared)?.scalar, 2))
    || (squared.op === 'Mul' && squared.inputs[0] === d && squared.inputs[1] === d);
  const [x, meanName] = sub.inputs;
  const mean = producedBy(producers, meanName, 'ReduceMean');
  if (!squares || !mean || mean.inputs[0] !== x) return undefined;
  const info = graph.values.get(x);
  if (!info || (info.dtype !== 'float32' && info.dtype !== 'float64')) return undefined;
  const axis = trailingAxis(graph, mean, info.dims.length);
  if (axis === undefined || trailingAxis(graph, variance, info.dims.length) !== axis || eps.scalar < 0) return undefined;
  return { x, axis, epsilon: eps.scalar };
}

/** The constant operand of a Mul/Add that `consumer` applies to `value`, when it broadcasts to the normalised dims. */
function affineOperand(graph: Graph, consumer: Node | undefined, op: string, value: string, normalised: readonly number[]): string | undefined {
  if (!consumer || consumer.op !== op || consumer.fused || consumer.inputs.length !== 2) return undefined;
  const other = consumer.inputs[0] === value ? consumer.inputs[1] : consumer.inputs[1] === value ? consumer.inputs[0] : undefined;
  const t = other === undefined ? undefined : graph.constants.get(other);
  if (!t || t.dims.length > normalised.length) return undefined;
  try {
    return broadcastDims(normalised, t.dims).join() === normalised.join() ? other : undefined;
  } catch {
    return undefined;
  }
}

function onesConstant(graph: Graph, name: string, dtype: 'float32' | 'float64', dims: number[]): string {
  const constName = freshValueName(graph, name);
  const count = dims.reduce((a, b) => a * b, 1);
  const t: Tensor = { dtype, dims, data: dtype === 'float32' ? new Float32Array(count).fill(1) : new Float64Array(count).fill(1) };
  graph.constants.set(constName, t);
  graph.values.set(constName, { dtype, dims });
  return constName;
}

export function fuseLayerNorm(graph: Graph): void {
  const producers = producersOf(graph);
  const consumers = consumersOf(graph);
  const soleConsumer = (value: string): Node | undefined => {
    const list = consumers.get(value) ?? [];
    return list.length === 1 && !graph.outputs.includes(value) ? list[0] : undefined;
  };
  const replaced = new Map<Node, Node>();
  for (const div of graph.nodes) {
    const found = normalisation(graph, producers, div);
    if (!found) continue;
    const info = graph.values.get(found.x)!;
    const normalised = info.dims.slice(found.axis);
    let last = div;
    const mul = soleConsumer(div.outputs[0]);
    const scale = affineOperand(graph, mul, 'Mul', div.outputs[0], normalised);
    if (scale) last = mul!;
    const add = soleConsumer(last.outputs[0]);
    const bias = affineOperand(graph, add, 'Add', last.outputs[0], normalised);
    if (bias) last = add!;
    const dtype = info.dtype as 'float32' | 'float64';
    const scaleName = scale ?? onesConstant(graph, `${div.name}/scale`, dtype, normalised);
    replaced.set(last, {
      name: last.name, op: 'LayerNormalization', inputs: bias ? [found.x, scaleName, bias] : [found.x, scaleName],
      outputs: [...last.outputs], attrs: { axis: found.axis, epsilon: found.epsilon },
    });
  }
  graph.nodes = graph.nodes.map((node) => replaced.get(node) ?? node);
  eliminateDeadCode(graph);
}
