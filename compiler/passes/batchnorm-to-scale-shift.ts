/**
 * Rewrites an inference BatchNormalization that fold-batchnorm could not fold into a Conv (its
 * input is not a Conv's: DenseNet's BatchNormalization after a Concat, a pre-activation block)
 * into a per-channel scale and shift, `Add(Mul(x, s), t)` with s = scale / sqrt(var + eps) and
 * t = B − mean·s as constants of shape [C, 1, …, 1]: two elementwise steps the wasm kernels run
 * (and fuse-activations may then fold a following Relu into the Add), instead of the reference
 * kernel in JavaScript. Applies to float32 inputs of rank ≥ 2 with float32 constant parameters.
 */
import { attrFloat } from '../../runtime/kernels/kernel.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import type { Graph, Node } from '../ir/graph.js';
import { freshValueName } from './patterns.js';

export function batchNormToScaleShift(graph: Graph): void {
  const nodeNames = new Set(graph.nodes.map((n) => n.name));
  graph.nodes = graph.nodes.flatMap((bn): Node[] => {
    if (bn.op !== 'BatchNormalization' || bn.outputs.filter((o) => o !== '').length !== 1 || bn.outputs[0] === '') return [bn];
    const x = graph.values.get(bn.inputs[0]);
    const params = bn.inputs.slice(1, 5).map((name) => graph.constants.get(name));
    if (!x || x.dtype !== 'float32' || x.dims.length < 2) return [bn];
    const channels = x.dims[1];
    if (params.some((t) => t?.dtype !== 'float32' || t.data.length !== channels)) return [bn];
    const [scale, beta, mean, variance] = params as Tensor[];
    const epsilon = attrFloat(bn.attrs, 'epsilon', 1e-5);
    const s = new Float32Array(channels);
    const t = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      s[c] = (scale.data[c] as number) / Math.sqrt((variance.data[c] as number) + epsilon);
      t[c] = (beta.data[c] as number) - (mean.data[c] as number) * s[c];
    }
    const dims = [channels, ...new Array<number>(x.dims.length - 2).fill(1)];
    const scaleName = freshValueName(graph, `${bn.name}/scale`);
    graph.constants.set(scaleName, { dtype: 'float32', dims, data: s });
    graph.values.set(scaleName, { dtype: 'float32', dims });
    const shiftName = freshValueName(graph, `${bn.name}/shift`);
    graph.constants.set(shiftName, { dtype: 'float32', dims, data: t });
    graph.values.set(shiftName, { dtype: 'float32', dims });
    const scaled = freshValueName(graph, `${bn.name}/scaled`);
    graph.values.set(scaled, { dtype: 'float32', dims: [...x.dims] });
    let mulName = `${bn.name}/Mul`;
    for (let i = 1; nodeNames.has(mulName); i++) mulName = `${bn.name}/Mul_${i}`;
    nodeNames.add(mulName);
    return [
      { name: mulName, op: 'Mul', inputs: [bn.inputs[0], scaleName], outputs: [scaled], attrs: {} },
      { name: bn.name, op: 'Add', inputs: [scaled, shiftName], outputs: [bn.outputs[0]], attrs: {} },
    ];
  });
}
