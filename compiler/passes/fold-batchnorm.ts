/**
 * Folds an inference BatchNormalization into the Conv before it: with s = scale / sqrt(var + eps),
 * W'[o] = W[o]·s[o] and B'[o] = (B[o] − mean[o])·s[o] + bias[o]. Applies when the Conv's weights
 * and the BatchNormalization's parameters are float32 constants and only the BatchNormalization
 * reads the Conv's output. New weight constants are made; shared ones are never changed.
 */
import { attrFloat } from '../../runtime/kernels/kernel.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { consumersOf, type Graph, type Node } from '../ir/graph.js';

export function foldBatchNorm(graph: Graph): void {
  const consumers = consumersOf(graph);
  const removed = new Set<Node>();
  for (const bn of graph.nodes) {
    if (bn.op !== 'BatchNormalization' || bn.outputs.filter((o) => o !== '').length !== 1) continue;
    const conv = graph.nodes.find((n) => n.outputs[0] === bn.inputs[0]);
    if (!conv || conv.op !== 'Conv' || conv.fused || graph.outputs.includes(conv.outputs[0])) continue;
    if ((consumers.get(conv.outputs[0]) ?? []).length !== 1) continue;
    const params = [conv.inputs[1], ...bn.inputs.slice(1, 5)].map((name) => graph.constants.get(name));
    const bias = conv.inputs[2] ? graph.constants.get(conv.inputs[2]) : undefined;
    if (params.some((t) => t?.dtype !== 'float32') || (conv.inputs[2] && bias?.dtype !== 'float32')) continue;
    const [weight, scale, beta, mean, variance] = params as Tensor[];
    if ([scale, beta, mean, variance].some((t) => t.data.length !== weight.dims[0])) continue;
    const folded = foldInto(weight, bias, scale, beta, mean, variance, attrFloat(bn.attrs, 'epsilon', 1e-5));
    const weightName = `${conv.name}/W_bn_folded`;
    const biasName = `${conv.name}/B_bn_folded`;
    graph.constants.set(weightName, folded.weight);
    graph.constants.set(biasName, folded.bias);
    graph.values.set(weightName, folded.weight);
    graph.values.set(biasName, folded.bias);
    conv.inputs = [conv.inputs[0], weightName, biasName];
    conv.outputs = [bn.outputs[0]];
    removed.add(bn);
  }
  graph.nodes = graph.nodes.filter((n) => !removed.has(n));
}

function foldInto(weight: Tensor, bias: Tensor | undefined, scale: Tensor, beta: Tensor, mean: Tensor,
  variance: Tensor, epsilon: number): { weight: Tensor; bias: Tensor } {
  const outChannels = weight.dims[0];
  const perChannel = weight.data.length / outChannels;
  const w = new Float32Array(weight.data as Float32Array);
  const b = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const s = (scale.data[o] as number) / Math.sqrt((variance.data[o] as number) + epsilon);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) w[i] *= s;
    const convBias = bias ? (bias.data[o] as number) : 0;
    b[o] = (convBias - (mean.data[o] as number)) * s + (beta.data[o] as number);
  }
  return { weight: { dtype: 'float32', dims: weight.dims, data: w }, bias: { dtype: 'float32', dims: [outChannels], data: b } };
}
