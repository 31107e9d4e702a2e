/**
 * Operator signatures: the part of a step that decides its cost (operator, shapes, cost-relevant
 * attributes), as a stable string key for the profile, plus the features the cost model uses
 * (FLOPs, activation bytes, weight bytes).
 */
import type { StepShapes } from '../../runtime/kernels/variant.js';
import { bytesPerElement, sizeOf, type ValueInfo } from '../../runtime/tensor/tensor.js';
import { flopsOf } from '../ir/flops.js';

/** Inputs that are weights (constant parameters) per op; the rest are activations. */
const weightInputs: Record<string, readonly number[]> = {
  Conv: [1, 2], Gemm: [1, 2], MatMul: [1], BatchNormalization: [1, 2, 3, 4],
};

/** Whether input `index` of `op` is a weight (a constant parameter) rather than an activation. */
export function isWeightInput(op: string, index: number): boolean {
  return weightInputs[op]?.includes(index) ?? false;
}

export interface CostFeatures {
  flops: number;
  activationBytes: number;
  weightBytes: number;
}

const bytesOf = (info: ValueInfo | undefined): number => (info ? sizeOf(info.dims) * bytesPerElement(info.dtype) : 0);

export function signatureOf(op: string, shapes: StepShapes): string {
  const dims = shapes.inputs.map((i) => (i ? i.dims.join('x') : '-')).join('|');
  const attrs = Object.keys(shapes.attrs).sort()
    .map((k) => {
      const v = shapes.attrs[k];
      return `${k}=${Array.isArray(v) ? v.join('x') : typeof v === 'object' ? 'tensor' : String(v)}`;
    })
    .join(' ');
  return `${op}|${dims}|${attrs}`;
}

export function featuresOf(op: string, shapes: StepShapes): CostFeatures {
  const weights = new Set(weightInputs[op] ?? []);
  let activationBytes = shapes.outputs.reduce((sum, o) => sum + bytesOf(o), 0);
  let weightBytes = 0;
  shapes.inputs.forEach((info, i) => {
    if (weights.has(i)) weightBytes += bytesOf(info);
    else activationBytes += bytesOf(info);
  });
  const flops = flopsOf({ op, attrs: shapes.attrs, inputs: shapes.inputs.map((i) => i?.dims), outputs: shapes.outputs.map((o) => o.dims) });
  return { flops, activationBytes, weightBytes };
}
