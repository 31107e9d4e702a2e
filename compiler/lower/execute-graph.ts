/**
 * The reference executor for a graph: lowers it to a plan in memory and runs the runtime's
 * executor on it, exactly as a bundle would run (with the reference kernels by default, or with
 * the fast variants to check them). Used to check that every pass keeps a graph's outputs, and
 * by the conformance runner.
 */
import { createMemory, executePlan, prepareSteps, prepareTransforms, runTransforms } from '../../runtime/execute/executor.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { lowerGraph, type LowerOptions } from './lower.js';
import type { Graph } from '../ir/graph.js';

/** Runs `graph` on `feeds` (by input name); returns outputs by name. */
export function executeGraph(graph: Graph, feeds: Record<string, Tensor>, options: LowerOptions = { kernels: 'reference' }): Record<string, Tensor> {
  const { plan, weights } = lowerGraph(graph, options);
  const memory = createMemory(plan);
  new Uint8Array(memory.buffer, plan.weightsOffset, weights.length).set(weights);
  runTransforms(memory, prepareTransforms(plan, '(in memory)'));
  const inputs = graph.inputs.map((input) => {
    const feed = feeds[input.name];
    if (!feed) throw new Error(`executeGraph: no feed for input '${input.name}'`);
    return feed;
  });
  const results = executePlan(plan, memory, prepareSteps(plan, '(in memory)'), inputs);
  return Object.fromEntries(graph.outputs.map((name, i) => [name, results[i]]));
}
