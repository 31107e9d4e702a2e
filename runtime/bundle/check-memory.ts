/**
 * The plan's memory, checked against itself before anything runs: a plan whose offsets or
 * weights ranges were damaged (a buggy compiler, a re-signed plan) but still lie inside the
 * planned memory would otherwise compute a wrong answer instead of failing. (That every constant
 * sits where its segment of the weights file lands, `check-plan.ts` checks with the values.)
 *
 * - Every constant a step reads (or a transform packs) has been read by then: its segment lies in
 *   the weights ranges of the steps up to that one (for a warm kernel, also in its own warm
 *   range; for a transform, up to the step that holds the raw bytes).
 * - No two values alive at the same time share a byte (an input lives from before the first step,
 *   an output to the end, constants and packed weights always; constants, only read, may share
 *   bytes), and no step's scratch, cold or warm, overlaps a value alive during that step.
 */
import type { Plan, PlanStep, PlanValue } from '../plan/plan.js';
import type { Fail } from './check-plan.js';

export function checkPlanMemory(plan: Plan, fail: Fail): void {
  checkWeightsRead(plan, fail);
  checkOverlaps(plan, fail);
}

/** The last index below `length` where `holds` (true for a prefix of the indices), or −1: a binary search. */
function lastIndexWhere(length: number, holds: (i: number) => boolean): number {
  let low = 0;
  let high = length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (holds(mid)) low = mid + 1;
    else high = mid - 1;
  }
  return high;
}

/** Byte ranges of the weights file, kept sorted and merged as they are added. */
class ReadRanges {
  private starts: number[] = [];
  private ends: number[] = [];

  add(offset: number, bytes: number): void {
    if (bytes <= 0) return;
    const last = this.starts.length - 1;
    // Steps read the file front to back: a range almost always goes at the end.
    if (last >= 0 && offset >= this.starts[last]) {
      if (offset <= this.ends[last]) this.ends[last] = Math.max(this.ends[last], offset + bytes);
      else { this.starts.push(offset); this.ends.push(offset + bytes); }
      return;
    }
    const ranges = this.starts.map((start, i): [number, number] => [start, this.ends[i]]);
    ranges.push([offset, offset + bytes]);
    ranges.sort((a, b) => a[0] - b[0]);
    this.starts = [];
    this.ends = [];
    for (const [start, end] of ranges) {
      const at = this.starts.length - 1;
      if (at >= 0 && start <= this.ends[at]) this.ends[at] = Math.max(this.ends[at], end);
      else { this.starts.push(start); this.ends.push(end); }
    }
  }

  covers(offset: number, bytes: number, extra?: { offset: number; bytes: number }): boolean {
    if (bytes <= 0) return true;
    if (extra && offset >= extra.offset && offset + bytes <= extra.offset + extra.bytes) return true;
    const last = lastIndexWhere(this.starts.length, (i) => this.starts[i] <= offset);
    return last >= 0 && offset + bytes <= this.ends[last];
  }
}

function checkWeightsRead(plan: Plan, fail: Fail): void {
  const segmentOf = (v: number): { offset: number; bytes: number } | undefined => {
    const value = v >= 0 ? plan.values[v] : undefined;
    return value?.kind === 'constant' ? plan.segments[value.segment!] : undefined;
  };
  // Transforms pack raw bytes once the step holding them has read them: check each there.
  const transformsAt = plan.steps.map((): { t: Plan['transforms'][number]; warm: boolean }[] => []);
  for (const t of plan.transforms) transformsAt[t.rawStep].push({ t, warm: false });
  for (const t of plan.warmTransforms) transformsAt[t.rawStep].push({ t, warm: true });
  const read = new ReadRanges();
  plan.steps.forEach((step, s) => {
    read.add(step.weightsRange.offset, step.weightsRange.bytes);
    for (const v of [...step.inputs, ...(step.fused?.inputs ?? [])]) {
      const segment = segmentOf(v);
      if (segment && !read.covers(segment.offset, segment.bytes)) fail(`step '${step.node}' reads constant '${plan.values[v].name}' before any step has read it`);
    }
    for (const v of step.warm?.inputs ?? []) {
      const segment = segmentOf(v);
      if (segment && !read.covers(segment.offset, segment.bytes, step.warm!.weightsRange)) {
        fail(`the warm kernel of step '${step.node}' reads constant '${plan.values[v].name}', which neither its steps nor its warm range read`);
      }
    }
    for (const { t, warm } of transformsAt[s]) {
      const segment = segmentOf(t.from);
      if (segment && !read.covers(segment.offset, segment.bytes, warm ? plan.steps[t.step].warm?.weightsRange : undefined)) {
        fail(`a transform for step '${plan.steps[t.step].node}' packs constant '${plan.values[t.from].name}' before it is read`);
      }
    }
  });
}

