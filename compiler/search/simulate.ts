/**
 * The simulator: a discrete-event model of one cold run under given decisions. Nothing starts
 * before the process is up and the runtime imported; the executing lane (lane 0) then compiles
 * the kernels, creates the worker lanes the plan uses (each at a cost) and allocates memory;
 * worker lanes join after their start-up, counted from their creation. Storage serves one read at a time (reads
 * from several lanes share its throughput), each costing latency + bytes / throughput, in the
 * earliest free interval after the read is issued. A loader
 * lane reads then transforms its steps' weights in step order; the executing lane runs the steps
 * in order, each once its weights are ready, loading itself whatever it was assigned just before
 * it needs it; while a loader lane works (from its start-up to its last load), execution on the
 * executing lane runs `loadContention` times slower (shared cores, caches, memory bandwidth).
 * The background lane (Node's I/O threads) reads from when the bundle is open, with no start-up
 * and no creation cost; the executing lane transforms what it read, just before the step. When
 * the plan also starts workers, the background reads share lane 1's core: they start after its
 * start-up and take turns with its loads.
 * A kernel's first execution pays its
 * first-call cost (lazy compile, tier-up); later steps on the same kernel run at its warm cost,
 * since its code is compiled by then. A step split across k executing lanes (intra-op) runs
 * equal parts on lane 0 and lanes 1…k−1, each part starting when its lane is free (started, done
 * loading, done with its previous part); the step ends with the last part plus the hand-out cost.
 * Returns every task and the total.
 */
import { executingLanes, stepLanes, type Decision, type FixedCosts, type Problem, type StepOption } from './problem.js';
import { backgroundReads } from '../../runtime/plan/plan.js';
import type { Stage } from '../../runtime/trace/stages.js';


export interface Task {
  readonly lane: number;
  readonly stage: Stage;
  readonly step: number;
  readonly startMs: number;
  readonly endMs: number;
}

export interface Simulation {
  readonly totalMs: number;
  readonly tasks: readonly Task[];
}

/**
 * When loader lane `lane` can first work: the background reads once the bundle is open (after
 * start and prepare); a worker once all `workers` are created, one after another, and started (a
 * worker's start-up counts from the start of its creation, so it includes that creation's cost).
 */
export function loaderReadyMs(fixed: FixedCosts, lane: number, workers: number): number {
  const opened = fixed.startMs + fixed.prepareMs;
  return lane === backgroundReads ? opened : opened + Math.max(0, workers - 1) * (fixed.laneCreateMs ?? 0) + fixed.workerStartMs;
}

