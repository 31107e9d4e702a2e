/**
 * Fuses an activation into the node that produces its input, so that one step computes both
 * (later, inside the conv/gemm kernel's epilogue). Applies when only the activation reads the
 * producer's output, that output is not a graph output, and the activation's extra inputs
 * (Clip's min and max) are constants.
 */
import { consumersOf, type Graph, type Node } from '../ir/graph.js';
import { producersOf } from './patterns.js';

export const fusableActivations: ReadonlySet<string> = new Set([
  'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Silu', 'Gelu',
]);
export const fusingProducers: ReadonlySet<string> = new Set(['Conv', 'Gemm', 'MatMul', 'Add']);

export function fuseActivations(graph: Graph): void {
  const consumers = consumersOf(graph);
  const producerOf = producersOf(graph);
  const removed = new Set<Node>();
  for (const activation of graph.nodes) {
    if (!fusableActivations.has(activation.op)) continue;
    const producer = producerOf.get(activation.inputs[0]);
    if (!producer || !fusingProducers.has(producer.op) || producer.fused || producer.outputs.length !== 1) continue;
    if (graph.outputs.includes(producer.outputs[0])) continue;
    if ((consumers.get(producer.outputs[0]) ?? []).length !== 1) continue;
    const extraInputs = activation.inputs.slice(1);
    if (extraInputs.some((name) => name !== '' && !graph.constants.has(name))) continue;
    producer.fused = { op: activation.op, attrs: activation.attrs, inputs: extraInputs };
    producer.outputs = [activation.outputs[0]];
    removed.add(activation);
  }
  graph.nodes = graph.nodes.filter((n) => !removed.has(n));
}
