/**
 * The canonical `schedule.json`: the plan as reviewers read it. Keys in a fixed order, one step
 * per line, value names instead of indices, so that a change to a model or a profile shows as a
 * small, readable `git diff`. Deterministic: the same plan gives the same bytes.
 */
import type { Plan, PlanStep } from '../../runtime/plan/plan.js';

export const scheduleFormatVersion = 1;

export interface ScheduleHeader {
  model: string;
  modelSha256: string;
  kernelAbi: string;
  /** Device profile the plan was searched for, and its predicted cold latency (null without). */
  profile: string | null;
  predictedColdMs: number | null;
}

/** `stepMs`: each step's predicted first execution (ms), when compiled for a profile. */
export function renderSchedule(plan: Plan, header: ScheduleHeader, stepMs?: readonly number[]): string {
  const nameOf = (v: number): string => (v < 0 ? '' : plan.values[v].name);
  const stepLines = plan.steps.map((step, i) => `    ${renderStep(step, i, plan, nameOf, stepMs?.[i])}`);
  return [
    '{',
    `  "format": ${scheduleFormatVersion},`,
    `  "model": ${JSON.stringify(header.model)},`,
    `  "modelSha256": ${JSON.stringify(header.modelSha256)},`,
    `  "kernelAbi": ${JSON.stringify(header.kernelAbi)},`,
    `  "profile": ${JSON.stringify(header.profile)},`,
    `  "predictedColdMs": ${header.predictedColdMs === null ? 'null' : round(header.predictedColdMs)},`,
    `  "inputs": ${JSON.stringify(plan.inputs.map(nameOf))},`,
    `  "outputs": ${JSON.stringify(plan.outputs.map(nameOf))},`,
    `  "weightsBytes": ${plan.weightsBytes},`,
    '  "steps": [',
    stepLines.join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** Three decimals: enough for review, stable across platforms' float printing. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function renderStep(step: PlanStep, index: number, plan: Plan, nameOf: (v: number) => string, predictedMs: number | undefined): string {
  const weights = step.inputs.filter((v) => v >= 0 && (plan.values[v].kind === 'constant' || plan.values[v].kind === 'packed'));
  const weightBytes = weights.reduce((sum, v) => sum + plan.values[v].bytes, 0);
  const transformedAtLoad = plan.transforms.some((t) => t.step === index);
  const packedStored = weights.some((v) => plan.values[v].kind === 'constant' && plan.values[v].packedFor !== undefined);
  const fields: [string, unknown][] = [
    ['step', index],
    ['node', step.node],
    ['op', step.op],
    ['kernel', step.kernel],
    ['warmKernel', step.warm?.kernel ?? null],
    ['warmPreparer', step.warm?.preparer ?? null],
    ['fused', step.fused?.op ?? null],
    ['lanes', step.lanes],
    ['loader', step.loader],
    ['weights', step.tableRows ? 'rows' : transformedAtLoad ? 'transform-at-load' : packedStored ? 'stored-transformed' : weights.length ? 'raw' : 'none'],
    ['weightBytes', weightBytes],
    ['predictedMs', predictedMs === undefined ? null : round(predictedMs)],
    ['inputs', step.inputs.map(nameOf)],
    ['outputs', step.outputs.map(nameOf)],
  ];
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
}
