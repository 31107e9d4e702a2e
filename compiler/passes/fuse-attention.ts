/**
 * Fuses attention as exporters write it into one ScaledDotProductAttention node:
 *
 *   S = MatMul(Q [÷ or · c₁], Kᵀ)   [S ÷ or · c₂]   [S + mask]   P = Softmax(S, last axis)   Y = MatMul(P, V)
 *
 * with c₁, c₂ scalar constants folded into one `scale`, a mask of any value (constant or computed)
 * that broadcasts to the scores without widening them, and every intermediate read by the next
 * node alone. Q, Kᵀ and V must share their batch dims (what the wasm kernel serves). The last
 * MatMul becomes the fused node (keeping its name and output); the intermediates are dropped.
 * The scores never leave the kernel's scratch: one step instead of up to six.
 */
import { broadcastDims } from '../../runtime/kernels/ref/broadcast.js';
import { attrInt } from '../../runtime/kernels/kernel.js';
import { consumersOf, type Graph, type Node } from '../ir/graph.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { producedBy, producersOf, withScalar } from './patterns.js';

interface Attention {
  q: string;
  kt: string;
  mask?: string;
  scale: number;
}

export function fuseAttention(graph: Graph): void {
  const producers = producersOf(graph);
  const consumers = consumersOf(graph);
  /** The node producing `value`, when `value` is read by one node only and is not a graph output. */
  const soleProducer = (value: string, op: string): Node | undefined =>
    ((consumers.get(value) ?? []).length === 1 && !graph.outputs.includes(value) ? producedBy(producers, value, op) : undefined);
  /** `value` divided or multiplied by a scalar constant: what it scales and the factor. */
  const scaled = (value: string): { of: string; factor: number } | undefined => {
    const node = soleProducer(value, 'Div') ?? soleProducer(value, 'Mul');
    const operand = node && withScalar(graph, node);
    if (!node || !operand || operand.scalar === 0 || (node.op === 'Div' && operand.other !== node.inputs[0])) return undefined;
    return { of: operand.other, factor: node.op === 'Div' ? 1 / operand.scalar : operand.scalar };
  };

  const attentionOf = (softmaxInput: string): Attention | undefined => {
    let scores = softmaxInput;
    let mask: string | undefined;
    const add = soleProducer(scores, 'Add');
    if (add && add.inputs.length === 2) {
      // The mask is the operand that is not the scores' chain: try each.
      for (const [s, m] of [[add.inputs[0], add.inputs[1]], [add.inputs[1], add.inputs[0]]]) {
        if (soleProducer(s, 'MatMul') || scaled(s)) {
          scores = s;
          mask = m;
          break;
        }
      }
      if (mask === undefined) return undefined;
    }
    let scale = 1;
    const outer = scaled(scores);
    if (outer) {
      scale *= outer.factor;
      scores = outer.of;
    }
    const product = soleProducer(scores, 'MatMul');
    if (!product) return undefined;
    let [q, kt] = product.inputs;
    const inner = scaled(q);
    if (inner) {
      scale *= inner.factor;
      q = inner.of;
    }
    return { q, kt, mask, scale };
  };

  const fits = (a: Attention, v: string, scoresName: string): boolean => {
    const [q, kt, vInfo, scores] = [a.q, a.kt, v, scoresName].map((name) => graph.values.get(name));
    if (!q || !kt || !vInfo || !scores || [q, kt, vInfo].some((t) => t.dtype !== 'float32' || t.dims.length < 2)) return false;
    const batch = q.dims.slice(0, -2).join();
    if (kt.dims.slice(0, -2).join() !== batch || vInfo.dims.slice(0, -2).join() !== batch || kt.dims.length !== q.dims.length) return false;
    if (!a.mask) return true;
    const mask = graph.values.get(a.mask);
    if (!mask || mask.dtype !== 'float32' || mask.dims.length > scores.dims.length) return false;
    try {
      return broadcastDims(scores.dims, mask.dims).join() === scores.dims.join();
    } catch {
      return false;
    }
  };

  graph.nodes = graph.nodes.map((matmul) => {
    if (matmul.op !== 'MatMul' || matmul.fused || matmul.inputs.length !== 2) return matmul;
    const [probabilities, v] = matmul.inputs;
    const softmax = soleProducer(probabilities, 'Softmax');
    const info = softmax && graph.values.get(softmax.inputs[0]);
    if (!softmax || !info || attrInt(softmax.attrs, 'coerce_2d', 0) !== 0) return matmul;
    const axis = attrInt(softmax.attrs, 'axis', -1);
    if (axis !== -1 && axis !== info.dims.length - 1) return matmul;
    const attention = attentionOf(softmax.inputs[0]);
    if (!attention || !fits(attention, v, softmax.inputs[0])) return matmul;
    return {
      name: matmul.name, op: 'ScaledDotProductAttention', inputs: [attention.q, attention.kt, v, ...(attention.mask ? [attention.mask] : [])],
      outputs: [...matmul.outputs], attrs: { scale: attention.scale },
    };
  });
  eliminateDeadCode(graph);
}
