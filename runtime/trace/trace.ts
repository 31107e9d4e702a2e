/**
 * What every lane did during load and the first run, as a Chrome trace (open it in Perfetto or
 * chrome://tracing). The executing lane records its spans directly, as do the background reads
 * (one span per read, on the track of its place among the reads in flight); worker lanes write the
 * three instants of each step they load (start, read done, transform done) and the start and end
 * of their part of each split step's first run into a shared array, so collecting the trace needs
 * no messages. Times are absolute (timeOrigin + now, ms), which every thread measures on the same
 * clock.
 */
import { backgroundReads } from '../plan/plan.js';
import type { RuntimeStage } from './stages.js';

export interface TraceSpan {
  readonly lane: number;
  readonly name: string;
  readonly stage: RuntimeStage;
  readonly startMs: number;
  readonly endMs: number;
}

/** Slots per step in the shared array's load part: loading lane, start, read done, transform done. */
const slotsPerStep = 4;
/** Slots per step and lane in its parts part (after the load part): start and end of the lane's first part of the step. */
const slotsPerPart = 2;

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** The shared array of a plan of `steps` steps on `lanes` lanes. */
export function createLoadTrace(steps: number, lanes: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, steps) * (slotsPerStep + lanes * slotsPerPart) * 8));
}

export function recordLoad(trace: Float64Array, step: number, lane: number, startMs: number, readEndMs: number, endMs: number): void {
  trace.set([lane, startMs, readEndMs, endMs], step * slotsPerStep);
}

/**
 * Worker lane `lane`'s part of split step `step` ran from `startMs` to `endMs` (`trace` made for
 * `lanes` lanes); only the first part of each step is kept (the trace covers load and the first run).
 */
export function recordPart(trace: Float64Array, lanes: number, step: number, lane: number, startMs: number, endMs: number): void {
  const at = partSlot(trace.length / (slotsPerStep + lanes * slotsPerPart), lanes, step, lane);
  if (trace[at] === 0) trace.set([startMs, endMs], at);
}

function partSlot(steps: number, lanes: number, step: number, lane: number): number {
  return steps * slotsPerStep + (step * lanes + lane) * slotsPerPart;
}

/** The worker lanes' spans, read back from the shared array: loads (steps never loaded are skipped) and parts of split steps. */
export function laneSpans(trace: Float64Array, stepNames: readonly string[], lanes: number): TraceSpan[] {
  const spans: TraceSpan[] = [];
  stepNames.forEach((name, step) => {
    const [lane, start, readEnd, end] = trace.subarray(step * slotsPerStep, step * slotsPerStep + slotsPerStep);
    if (start === 0) return;
    spans.push({ lane, name, stage: 'read', startMs: start, endMs: readEnd });
    if (end > readEnd) spans.push({ lane, name, stage: 'transform', startMs: readEnd, endMs: end });
  });
  const steps = trace.length / (slotsPerStep + lanes * slotsPerPart);
  stepNames.forEach((name, step) => {
    for (let lane = 1; lane < lanes; lane++) {
      const at = partSlot(steps, lanes, step, lane);
      if (trace[at] !== 0) spans.push({ lane, name: `${name} (part)`, stage: 'execute', startMs: trace[at], endMs: trace[at + 1] });
    }
  });
  return spans;
}

/** Chrome trace JSON: one thread per lane, one complete event per span, microseconds from the first span. */
export function chromeTrace(spans: readonly TraceSpan[]): object {
  const origin = Math.min(...spans.map((s) => s.startMs));
  const lanes = [...new Set(spans.map((s) => s.lane))].sort(byLaneOrder);
  return {
    displayTimeUnit: 'ms',
    traceEvents: [
      ...lanes.map((lane) => ({ ph: 'M', name: 'thread_name', pid: 1, tid: lane, args: { name: laneName(lane) } })),
      ...spans.map((s) => ({
        ph: 'X', name: s.name, cat: s.stage, pid: 1, tid: s.lane,
        ts: Math.round((s.startMs - origin) * 1000), dur: Math.max(1, Math.round((s.endMs - s.startMs) * 1000)),
      })),
    ],
  };
}

/**
 * The trace track of the background reads' `index`th read in flight: the first is the plan's
 * `backgroundReads` lane, others below it.
 */
export function backgroundReadTrack(index: number): number {
  return backgroundReads - index;
}

/** A lane's name in traces and timelines. */
export function laneName(lane: number): string {
  if (lane === 0) return 'lane 0 (executing)';
  if (lane === backgroundReads) return 'background reads (I/O threads)';
  return lane < 0 ? `background reads, read ${backgroundReads - lane + 1} in flight (I/O threads)` : `lane ${lane} (worker)`;
}

/** Lanes as traces and timelines list them: the executing lane, the background reads' tracks, then workers. */
export function byLaneOrder(a: number, b: number): number {
  const rank = (lane: number): number => (lane < 0 ? 0.5 + 0.01 * (backgroundReads - lane) : lane);
  return rank(a) - rank(b);
}
