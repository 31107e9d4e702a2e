/**
 * Structural checks of a decoded plan against the manifest, cheap enough for every load: value
 * indices in range, constant segments inside the weights file and of the size their dtype and
 * dims need, inputs and outputs as the manifest declares. A plan that passes cannot make the
 * executor read outside a constant's bytes.
 */
import { BundleError, runtimeCodes } from '../errors/errors.js';
import { planFormatVersion, segmentAlignment, type Plan } from '../plan/plan.js';
import { bytesPerElement, sizeOf } from '../tensor/tensor.js';
import type { Manifest, TensorSpec } from './manifest.js';

export function checkPlan(plan: Plan, manifest: Manifest, file: string): void {
  const fail = (detail: string, expected?: string, actual?: string): never => {
    throw new BundleError(runtimeCodes.planInvalid, file, detail, expected, actual);
  };
  if (typeof plan !== 'object' || plan === null) fail('not a plan object');
  if (plan.format !== planFormatVersion) fail('plan format differs', String(planFormatVersion), String(plan.format));
  for (const key of ['values', 'inputs', 'outputs', 'steps', 'segments'] as const) {
    if (!Array.isArray(plan[key])) fail(`'${key}' must be a list`);
  }
  const valueCount = plan.values.length;
  const isIndex = (v: unknown, allowOmitted: boolean): boolean =>
    Number.isInteger(v) && (v as number) < valueCount && ((v as number) >= 0 || (allowOmitted && v === -1));
  plan.values.forEach((value, i) => {
    if (!Array.isArray(value.dims) || value.dims.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`value ${i} has invalid dims`);
    if (value.kind !== 'constant') return;
    const segment = plan.segments[value.segment ?? -1];
    if (!segment) return fail(`constant '${value.name}' names no segment`);
    const bytes = sizeOf(value.dims) * bytesPerElement(value.dtype);
    if (segment.bytes !== bytes || segment.offset % segmentAlignment !== 0 || segment.offset + segment.bytes > plan.weightsBytes) {
      fail(`segment of constant '${value.name}' does not fit`, `${bytes} bytes inside ${plan.weightsBytes}`, `${segment.bytes} bytes at ${segment.offset}`);
    }
  });
  for (const step of plan.steps) {
    const indices = [...step.inputs, ...step.outputs, ...(step.fused?.inputs ?? [])];
    if (!indices.every((v) => isIndex(v, true))) fail(`step '${step.node}' names a value that does not exist`);
  }
  if (!plan.inputs.every((v) => isIndex(v, false)) || !plan.outputs.every((v) => isIndex(v, false))) fail('inputs or outputs name values that do not exist');
  checkSpecs(plan, plan.inputs, manifest.inputs, 'inputs', fail);
  checkSpecs(plan, plan.outputs, manifest.outputs, 'outputs', fail);
}

function checkSpecs(plan: Plan, indices: readonly number[], specs: readonly TensorSpec[], what: string,
  fail: (detail: string, expected?: string, actual?: string) => never): void {
  const actual = indices.map((v) => `${plan.values[v].name}:${plan.values[v].dtype}[${plan.values[v].dims.join(',')}]`).join(' ');
  const expected = specs.map((s) => `${s.name}:${s.dtype}[${s.dims.join(',')}]`).join(' ');
  if (actual !== expected) fail(`${what} differ from the manifest`, expected, actual);
}
