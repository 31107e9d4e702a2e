/**
 * The semantic diff behind `nncc diff`: takes two plans as `read-review-input.ts` reads them
 * (schedule, plus manifest for a bundle) and gives a `BundleDiff` for `render-diff.ts` — steps
 * matched by node name with what changed in each, added and removed steps, totals with deltas,
 * and whether the model, the profile, the kernel ABI or the kernels tiered up at load changed.
 * Pure: no files, no output.
 */
import type { ReviewInput, ScheduleStep } from './read-review-input.js';

/** The per-step decisions a reviewer looks at, in display order. */
export const reviewedStepFields = ['op', 'kernel', 'warmKernel', 'weights', 'lanes', 'loader', 'fused', 'weightBytes', 'predictedMs'] as const;
export type ReviewedStepField = (typeof reviewedStepFields)[number];

export interface FieldChange {
  field: ReviewedStepField;
  before: string | number | null;
  after: string | number | null;
}

export interface StepDiff {
  status: 'changed' | 'added' | 'removed';
  node: string;
  op: string;
  before: ScheduleStep | null;
  after: ScheduleStep | null;
  /** For `changed`: the fields that differ, in `reviewedStepFields` order. */
  changes: FieldChange[];
}

export interface TotalDelta {
  before: number | null;
  after: number | null;
  /** after − before, or null when either side does not say. */
  delta: number | null;
}

export interface IdentityChange<T> {
  changed: boolean;
  before: T;
  after: T;
}

export interface BundleDiff {
  before: string;
  after: string;
  identical: boolean;
  model: IdentityChange<{ name: string; sha256: string }>;
  /** sha256 is known only for a bundle; a profile counts as changed by name, or by sha256 when both sides know it. */
  profile: IdentityChange<{ name: string; sha256: string | null } | null>;
  kernelAbi: IdentityChange<string>;
  /** Per kernel build, the functions load optimizes eagerly (manifest `tierUpFunctions`); null for a schedule.json, which does not say. Compared only when both sides say. */
  tierUp: IdentityChange<Record<string, number[]> | null>;
  totals: {
    /** Bundle files (manifest's list) when both sides are bundles, else weights.bin. */
    bytesBasis: 'bundle-files' | 'weights';
    bytes: TotalDelta;
    predictedColdMs: TotalDelta;
    /** Only bundles know the predicted warm latency. */
    predictedWarmMs: TotalDelta;
    steps: TotalDelta;
  };
  /** Changed, added and removed steps: changed and added in the after plan's order, then removed in the before plan's. */
  steps: StepDiff[];
  unchangedSteps: number;
}

export function diffBundles(before: ReviewInput, after: ReviewInput): BundleDiff {
  const steps = diffSteps(before.schedule.steps, after.schedule.steps);
  const diff: Omit<BundleDiff, 'identical'> = {
    before: before.path,
    after: after.path,
    model: identityChange(modelOf(before), modelOf(after), (a, b) => a.sha256 === b.sha256 && a.name === b.name),
    profile: identityChange(profileOf(before), profileOf(after), sameProfile),
    kernelAbi: identityChange(before.schedule.kernelAbi, after.schedule.kernelAbi, (a, b) => a === b),
    tierUp: identityChange(before.manifest?.tierUp ?? null, after.manifest?.tierUp ?? null,
      (a, b) => a === null || b === null || JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())),
    totals: totalsOf(before, after),
    steps: steps.diffs,
    unchangedSteps: steps.unchanged,
  };
  const { bytes, predictedColdMs, predictedWarmMs, steps: stepCount } = diff.totals;
  const totalsEqual = [bytes, predictedColdMs, predictedWarmMs, stepCount].every((t) => t.before === t.after);
  const identical = !diff.model.changed && !diff.profile.changed && !diff.kernelAbi.changed && !diff.tierUp.changed && diff.steps.length === 0 && totalsEqual;
  return { ...diff, identical };
}

