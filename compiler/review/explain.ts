/**
 * Reads what `nncc explain` shows: a bundle's `timeline.json` (the simulator's predicted cold run,
 * written when compiling with a device profile) and renders it as text — the breakdown in the
 * paper's stages with the lower bound and the gap, then one line per task. `timeline-svg.ts` draws
 * the same timeline as a Gantt chart; `runtime/trace/trace.ts` makes it a Chrome trace. Every
 * refusal is an NNCC140 diagnostic naming the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFileNames } from '../../runtime/bundle/manifest.js';
import { isBucketSet } from '../../runtime/bundle/bucket-set.js';
import { byLaneOrder, laneName, type TraceSpan } from '../../runtime/trace/trace.js';
import { timelineFileName, type PredictedTimeline } from '../bundle/write-bundle.js';
import { CompileError, codes } from '../diagnostics.js';
import { breakdownOf, type Breakdown } from '../search/choose.js';
import type { Stage } from '../../runtime/trace/stages.js';

export type TimelineTask = PredictedTimeline['tasks'][number];

export interface Explanation {
  timeline: PredictedTimeline;
  breakdown: Breakdown;
  gapMs: number;
  gapPct: number;
}

const stages: readonly Stage[] = ['start', 'prepare', 'alloc', 'read', 'transform', 'execute', 'wait'];

export function readTimeline(bundleDir: string): PredictedTimeline {
  if (!existsSync(join(bundleDir, bundleFileNames.manifest))) {
    throw new CompileError(codes.badInputFile, 'not a bundle: no manifest.json', { file: bundleDir },
      isBucketSet(bundleDir) ? 'this is a bucket set (buckets.json): name one of its bucket directories' : 'pass a bundle directory (.nnb) that nncc compile wrote');
  }
  const file = join(bundleDir, timelineFileName);
  if (!existsSync(file)) {
    throw new CompileError(codes.badInputFile, 'the bundle has no predicted timeline: it was compiled without a device profile', { file },
      'compile with --profile device.json (nncc profile, or fixtures/profiles/*.json) to predict one');
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CompileError(codes.badInputFile, `cannot read the timeline (${(error as Error).message})`, { file }, 'recompile the bundle');
  }
  const problem = timelineProblem(value);
  if (problem) throw new CompileError(codes.badInputFile, `not a valid timeline: ${problem}`, { file }, 'recompile the bundle; see schemas/timeline.schema.json');
  return value as PredictedTimeline;
}

/** Only what explain relies on is checked, so timelines with fields added later still read. */
function timelineProblem(value: unknown): string | undefined {
  const t = value as Partial<PredictedTimeline> | null;
  if (typeof t !== 'object' || t === null) return 'not an object';
  if ((t as { format?: unknown }).format !== 1) return 'format must be 1';
  if (typeof t.profile !== 'string' || typeof t.predictedMs !== 'number' || typeof t.lowerBoundMs !== 'number') {
    return 'profile, predictedMs and lowerBoundMs are required';
  }
  if (!Array.isArray(t.steps) || !Array.isArray(t.tasks)) return 'steps and tasks must be lists';
  const bad = t.tasks.findIndex((task) => !stages.includes(task?.stage) || ![task.lane, task.step, task.startMs, task.endMs].every((n) => typeof n === 'number'));
  return bad >= 0 ? `/tasks/${bad} must have a lane, a known stage, a step, startMs and endMs` : undefined;
}

export function explain(timeline: PredictedTimeline): Explanation {
  const gapMs = timeline.predictedMs - timeline.lowerBoundMs;
  return {
    timeline,
    breakdown: breakdownOf(timeline.tasks, timeline.predictedMs),
    gapMs,
    gapPct: timeline.lowerBoundMs > 0 ? (gapMs / timeline.lowerBoundMs) * 100 : 0,
  };
}

/** The node a task serves, or its stage for the fixed stages before the first step. */
export function taskName(timeline: PredictedTimeline, task: TimelineTask): string {
  return task.step >= 0 ? timeline.steps[task.step] ?? `step ${task.step}` : task.stage;
}


export function renderExplainText(explanation: Explanation): string {
  const { timeline, breakdown: b } = explanation;
  const ms = (value: number): string => value.toFixed(3).padStart(10);
  const rows: [string, number][] = [
    ['start', b.startMs], ['read', b.readMs], ['alloc', b.allocMs], ['prepare', b.prepareMs],
    ['transform', b.transformMs], ['execute', b.executeMs], ['wait', b.waitMs],
  ];
  // The file keeps the simulator's order (lane by lane); read as a timeline, tasks go by start time.
  const byStart = [...timeline.tasks].sort((a, b) => a.startMs - b.startMs || byLaneOrder(a.lane, b.lane));
  const laneWidth = Math.max(...timeline.tasks.map((t) => laneName(t.lane).length), 4);
  const nameWidth = Math.max(...timeline.tasks.map((t) => taskName(timeline, t).length), 4);
  const lines = [
    `predicted cold run for ${timeline.profile} (objective ${timeline.objective}): ${timeline.tasks.length} tasks, ${timeline.steps.length} steps`,
    '',
    `${'stage'.padEnd(18)}${'ms'.padStart(10)}`,
    ...rows.map(([stage, value]) => `${stage.padEnd(18)}${ms(value)}`),
    `${'total (cold)'.padEnd(18)}${ms(b.totalMs)}`,
    `${'lower bound'.padEnd(18)}${ms(timeline.lowerBoundMs)}`,
    `${'gap'.padEnd(18)}${ms(explanation.gapMs)}  (${explanation.gapPct.toFixed(1)}%)`,
    'stages are summed over lanes: loader lanes overlap the executing lane, so they add up to more than the total',
    '',
    `${'lane'.padEnd(laneWidth)}  ${'stage'.padEnd(9)}  ${'step'.padEnd(nameWidth)}  ${'start ms'.padStart(10)}  ${'end ms'.padStart(10)}`,
    ...byStart.map((t) => `${laneName(t.lane).padEnd(laneWidth)}  ${t.stage.padEnd(9)}  ${taskName(timeline, t).padEnd(nameWidth)}  ${ms(t.startMs)}  ${ms(t.endMs)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The timeline as trace spans for `chromeTrace`. Traces have no stage for process start; the start
 * task goes in under `prepare`, named `start`, rather than being left out, so the trace's times
 * (from its first span) stay equal to the text's (from process start).
 */
export function timelineSpans(timeline: PredictedTimeline): TraceSpan[] {
  return timeline.tasks.map((t) => ({
    lane: t.lane, name: taskName(timeline, t), stage: t.stage === 'start' ? 'prepare' : t.stage, startMs: t.startMs, endMs: t.endMs,
  }));
}
