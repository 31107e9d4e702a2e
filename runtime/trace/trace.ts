/**
 * What every lane did during load and the first run, as a Chrome trace (open it in Perfetto or
 * chrome://tracing). The executing lane records its spans directly; loader lanes write the three
 * instants of each step they load (start, read done, transform done) into a shared array, so
 * collecting the trace needs no messages. Times are absolute (timeOrigin + now, ms), which every
 * thread measures on the same clock.
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

/** Slots per step in the shared array: loading lane, start, read done, transform done. */
const slotsPerStep = 4;

export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function createLoadTrace(steps: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, steps) * slotsPerStep * 8));
}

export function recordLoad(trace: Float64Array, step: number, lane: number, startMs: number, readEndMs: number, endMs: number): void {
  trace.set([lane, startMs, readEndMs, endMs], step * slotsPerStep);
}

/** The loader lanes' spans, read back from the shared array (steps never loaded are skipped). */
export function loadSpans(trace: Float64Array, stepNames: readonly string[]): TraceSpan[] {
  const spans: TraceSpan[] = [];
  stepNames.forEach((name, step) => {
    const [lane, start, readEnd, end] = trace.subarray(step * slotsPerStep, step * slotsPerStep + slotsPerStep);
    if (start === 0) return;
    spans.push({ lane, name, stage: 'read', startMs: start, endMs: readEnd });
    if (end > readEnd) spans.push({ lane, name, stage: 'transform', startMs: readEnd, endMs: end });
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

/** A lane's name in traces and timelines. */
export function laneName(lane: number): string {
  if (lane === 0) return 'lane 0 (executing)';
  return lane === backgroundReads ? 'background reads (I/O threads)' : `lane ${lane} (worker)`;
}

/** Lanes as traces and timelines list them: the executing lane, the background reads, then workers. */
export function byLaneOrder(a: number, b: number): number {
  const rank = (lane: number): number => (lane === backgroundReads ? 0.5 : lane);
  return rank(a) - rank(b);
}
