/**
 * Renders a `BundleDiff` (from `diff-bundles.ts`) for people: `renderDiffText` for a terminal,
 * `renderDiffMarkdown` for a pull-request comment (a summary line, a totals table with deltas, a
 * per-operator table of the changed, added and removed steps). `nncc diff` prints one of them.
 */
import type { BundleDiff, FieldChange, ReviewedStepField, StepDiff, TotalDelta } from './diff-bundles.js';
import { reviewedStepFields, reviewedValue } from './diff-bundles.js';
import type { ScheduleStep } from './read-review-input.js';
import { backgroundReads } from '../../runtime/plan/plan.js';

const fieldLabels: Record<ReviewedStepField, string> = {
  op: 'op', kernel: 'kernel', warmKernel: 'warm kernel', weights: 'weights', lanes: 'lanes', loader: 'loader lane', fused: 'fused',
  weightBytes: 'weight bytes', predictedMs: 'predicted ms',
};

export function renderDiffText(diff: BundleDiff): string {
  const lines = [`nncc diff ${diff.before} → ${diff.after}`, ...identityLines(diff).map(([label, text]) => `${label.padEnd(8)} ${text}`)];
  if (diff.identical) return `${[...lines, `no differences (${diff.unchangedSteps} steps)`].join('\n')}\n`;
  const rows = totalRows(diff).map((r) => [r.label.padEnd(18), r.before.padStart(14), r.after.padStart(14), r.delta.padStart(24)].join(''));
  lines.push('', ['total'.padEnd(18), 'before'.padStart(14), 'after'.padStart(14), 'delta'.padStart(24)].join(''), ...rows, '', stepCounts(diff));
  for (const step of diff.steps) {
    const what = step.status === 'changed'
      ? step.changes.map((c) => `${fieldLabels[c.field]} ${changeText(c)}`).join('; ')
      : describeStep((step.after ?? step.before)!);
    lines.push(`${statusMarks[step.status]} ${step.node} (${step.op}): ${what}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderDiffMarkdown(diff: BundleDiff): string {
  const summary = `**nncc diff** \`${escapeCell(diff.model.after.name)}\`: ${summaryParts(diff).join('; ')}.`;
  if (diff.identical) return `${summary}\n`;
  const totals = [
    '| total | before | after | delta |',
    '|---|---:|---:|---:|',
    ...totalRows(diff).map((r) => `| ${r.label} | ${r.before} | ${r.after} | ${r.delta} |`),
  ];
  const sections = [summary, '', ...totals];
  if (diff.steps.length > 0) {
    const fields = tableFields(diff);
    sections.push('', `| step | node | change | ${fields.map((f) => fieldLabels[f]).join(' | ')} |`,
      `|---:|---|---|${fields.map((f) => (isNumericField(f) ? '---:' : '---')).join('|')}|`,
      ...diff.steps.map((step) => stepRow(step, fields)));
  }
  if (diff.unchangedSteps > 0) sections.push('', `_${diff.unchangedSteps} unchanged step${diff.unchangedSteps === 1 ? '' : 's'} not listed._`);
  return `${sections.join('\n')}\n`;
}

const statusMarks: Record<StepDiff['status'], string> = { changed: '~', added: '+', removed: '-' };

function identityLines(diff: BundleDiff): [string, string][] {
  const sha = (s: string): string => s.slice(0, 12);
  const profileName = (p: BundleDiff['profile']['before']): string => (!p ? 'none' : p.sha256 ? `${p.name} (sha256 ${sha(p.sha256)})` : p.name);
  const model = diff.model.changed
    ? `${diff.model.before.name} (sha256 ${sha(diff.model.before.sha256)}) → ${diff.model.after.name} (sha256 ${sha(diff.model.after.sha256)})`
    : `${diff.model.after.name} unchanged (sha256 ${sha(diff.model.after.sha256)})`;
  const profile = diff.profile.changed ? `${profileName(diff.profile.before)} → ${profileName(diff.profile.after)}` : `${profileName(diff.profile.after)} unchanged`;
  const kernels = diff.kernelAbi.changed ? `${diff.kernelAbi.before} → ${diff.kernelAbi.after}` : `${diff.kernelAbi.after} unchanged`;
  const lines: [string, string][] = [['model', model], ['profile', profile], ['kernels', kernels]];
  const { tierUp } = diff;
  if (tierUp.before !== null && tierUp.after !== null) {
    lines.push(['tier-up', tierUp.changed ? `${tierUpText(tierUp.before)} → ${tierUpText(tierUp.after)}` : `${tierUpText(tierUp.after)} unchanged`]);
  }
  return lines;
}

/** The functions a bundle has optimized at load (runtime/load/tier-up.ts), counted per kernel build. */
function tierUpText(functions: Readonly<Record<string, readonly number[]>>): string {
  const builds = Object.entries(functions).sort(([a], [b]) => a.localeCompare(b));
  if (builds.length === 0) return 'none';
  return `functions optimized at load: ${builds.map(([build, list]) => `${list.length} (${build})`).join(', ')}`;
}

function summaryParts(diff: BundleDiff): string[] {
  if (diff.identical) return [`no differences (${diff.unchangedSteps} steps)`];
  const parts: string[] = [];
  if (diff.model.changed) parts.push(`model changed (sha256 ${diff.model.before.sha256.slice(0, 12)} → ${diff.model.after.sha256.slice(0, 12)})`);
  if (diff.profile.changed) parts.push(`profile ${diff.profile.before?.name ?? 'none'} → ${diff.profile.after?.name ?? 'none'}`);
  if (diff.kernelAbi.changed) parts.push('kernel ABI changed');
  if (diff.tierUp.changed) parts.push('tier-up changed');
  parts.push(stepCounts(diff));
  const cold = diff.totals.predictedColdMs;
  if (cold.delta !== null && cold.delta !== 0) parts.push(`predicted cold ${formatMs(cold.before)} → ${formatMs(cold.after)} ms (${deltaText(cold, formatMs, true)})`);
  const bytes = diff.totals.bytes;
  if (bytes.delta !== 0) parts.push(`${diff.totals.bytesBasis === 'bundle-files' ? 'bundle' : 'weights'} ${formatInteger(bytes.before)} → ${formatInteger(bytes.after)} bytes (${deltaText(bytes, formatInteger, true)})`);
  return parts;
}

function stepCounts(diff: BundleDiff): string {
  const count = (status: StepDiff['status']): number => diff.steps.filter((s) => s.status === status).length;
  return `steps: ${count('changed')} changed, ${count('added')} added, ${count('removed')} removed, ${diff.unchangedSteps} unchanged`;
}

function totalRows(diff: BundleDiff): { label: string; before: string; after: string; delta: string }[] {
  const row = (label: string, total: TotalDelta, format: (n: number | null) => string) => ({
    label, before: format(total.before), after: format(total.after), delta: deltaText(total, format),
  });
  return [
    row(diff.totals.bytesBasis === 'bundle-files' ? 'bundle bytes' : 'weights bytes', diff.totals.bytes, formatInteger),
    row('predicted cold ms', diff.totals.predictedColdMs, formatMs),
    row('predicted warm ms', diff.totals.predictedWarmMs, formatMs),
    row('steps', diff.totals.steps, formatInteger),
  ];
}

/** The warm kernel column only when a listed step has one: most plans have none. */
function tableFields(diff: BundleDiff): ReviewedStepField[] {
  const hasWarmKernel = diff.steps.some((s) => [s.before, s.after].some((step) => step && reviewedValue(step, 'warmKernel') !== null));
  return reviewedStepFields.filter((f) => f !== 'warmKernel' || hasWarmKernel);
}

function stepRow(step: StepDiff, fields: readonly ReviewedStepField[]): string {
  const shown = (step.after ?? step.before)!;
  const cells = fields.map((field) => {
    const change = step.changes.find((c) => c.field === field);
    return change ? `**${escapeCell(changeText(change))}**` : escapeCell(valueText(field, reviewedValue(shown, field)));
  });
  return `| ${shown.step} | \`${escapeCell(step.node)}\` | ${step.status} | ${cells.join(' | ')} |`;
}

function describeStep(step: ScheduleStep): string {
  return reviewedStepFields
    .filter((f) => f !== 'op' && !(f === 'warmKernel' && reviewedValue(step, f) === null))
    .map((f) => `${fieldLabels[f]} ${valueText(f, reviewedValue(step, f))}`).join(', ');
}

function changeText(change: FieldChange): string {
  const text = `${valueText(change.field, change.before)} → ${valueText(change.field, change.after)}`;
  if (!isNumericField(change.field) || typeof change.before !== 'number' || typeof change.after !== 'number') return text;
  const format = change.field === 'predictedMs' ? formatMs : formatInteger;
  return `${text} (${deltaText({ before: change.before, after: change.after, delta: change.after - change.before }, format, true)})`;
}

function isNumericField(field: ReviewedStepField): boolean {
  return field === 'weightBytes' || field === 'predictedMs';
}

function valueText(field: ReviewedStepField, value: string | number | null): string {
  if (value === null) return field === 'fused' || field === 'warmKernel' ? 'none' : '—';
  if (field === 'weightBytes') return formatInteger(value as number);
  if (field === 'predictedMs') return formatMs(value as number);
  if (field === 'loader' && value === backgroundReads) return 'background reads';
  return String(value);
}

/** `+3 (+0.1%)` in a table cell; `inline` gives `+3, +0.1%` for text already in parentheses. */
function deltaText(total: TotalDelta, format: (n: number) => string, inline = false): string {
  if (total.delta === null) return '—';
  if (total.delta === 0) return '0';
  const signed = `${total.delta > 0 ? '+' : '-'}${format(Math.abs(total.delta))}`;
  if (!total.before) return signed;
  const percent = (total.delta / total.before) * 100;
  const percentText = Math.abs(percent) < 0.05 ? `${total.delta > 0 ? '+' : '-'}<0.1%` : `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
  return inline ? `${signed}, ${percentText}` : `${signed} (${percentText})`;
}

/** Thousands grouped, for bytes and counts. */
function formatInteger(n: number | null): string {
  return n === null ? '—' : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Three decimals, as in schedule.json. */
function formatMs(ms: number | null): string {
  return ms === null ? '—' : ms.toFixed(3);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
