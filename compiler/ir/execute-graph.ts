/**
 * The reference executor for a graph: lowers it to a plan in memory and runs the runtime's
 * executor on it with the reference kernels, exactly as a bundle would run. Used to check that
 * every pass keeps a graph's outputs, and by the conformance runner.
 */
import { constantViews, executePlan, prepareSteps } from '../../runtime/execute/executor.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { lowerGraph } from '../lower/lower.js';
import type { Graph } from './graph.js';

/** Runs `graph` on `feeds` (by input name); returns outputs by name. */
export function executeGraph(graph: Graph, feeds: Record<string, Tensor>): Record<string, Tensor> {
  const { plan, weights } = lowerGraph(graph);
  const steps = prepareSteps(plan, '(in memory)');
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const inputs = graph.inputs.map((input) => {
    const feed = feeds[input.name];
    if (!feed) throw new Error(`executeGraph: no feed for input '${input.name}'`);
    return feed;
  });
  const results = executePlan(plan, steps, constantViews(plan, buffer), inputs);
  return Object.fromEntries(graph.outputs.map((name, i) => [name, results[i]]));
}
