/**
 * A step to measure, as plain data a child process can rebuild: operator, attributes, and each
 * input's type and shape, with the values of small constants (Reshape's shape, Clip's bounds)
 * that decide what the kernel does. Everything else is filled with seeded random numbers.
 */
import type { Attributes } from '../../runtime/kernels/kernel.js';
import type { KernelVariant, StepShapes } from '../../runtime/kernels/variant.js';
import { allocData, sizeOf, type DType, type Tensor, type ValueInfo } from '../../runtime/tensor/tensor.js';
import { stepShapes } from '../select/select-kernels.js';
import { seededRandom } from '../random.js';
import type { Graph, Node } from '../ir/graph.js';

export interface InputSpec {
  dtype: DType;
  dims: number[];
  /** Values of small constant inputs (≤ 64 elements). */
  values?: number[];
  /** A constant weight (no layout), not an activation. */
  constant?: boolean;
}

export interface StepSpec {
  op: string;
  attrs: Attributes;
  inputs: (InputSpec | null)[];
  /** The outputs the step produces (an operator's optional outputs may be absent). */
  outputs: ValueInfo[];
}

const maxKeptValues = 64;

export function stepSpecOf(graph: Graph, node: Node): StepSpec {
  return {
    op: node.op,
    attrs: node.attrs,
    outputs: stepShapes(graph, node).outputs.map((o) => ({ dtype: o.dtype, dims: [...o.dims] })),
    inputs: node.inputs.map((name) => {
      if (name === '') return null;
      const constant = graph.constants.get(name);
      const info = constant ?? graph.values.get(name)!;
      const spec: InputSpec = { dtype: info.dtype, dims: [...info.dims], ...(constant ? { constant: true } : {}) };
      if (constant && constant.data.length <= maxKeptValues) spec.values = Array.from(constant.data, Number);
      return spec;
    }),
  };
}

/** The step's shapes with activations and outputs in `layout` (a variant's; default NCHW). */
export function shapesOfSpec(spec: StepSpec, layout: KernelVariant['layout'] = { input: 'NCHW', output: 'NCHW' }): StepShapes {
  const inLayout = layout.input === 'NCHW' ? {} : { layout: layout.input };
  const outLayout = layout.output === 'NCHW' ? {} : { layout: layout.output };
  return {
    attrs: spec.attrs,
    inputs: spec.inputs.map((i) => (i ? { dtype: i.dtype, dims: i.dims, ...(i.constant ? {} : inLayout) } : undefined)),
    outputs: spec.outputs.map((o) => ({ dtype: o.dtype, dims: o.dims, ...outLayout })),
  };
}

export function inputsOf(spec: StepSpec, seed = 1): (Tensor | undefined)[] {
  const random = seededRandom(seed);
  return spec.inputs.map((input) => {
    if (!input) return undefined;
    const data = allocData(input.dtype, sizeOf(input.dims));
    const bigint = input.dtype === 'int64' || input.dtype === 'uint64';
    for (let i = 0; i < data.length; i++) {
      const value = input.values ? input.values[i] : random() * 2 - 1;
      if (bigint) (data as BigInt64Array)[i] = BigInt(Math.trunc(value));
      else (data as Float32Array)[i] = value;
    }
    return { dtype: input.dtype, dims: input.dims, data };
  });
}
