/**
 * Static shape inference over the IR: walks the nodes in order, asks each operator's reference
 * kernel for its output types and shapes, and records them in `graph.values`. Where an output
 * shape depends on an input's value (Reshape, Slice and friends), that value must be known now:
 * a constant, or a small value computed from constants and static shapes along the way (the
 * Shape → Gather → Concat chains PyTorch exports), which `passes/fold-constants` later folds for
 * good. Also checks the graph is a DAG in order: every input is a graph input, a constant or an
 * earlier node's output.
 */
import { KernelError, UnsupportedError } from '../../runtime/errors/errors.js';
import type { InputInfo } from '../../runtime/kernels/kernel.js';
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import { sizeOf, type Tensor, type ValueInfo } from '../../runtime/tensor/tensor.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from './graph.js';

/** Largest tensor nncc will plan for (elements); bigger shapes are refused, not allocated. */
export const maxTensorElements = 2 ** 31 - 1;

/** Values computed during inference are kept only when this small (shape-like data). */
const maxPropagatedElements = 4096;

export function inferShapes(graph: Graph): void {
  const known = new Map<string, ValueInfo>();
  const knownValues = new Map<string, Tensor>(graph.constants);
  for (const input of graph.inputs) {
    // An input no node reads is never checked below, yet it is planned and fed.
    if (!validShape(input.dims)) {
      throw new CompileError(codes.invalidNode, `input '${input.name}' has shape [${input.dims.join(',')}], invalid or too large`, {},
        `tensors are limited to ${maxTensorElements} elements`);
    }
    known.set(input.name, input);
  }
  for (const [name, tensor] of graph.constants) known.set(name, tensor);
  for (const node of graph.nodes) {
    const infos = inferNode(node, known, knownValues);
    propagateValues(node, infos, known, knownValues);
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      if (known.has(name)) {
        throw new CompileError(codes.graphStructure, `value '${name}' is produced twice`, { node: node.name, op: node.op },
          'every value must have exactly one producer (a graph input, an initializer or one node output)');
      }
      known.set(name, infos[i]);
    });
  }
  for (const name of graph.outputs) {
    if (!known.has(name)) {
      throw new CompileError(codes.graphStructure, `graph output '${name}' is not produced by any node`, {},
        'check the model\'s graph.output names');
    }
  }
  graph.values = known;
}

/** Computes a node's outputs now when its inputs are known values (or, for Shape, known shapes). */
function propagateValues(node: Node, infos: ValueInfo[], known: Map<string, ValueInfo>, knownValues: Map<string, Tensor>): void {
  if (node.fused || infos.some((info) => sizeOf(info.dims) > maxPropagatedElements)) return;
  const kernel = referenceKernel(node.op)!;
  let inputs: (Tensor | undefined)[];
  if (node.op === 'Shape') {
    const info = known.get(node.inputs[0])!;
    inputs = [{ dtype: info.dtype, dims: info.dims, data: new Float32Array(0) }];
  } else {
    inputs = node.inputs.map((name) => (name === '' ? undefined : knownValues.get(name)));
    if (inputs.some((t, i) => t === undefined && node.inputs[i] !== '')) return;
  }
  const outputs = asDiagnostic(node, () => kernel.run(inputs, node.attrs));
  node.outputs.forEach((name, i) => { if (name !== '') knownValues.set(name, outputs[i]); });
}

function inferNode(node: Node, known: Map<string, ValueInfo>, knownValues: Map<string, Tensor>): ValueInfo[] {
  const where = { node: node.name, op: node.op };
  const kernel = referenceKernel(node.op);
  if (!kernel) throw new CompileError(codes.unsupportedOperator, `operator '${node.op}' is not supported`, where);
  const inputs: (InputInfo | undefined)[] = node.inputs.map((name) => {
    if (name === '') return undefined;
    const info = known.get(name);
    if (!info) {
      throw new CompileError(codes.graphStructure, `input '${name}' is not produced by any earlier node`, where,
        'the graph has a cycle, is not in topological order, or reads a value that does not exist');
    }
    const value = knownValues.get(name);
    return value ? { dtype: value.dtype, dims: value.dims, value } : info;
  });
  const outputs = asDiagnostic(node, () => kernel.infer(inputs, node.attrs));
  if (outputs.length < node.outputs.filter((n) => n !== '').length) {
    throw new CompileError(codes.invalidNode, `the node asks for ${node.outputs.length} outputs; nncc computes ${outputs.length}`, where,
      'optional outputs such as training statistics are not supported');
  }
  for (const out of outputs) {
    if (!validShape(out.dims)) {
      throw new CompileError(codes.invalidNode, `output shape [${out.dims.join(',')}] is invalid or too large`, where,
        `tensors are limited to ${maxTensorElements} elements`);
    }
  }
  return outputs;
}

function validShape(dims: readonly number[]): boolean {
  return dims.every((d) => Number.isSafeInteger(d) && d >= 0) && sizeOf(dims) <= maxTensorElements;
}

/** Runs `work`, turning a kernel's complaint into a coded diagnostic naming the node. */
export function asDiagnostic<T>(node: Node, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof KernelError) {
      const code = error instanceof UnsupportedError ? codes.unsupportedFeature : codes.invalidNode;
      throw new CompileError(code, error.message, { node: node.name, op: node.op }, error.hint);
    }
    throw error;
  }
}
