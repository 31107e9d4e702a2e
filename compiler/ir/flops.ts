/**
 * Floating-point operation counts per operator, from input and output shapes: 2·MACs for Conv,
 * Gemm and MatMul, one per output element (per reduced element for pools and reductions)
 * elsewhere. Used by `nncc inspect` and, later, by the cost model.
 */
import type { Attributes } from '../../runtime/kernels/kernel.js';
import { sizeOf } from '../../runtime/tensor/tensor.js';

export interface OpShapes {
  op: string;
  attrs: Attributes;
  inputs: readonly (readonly number[] | undefined)[];
  outputs: readonly (readonly number[])[];
}

export function flopsOf({ op, attrs, inputs, outputs }: OpShapes): number {
  const out = outputs[0] ? sizeOf(outputs[0]) : 0;
  const input0 = inputs[0] ? sizeOf(inputs[0]) : 0;
  switch (op) {
    case 'Conv': {
      const w = inputs[1]!;
      return 2 * out * sizeOf(w.slice(1));
    }
    case 'Gemm': {
      const a = inputs[0]!;
      const k = attrs.transA ? a[0] : a[1];
      return 2 * out * k;
    }
    case 'MatMul': {
      const a = inputs[0]!;
      return 2 * out * a[a.length - 1];
    }
    case 'MaxPool': case 'AveragePool': {
      const kernel = (attrs.kernel_shape as number[] | undefined) ?? [];
      return out * sizeOf(kernel);
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool': case 'ReduceMean': case 'Softmax': case 'LRN':
      return input0 * (op === 'LRN' ? ((attrs.size as number) ?? 1) : 1);
    default:
      return out;
  }
}
