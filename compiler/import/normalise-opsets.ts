/**
 * Rewrites nodes of older opsets to the one form the kernels take. Where an operator moved an
 * attribute to an input over the versions (Clip min/max at 11, Slice at 10, Pad at 11, Split and
 * Squeeze/Unsqueeze at 13), the attribute becomes a constant input; Softmax before 13, which
 * flattened to 2-D, is marked with `coerce_2d`; Split without sizes gets `num_outputs`. Called by `import/onnx.ts` for every node.
 */
import type { AttributeValue, Attributes } from '../../runtime/kernels/kernel.js';
import { KernelError } from '../../runtime/errors/errors.js';
import { fromNumbers, type DType, type Tensor } from '../../runtime/tensor/tensor.js';

export interface NodeForm {
  op: string;
  inputs: string[];
  attrs: Attributes;
}

type AddConstant = (suffix: string, tensor: Tensor) => string;

interface AttributeToInput {
  attr: string;
  index: number;
  dtype: DType;
  /** Value used when the attribute is absent but a later input needs a placeholder; omit to leave the input out. */
  fallback?: number;
  scalar?: boolean;
}

/** For each op: the opset from which the input form applies, and the attributes it replaced. */
const movedToInputs: Record<string, { since: number; moves: AttributeToInput[] }> = {
  Clip: { since: 11, moves: [
    { attr: 'min', index: 1, dtype: 'float32', scalar: true },
    { attr: 'max', index: 2, dtype: 'float32', scalar: true },
  ] },
  Slice: { since: 10, moves: [
    { attr: 'starts', index: 1, dtype: 'int64' },
    { attr: 'ends', index: 2, dtype: 'int64' },
    { attr: 'axes', index: 3, dtype: 'int64' },
  ] },
  Pad: { since: 11, moves: [
    { attr: 'pads', index: 1, dtype: 'int64' },
    { attr: 'value', index: 2, dtype: 'float32', scalar: true },
  ] },
  Split: { since: 13, moves: [{ attr: 'split', index: 1, dtype: 'int64' }] },
  Squeeze: { since: 13, moves: [{ attr: 'axes', index: 1, dtype: 'int64' }] },
  Unsqueeze: { since: 13, moves: [{ attr: 'axes', index: 1, dtype: 'int64' }] },
};

export function normaliseNode(node: NodeForm, opset: number, addConstant: AddConstant, outputCount: number): NodeForm {
  const normalised = moveAttributesToInputs(node, opset, addConstant);
  if (normalised.op === 'Split' && (normalised.inputs[1] ?? '') === '' && normalised.attrs.num_outputs === undefined) {
    // Without sizes, Split divides equally among the node's outputs, which the kernel cannot see.
    return { ...normalised, attrs: { ...normalised.attrs, num_outputs: outputCount } };
  }
  return normalised;
}

function moveAttributesToInputs(node: NodeForm, opset: number, addConstant: AddConstant): NodeForm {
  if (node.op === 'Softmax' && opset < 13) {
    return { ...node, attrs: { axis: 1, ...node.attrs, coerce_2d: 1 } };
  }
  const rule = movedToInputs[node.op];
  if (!rule || opset >= rule.since) return node;
  const attrs: Record<string, AttributeValue> = { ...node.attrs };
  const inputs = [...node.inputs];
  for (const move of rule.moves) {
    const value = attrs[move.attr];
    delete attrs[move.attr];
    if (value === undefined) continue;
    const numbers = typeof value === 'number' ? [value] : (value as number[]);
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
      throw new KernelError(`attribute '${move.attr}' must be ${move.scalar ? 'a number' : 'a list of numbers'}`);
    }
    const dims = move.scalar ? [] : [numbers.length];
    while (inputs.length < move.index) inputs.push('');
    inputs[move.index] = addConstant(move.attr, fromNumbers(move.dtype, dims, numbers));
  }
  return { ...node, inputs, attrs };
}