export function simulate(problem: Problem, decisions: readonly Decision[], keepTasks = true): Simulation {
  const { steps, lanes, storage, fixed } = problem;
  const tasks: Task[] = [];
  const record = (lane: number, stage: Stage, step: number, startMs: number, endMs: number): void => {
    if (keepTasks && endMs > startMs) tasks.push({ lane, stage, step, startMs, endMs });
  };
  const speeds = new Map(lanes.map((l) => [l.id, l.relativeSpeed]));
  const speed = (lane: number): number => speeds.get(lane) ?? 1;
  const busy: [number, number][] = [];
  const read = (lane: number, step: number, bytes: number, from: number): number => {
    if (bytes <= 0) return from;
    const duration = storage.latencyMs + bytes / storage.bytesPerMs;
    const start = firstGap(busy, from, duration);
    record(lane, 'read', step, start, start + duration);
    return start + duration;
  };
  const transformMs = (lane: number, option: StepOption): number =>
    (option.source === 'transform-at-load' ? (option.transformMs + option.loadTimeBytes * fixed.firstTouchMsPerByte) / speed(lane) : 0);
  const load = (lane: number, step: number, from: number): number => {
    const option = steps[step].options[decisions[step].option];
    // Bytes land in fresh memory: the lane pays its first touch (page faults) beside the read.
    const readEnd = read(lane, step, option.readBytes, from);
    const afterRead = readEnd + (option.readBytes * fixed.firstTouchMsPerByte) / speed(lane);
    record(lane, 'alloc', step, readEnd, afterRead);
    // The background lane only reads: the executing lane transforms, just before the step.
    const end = afterRead + (lane === backgroundReads ? 0 : transformMs(lane, option));
    record(lane, 'transform', step, afterRead, end);
    return end;
  };

  record(0, 'start', -1, 0, fixed.startMs);
  // The runtime starts worker lanes 1…n−1 up to the highest lane any step loads or executes on; creating each costs lane 0.
  const workers = Math.max(0, ...decisions.map((d, step) => Math.max(d.loader, stepLanes(problem, step, d) - 1)));
  // The runtime creates the lanes one after another once the bundle is open and the kernels
  // compiled; a worker's start-up counts from the start of its creation (it includes laneCreateMs).
  let execClock = fixed.startMs + fixed.prepareMs + workers * (fixed.laneCreateMs ?? 0);
  record(0, 'prepare', -1, fixed.startMs, execClock);
  record(0, 'alloc', -1, execClock, execClock + fixed.allocMs);
  execClock += fixed.allocMs;

  // Loader lanes work through their steps in order; storage is shared, so interleave them by time.
  const ready = new Array<number>(steps.length).fill(0);
  const queues = new Map<number, number[]>();
  const queueHeads = new Map<number, number>();
  // Node's I/O threads need a core too: with workers started, the background reads share lane 1's
  // (after its start-up, in turn with its loads); alone, they read from when the bundle is open.
  const queueOf = (loader: number): number => (loader === backgroundReads && workers > 0 ? 1 : loader);
  decisions.forEach((d, step) => {
    const queue = queueOf(d.loader);
    if (queue === 0) return;
    const steps = queues.get(queue);
    if (steps) steps.push(step);
    else {
      queues.set(queue, [step]);
      queueHeads.set(queue, 0);
    }
  });
  const laneClock = new Map<number, number>([...queues.keys()].map((lane) => [lane, loaderReadyMs(fixed, lane, workers)]));
  const nextLoad = (): [number, number] | undefined => {
    let best: [number, number] | undefined;
    for (const [lane, queue] of queues) {
      const head = queueHeads.get(lane)!;
      if (head === queue.length) continue;
      const clock = laneClock.get(lane)!;
      if (!best || clock < laneClock.get(best[0])!) best = [lane, queue[head]];
    }
    return best;
  };
  for (let next = nextLoad(); next; next = nextLoad()) {
    const [lane, step] = next;
    queueHeads.set(lane, queueHeads.get(lane)! + 1);
    const end = load(decisions[step].loader, step, laneClock.get(lane)!);
    laneClock.set(lane, end);
    ready[step] = end;
  }
  const contention = fixed.loadContention ?? 1;
  const loading = mergeIntervals([...laneClock.values()].map((end): [number, number] => [fixed.startMs, end]));
  const executeEnd = (start: number, ms: number): number => stretchedEnd(start, ms, loading, contention);
  // A lane helps execute split steps once it has started and loaded all its own steps (a lane
  // loads first, then takes parts), and after its previous part.
  const helperFree = new Map<number, number>(executingLanes(problem).slice(1).map((lane) => [lane, laneClock.get(lane) ?? loaderReadyMs(fixed, lane, workers)]));
  const compiled = new Set<string>();
  for (let step = 0; step < steps.length; step++) {
    const d = decisions[step];
    if (d.loader === 0) {
      execClock = load(0, step, execClock);
      ready[step] = execClock;
    } else if (d.loader === backgroundReads && steps[step].options[d.option].source === 'transform-at-load') {
      const transformStart = Math.max(execClock, ready[step]);
      record(0, 'wait', step, execClock, transformStart);
      execClock = transformStart + transformMs(0, steps[step].options[d.option]);
      record(0, 'transform', step, transformStart, execClock);
      ready[step] = execClock;
    }
    const start = Math.max(execClock, ready[step]);
    record(0, 'wait', step, execClock, start);
    const option = steps[step].options[d.option];
    const executeMs = compiled.has(option.kernel) ? option.executeWarmMs : option.executeFirstMs;
    compiled.add(option.kernel);
    const lanesUsed = stepLanes(problem, step, d);
    if (lanesUsed === 1) {
      execClock = executeEnd(start, executeMs / speed(0));
      record(0, 'execute', step, start, execClock);
      continue;
    }
    // Equal parts, each taking the split's share of the work at that lane's speed.
    const { efficiency, syncMs } = problem.parallel!;
    const partMs = executeMs / (1 + efficiency * (lanesUsed - 1));
    const ownEnd = executeEnd(start, partMs / speed(0));
    record(0, 'execute', step, start, ownEnd);
    let end = ownEnd;
    for (const lane of executingLanes(problem).slice(1, lanesUsed)) {
      const partStart = Math.max(start, helperFree.get(lane)!);
      const partEnd = partStart + partMs / speed(lane);
      record(lane, 'execute', step, partStart, partEnd);
      helperFree.set(lane, partEnd);
      end = Math.max(end, partEnd);
    }
    execClock = end + syncMs;
    record(0, 'wait', step, ownEnd, execClock);
  }
  return { totalMs: execClock, tasks };
}

/** Sorted, disjoint union of intervals. */
function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of intervals.sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else if (end > start) merged.push([start, end]);
  }
  return merged;
}

/**
 * When work that takes `ms` alone, started at `start`, ends if it runs `factor` times slower
 * inside the `slow` intervals (sorted, disjoint).
 */
export function stretchedEnd(start: number, ms: number, slow: readonly (readonly [number, number])[], factor: number): number {
  if (factor <= 1) return start + ms;
  let clock = start;
  let left = ms;
  for (const [slowStart, slowEnd] of slow) {
    if (slowEnd <= clock) continue;
    if (slowStart > clock) {
      if (left <= slowStart - clock) return clock + left;
      left -= slowStart - clock;
      clock = slowStart;
    }
    const slowWork = (slowEnd - clock) / factor;
    if (left <= slowWork) return clock + left * factor;
    left -= slowWork;
    clock = slowEnd;
  }
  return clock + left;
}

/** Reserves the earliest interval of `duration` at or after `from` that storage is free; returns its start. */
function firstGap(busy: [number, number][], from: number, duration: number): number {
  let start = from;
  // Intervals are disjoint and sorted, so their ends are too: skip those ending by `from` at once.
  let low = 0;
  let high = busy.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (busy[mid][1] <= from) low = mid + 1;
    else high = mid;
  }
  let index = low;
  for (; index < busy.length; index++) {
    const [busyStart, busyEnd] = busy[index];
    if (busyEnd <= start) continue;
    if (busyStart >= start + duration) break;
    start = busyEnd;
  }
  busy.splice(index, 0, [start, start + duration]);
  return start;
}
