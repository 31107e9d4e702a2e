/**
 * The reference executor for a graph: lowers it to a plan in memory and runs the runtime's
 * executor on it, exactly as a bundle would run (with the reference kernels by default, or with
 * the fast variants to check them). Used to check that every pass keeps a graph's outputs, and
 * by the conformance runner.
 */
import { createMemory, executePlan, prepareSteps, prepareTransforms, runTransforms } from '../../runtime/execute/executor.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { lowerGraph } from './lower.js';
import { selectKernels, type KernelStrategy } from '../select/select-kernels.js';
import type { Graph } from '../ir/graph.js';
import { CompileError, codes } from '../diagnostics.js';

/** Runs `graph` on `feeds` (by input name) with the `kernels` variants; returns outputs by name. */
export function executeGraph(graph: Graph, feeds: Record<string, Tensor>, kernels: KernelStrategy = 'reference'): Record<string, Tensor> {
  const { plan, weights } = lowerGraph(graph, selectKernels(graph, kernels));
  const memory = createMemory(plan);
  new Uint8Array(memory.buffer, plan.weightsOffset, weights.length).set(weights);
  runTransforms(memory, prepareTransforms(plan, '(in memory)'));
  const inputs = graph.inputs.map((input) => {
    const feed = feeds[input.name];
    if (!feed) throw new CompileError(codes.badInputFile, `no feed for input '${input.name}'`, {}, 'give every graph input a tensor');
    return feed;
  });
  const results = executePlan(plan, memory, prepareSteps(plan, '(in memory)'), inputs);
  return Object.fromEntries(graph.outputs.map((name, i) => [name, results[i]]));
}
