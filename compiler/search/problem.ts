/**
 * The search problem, abstracted from graphs and kernels so that the simulator and the search
 * can be checked on any small instance: steps in execution order, each with its options (a
 * kernel and where its weights come from, with predicted costs), the device's lanes and storage,
 * and the fixed costs of a cold start. `candidates.ts` builds it from a graph and a profile.
 */
import type { Lane, ReadCost } from '../profile/profile.js';
import { backgroundReads } from '../../runtime/plan/plan.js';

/**
 * The loader lane of the runtime's background reads (Node's I/O threads, lane id `backgroundReads`)
 * as the problem lists it, for devices whose runtime reads in the background: it can work as soon
 * as the bundle is open, with no start-up, but only reads; the executing lane transforms what it
 * read, just before the step.
 */
export const backgroundLaneSpec: Lane = { id: backgroundReads, relativeSpeed: 1, canExecute: false, canLoad: true };

/** raw: no transform needed; stored-transformed: packed weights read as they are (bypass); transform-at-load: raw read, then packed. */
export type WeightSource = 'raw' | 'stored-transformed' | 'transform-at-load';

export interface StepOption {
  readonly kernel: string;
  readonly source: WeightSource;
  /** Bytes read from the bundle for this step's weights. */
  readonly readBytes: number;
  /** Bytes the bundle stores for it (equal to readBytes). */
  readonly storedBytes: number;
  /** Bytes of packed weights made at load time (memory, not bundle). */
  readonly loadTimeBytes: number;
  /** Transform on a lane of relative speed 1. */
  readonly transformMs: number;
  /** First (cold) execution on a lane of relative speed 1. */
  readonly executeFirstMs: number;
  readonly executeWarmMs: number;
  /** The kernel can split a step's work across several executing lanes (intra-op). */
  readonly splittable?: boolean;
  /** How far off the transform and first-execution costs may be, relative (0 or absent: measured exactly). */
  readonly uncertainty?: number;
  /** How far off `executeWarmMs` may be, relative (0 or absent: measured exactly). */
  readonly warmUncertainty?: number;
}

export interface ProblemStep {
  readonly name: string;
  readonly options: readonly StepOption[];
}

export interface FixedCosts {
  /** Process start plus runtime import: nothing runs before. */
  readonly startMs: number;
  /** Opening the bundle (plan read, checked, bound) and the wasm compile and instantiate, on the executing lane. */
  readonly prepareMs: number;
  /**
   * Until a worker lane can work, counted from the start of its creation (after the executing
   * lane's preparation): `nncc profile` times it from loading worker_threads to the lane's first
   * message, so it includes `laneCreateMs`.
   */
  readonly workerStartMs: number;
  /** What creating each worker lane the plan starts costs the executing lane, before its first step (default 0). */
  readonly laneCreateMs?: number;
  /** Allocating the planned memory for activations, on the executing lane. */
  readonly allocMs: number;
  /** First touch of fresh memory, per byte: weights pay it where they are read or made. */
  readonly firstTouchMsPerByte: number;
  /** Execution on the executing lane takes this many times longer while a loader lane works (≥ 1; default 1). */
  readonly loadContention?: number;
}

export interface Problem {
  readonly steps: readonly ProblemStep[];
  readonly lanes: readonly Lane[];
  readonly storage: ReadCost;
  readonly fixed: FixedCosts;
  readonly parallel?: Parallelism;
}

/** Lanes a step actually uses under a decision: 1 unless its option splits and the problem allows it. */
export function stepLanes(problem: Problem, step: number, decision: Decision): number {
  const lanes = decision.lanes ?? 1;
  if (lanes <= 1 || !problem.parallel || !problem.steps[step].options[decision.option].splittable) return 1;
  return Math.min(lanes, problem.parallel.maxLanes, executingLanes(problem).length);
}

/**
 * Lanes a split step may run on: lane 0 and the lanes 1, 2, … after it that may execute, up to
 * the first that may not (the runtime splits a step across lanes 0…k−1).
 */
export function executingLanes(problem: Problem): readonly number[] {
  let lanes = executingLanesOf.get(problem.lanes);
  if (!lanes) {
    lanes = [0];
    while (problem.lanes.some((l) => l.id === lanes!.length && l.canExecute)) lanes.push(lanes.length);
    executingLanesOf.set(problem.lanes, lanes);
  }
  return lanes;
}

/** Per lane list (problems derived from one share it), its executing lanes: the simulator asks per step. */
const executingLanesOf = new WeakMap<readonly Lane[], number[]>();

/** A choice per step: which option, and which lane loads (reads and transforms) its weights (`backgroundReads`: reads only). */
export interface Decision {
  readonly option: number;
  readonly loader: number;
  /** Executing lanes the step's work is split across (1 when absent; only splittable options split). */
  readonly lanes?: number;
}

/**
 * How a step split across k executing lanes runs, from the profile: the work takes
 * 1 / (1 + efficiency·(k − 1)) of its one-lane time, plus `syncMs` to hand out the parts and
 * wait for them. Absent when the profile did not measure it: then no step is split.
 */
export interface Parallelism {
  readonly efficiency: number;
  readonly syncMs: number;
  /** Most lanes one step may use (the executing lanes, or fewer if the user caps it). */
  readonly maxLanes: number;
}

export interface Budgets {
  maxBundleBytes?: number;
  maxMemoryBytes?: number;
}

export function bundleBytes(problem: Problem, decisions: readonly Decision[]): number {
  return decisions.reduce((sum, d, i) => sum + problem.steps[i].options[d.option].storedBytes, 0);
}

/** Weights memory: what is read plus what is made at load (activations are the same for every choice). */
export function weightMemoryBytes(problem: Problem, decisions: readonly Decision[]): number {
  return decisions.reduce((sum, d, i) => {
    const o = problem.steps[i].options[d.option];
    return sum + o.readBytes + o.loadTimeBytes;
  }, 0);
}

export function withinBudgets(problem: Problem, decisions: readonly Decision[], budgets: Budgets, fixedMemoryBytes = 0): boolean {
  return (budgets.maxBundleBytes === undefined || bundleBytes(problem, decisions) <= budgets.maxBundleBytes)
    && (budgets.maxMemoryBytes === undefined || weightMemoryBytes(problem, decisions) + fixedMemoryBytes <= budgets.maxMemoryBytes);
}

/**
 * The problem with each option's transform and execution costs raised by its uncertainty, for the
 * options `inflate` picks (every option by default): how slow a plan may turn out when the
 * costs the profile did not measure are as far off as they may be.
 */
export function pessimistic<P extends Problem>(problem: P, inflate: (step: number, option: number) => boolean = () => true): P {
  return {
    ...problem,
    steps: problem.steps.map((step, i) => ({
      ...step,
      options: step.options.map((o, j) => {
        if (!inflate(i, j)) return o;
        const cold = 1 + (o.uncertainty ?? 0);
        return { ...o, transformMs: o.transformMs * cold, executeFirstMs: o.executeFirstMs * cold, executeWarmMs: o.executeWarmMs * (1 + (o.warmUncertainty ?? 0)) };
      }),
    })),
  };
}