/** Node names are unique in an imported graph; a repeated name (a hand-edited schedule) matches by occurrence. */
function keyedByNode(steps: readonly ScheduleStep[]): Map<string, ScheduleStep> {
  const seen = new Map<string, number>();
  const keyed = new Map<string, ScheduleStep>();
  for (const step of steps) {
    const occurrence = seen.get(step.node) ?? 0;
    seen.set(step.node, occurrence + 1);
    keyed.set(occurrence === 0 ? step.node : `${step.node}#${occurrence}`, step);
  }
  return keyed;
}

function diffSteps(beforeSteps: readonly ScheduleStep[], afterSteps: readonly ScheduleStep[]): { diffs: StepDiff[]; unchanged: number } {
  const beforeByNode = keyedByNode(beforeSteps);
  const afterByNode = keyedByNode(afterSteps);
  const diffs: StepDiff[] = [];
  let unchanged = 0;
  for (const [key, after] of afterByNode) {
    const before = beforeByNode.get(key);
    if (!before) {
      diffs.push({ status: 'added', node: after.node, op: after.op, before: null, after, changes: [] });
      continue;
    }
    const changes = reviewedStepFields
      .filter((field) => reviewedValue(before, field) !== reviewedValue(after, field))
      .map((field) => ({ field, before: reviewedValue(before, field), after: reviewedValue(after, field) }));
    if (changes.length === 0) unchanged++;
    else diffs.push({ status: 'changed', node: after.node, op: after.op, before, after, changes });
  }
  for (const [key, before] of beforeByNode) {
    if (!afterByNode.has(key)) diffs.push({ status: 'removed', node: before.node, op: before.op, before, after: null, changes: [] });
  }
  return { diffs, unchanged };
}

/** A field a schedule may lack (written before the field existed) reads as null. */
export function reviewedValue(step: ScheduleStep, field: ReviewedStepField): string | number | null {
  return step[field] ?? null;
}

function identityChange<T>(before: T, after: T, same: (a: T, b: T) => boolean): IdentityChange<T> {
  return { changed: !same(before, after), before, after };
}

function modelOf(input: ReviewInput): { name: string; sha256: string } {
  return { name: input.schedule.model, sha256: input.schedule.modelSha256 };
}

function profileOf(input: ReviewInput): { name: string; sha256: string | null } | null {
  if (input.manifest) return input.manifest.profile;
  return input.schedule.profile === null ? null : { name: input.schedule.profile, sha256: null };
}

function sameProfile(a: { name: string; sha256: string | null } | null, b: { name: string; sha256: string | null } | null): boolean {
  if (a === null || b === null) return a === b;
  return a.name === b.name && (a.sha256 === null || b.sha256 === null || a.sha256 === b.sha256);
}

function delta(before: number | null, after: number | null): TotalDelta {
  return { before, after, delta: before === null || after === null ? null : after - before };
}

/** Manifests are used only when both sides have one, so both totals are measured the same way. */
function totalsOf(before: ReviewInput, after: ReviewInput): BundleDiff['totals'] {
  const bundles = before.manifest !== null && after.manifest !== null;
  const bytes = (input: ReviewInput): number => (bundles ? input.manifest!.files.reduce((sum, f) => sum + f.bytes, 0) : input.schedule.weightsBytes);
  const coldMs = (input: ReviewInput): number | null => (bundles ? input.manifest!.predicted?.coldMs ?? null : input.schedule.predictedColdMs);
  const warmMs = (input: ReviewInput): number | null => (bundles ? input.manifest!.predicted?.warmMs ?? null : null);
  return {
    bytesBasis: bundles ? 'bundle-files' : 'weights',
    bytes: delta(bytes(before), bytes(after)),
    predictedColdMs: delta(coldMs(before), coldMs(after)),
    predictedWarmMs: delta(warmMs(before), warmMs(after)),
    steps: delta(before.schedule.steps.length, after.schedule.steps.length),
  };
}
