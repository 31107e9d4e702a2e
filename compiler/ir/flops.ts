/**
 * Floating-point operation counts per operator, from input and output shapes: 2·MACs for Conv,
 * Gemm and MatMul, one per output element (per reduced element for pools and reductions)
 * elsewhere. Used by `nncc inspect` and, later, by the cost model.
 */
import type { Attributes } from '../../runtime/kernels/kernel.js';
import { sizeOf } from '../../runtime/tensor/tensor.js';
import type { Plan, PlanStep } from '../../runtime/plan/plan.js';

export interface OpShapes {
  op: string;
  attrs: Attributes;
  inputs: readonly (readonly number[] | undefined)[];
  outputs: readonly (readonly number[])[];
}

/** A plan step's shapes as `flopsOf` takes them (an omitted input undefined, an unread output left out). */
export function planStepShapes(plan: Plan, step: PlanStep): OpShapes {
  const dimsOf = (v: number): readonly number[] | undefined => (v < 0 ? undefined : plan.values[v].dims);
  return { op: step.op, attrs: step.attrs, inputs: step.inputs.map(dimsOf), outputs: step.outputs.filter((v) => v >= 0).map((v) => dimsOf(v)!) };
}

/** FLOPs of all a plan's steps. */
export function planFlops(plan: Plan): number {
  return plan.steps.reduce((sum, step) => sum + flopsOf(planStepShapes(plan, step)), 0);
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