/** A byte range of the planned memory and what it holds: a value, or (no value) a step's scratch. */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly value?: PlanValue;
}

function checkOverlaps(plan: Plan, fail: Fail): void {
  const spanOf = (value: PlanValue): Span => ({ start: value.offset, end: value.offset + value.bytes, value });
  // Named only when a check fails.
  const nameOf = (span: Span, step: PlanStep): string => (span.value ? `'${span.value.name}'` : `the scratch of step '${step.node}'`);
  // Constants and packed weights hold their bytes throughout; constants, only read, may share them.
  const fixed = plan.values.filter((v) => (v.kind === 'constant' || v.kind === 'packed') && v.bytes > 0).sort((a, b) => a.offset - b.offset);
  let endOfAll = -Infinity;
  let endOfPacked = -Infinity;
  for (const value of fixed) {
    if (value.offset < (value.kind === 'packed' ? endOfAll : endOfPacked)) fail(`packed weights share memory with other weights at '${value.name}'`);
    endOfAll = Math.max(endOfAll, value.offset + value.bytes);
    if (value.kind === 'packed') endOfPacked = Math.max(endOfPacked, value.offset + value.bytes);
  }
  const fixedEnds: number[] = [];
  fixed.forEach((v, i) => { fixedEnds.push(Math.max(i > 0 ? fixedEnds[i - 1] : -Infinity, v.offset + v.bytes)); });
  /** Whether `span` overlaps any constant or packed weights: the last one starting before its end reaches into it. */
  const hitsFixed = (span: Span): boolean => {
    const last = lastIndexWhere(fixed.length, (i) => fixed[i].offset < span.end);
    return last >= 0 && fixedEnds[last] > span.start;
  };
  // Activations and inputs: alive from the step that writes them (inputs: before the first) to the last that reads them (outputs: the end).
  const live: Span[][] = plan.steps.map(() => []);
  const first = plan.values.map(() => Infinity);
  const last = plan.values.map(() => -1);
  plan.inputs.forEach((v) => { first[v] = -1; });
  plan.outputs.forEach((v) => { last[v] = plan.steps.length - 1; });
  plan.steps.forEach((step, s) => {
    for (const v of step.outputs) if (v >= 0) first[v] = Math.min(first[v], s);
    for (const v of [...step.inputs, ...(step.fused?.inputs ?? []), ...(step.warm?.inputs ?? [])]) if (v >= 0) last[v] = Math.max(last[v], s);
  });
  plan.values.forEach((value, v) => {
    if ((value.kind !== 'activation' && value.kind !== 'input') || value.bytes === 0 || first[v] === Infinity) return;
    const span = spanOf(value);
    if (hitsFixed(span)) fail(`value '${value.name}' shares memory with weights`);
    for (let s = Math.max(0, first[v]); s <= Math.max(last[v], first[v]); s++) live[s].push(span);
  });
  const overlap = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
  plan.steps.forEach((step, s) => {
    // Few values are alive at once: compare them pairwise, and each with the step's scratch.
    const alive = live[s];
    for (let i = 0; i < alive.length; i++) {
      for (let j = i + 1; j < alive.length; j++) {
        if (overlap(alive[i], alive[j])) fail(`${nameOf(alive[i], step)} and ${nameOf(alive[j], step)} share memory during step '${step.node}'`);
      }
    }
    const scratches = step.warm ? [[step.scratchOffset, step.scratchBytes], [step.warm.scratchOffset, step.warm.scratchBytes]] : [[step.scratchOffset, step.scratchBytes]];
    for (const [offset, bytes] of scratches) {
      if (bytes <= 0) continue;
      const scratch: Span = { start: offset, end: offset + bytes };
      if (hitsFixed(scratch)) fail(`${nameOf(scratch, step)} shares memory with weights`);
      for (const span of alive) if (overlap(scratch, span)) fail(`${nameOf(span, step)} and ${nameOf(scratch, step)} share memory during step '${step.node}'`);
    }
  });
}
