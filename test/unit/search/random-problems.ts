/**
 * Seeded random search problems shaped like small CNNs: steps with up to three options whose
 * costs trade execution against transform and bytes (a Winograd-like option: fast, with a heavy
 * transform and 4× the bytes stored transformed; a packed one; a raw one), 2–3 lanes, half of
 * them with the background lane (Node's I/O threads: reads only, no start-up), storage and fixed
 * costs in realistic ranges.
 */
import type { Lane } from '../../../compiler/profile/profile.js';
import { backgroundLaneSpec, executingLanes, type Problem, type StepOption } from '../../../compiler/search/problem.js';
import { backgroundReads } from '../../../runtime/plan/plan.js';
import { seededRandom } from '../../../compiler/random.js';

export function randomProblem(seed: number, maxSteps = 8, maxOptions = 3): Problem {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const stepCount = 2 + Math.floor(random() * (maxSteps - 1));
  const laneCount = 2 + Math.floor(random() * 2);
  const lanes: Lane[] = Array.from({ length: laneCount }, (_, id) => ({ id, relativeSpeed: id === 0 ? 1 : between(0.4, 1), canExecute: id === 0, canLoad: true }));
  const steps = Array.from({ length: stepCount }, (_, i) => {
    const weightBytes = Math.round(between(1e4, 4e6));
    const execute = between(0.5, 8);
    const all: StepOption[] = [
      { kernel: 'raw', source: 'raw', readBytes: weightBytes, storedBytes: weightBytes, loadTimeBytes: 0, transformMs: 0, executeFirstMs: execute * 1.6, executeWarmMs: execute * 1.5 },
      { kernel: 'winograd', source: 'stored-transformed', readBytes: weightBytes * 4, storedBytes: weightBytes * 4, loadTimeBytes: 0, transformMs: 0, executeFirstMs: execute * 0.6, executeWarmMs: execute * 0.5 },
      { kernel: 'winograd', source: 'transform-at-load', readBytes: weightBytes, storedBytes: weightBytes, loadTimeBytes: weightBytes * 4, transformMs: between(1, 20), executeFirstMs: execute * 0.6, executeWarmMs: execute * 0.5 },
      { kernel: 'packed', source: 'stored-transformed', readBytes: weightBytes * 1.05, storedBytes: weightBytes * 1.05, loadTimeBytes: 0, transformMs: 0, executeFirstMs: execute * 1.1, executeWarmMs: execute },
      { kernel: 'packed', source: 'transform-at-load', readBytes: weightBytes, storedBytes: weightBytes, loadTimeBytes: weightBytes * 1.05, transformMs: between(0.05, 1), executeFirstMs: execute * 1.1, executeWarmMs: execute },
    ];
    const count = 1 + Math.floor(random() * maxOptions);
    const options = [...all].sort(() => random() - 0.5).slice(0, count);
    return { name: `step${i}`, options };
  });
  // Drawn from a stream of its own, so the rest of the problem is what it was before the lane existed.
  const withBackground = seededRandom(seed + 2_000_003)() < 0.5;
  return {
    steps,
    lanes: withBackground ? [...lanes, backgroundLaneSpec] : lanes,
    storage: { bytesPerMs: between(2e5, 3e6), latencyMs: between(0.01, 0.5) },
    fixed: { startMs: between(30, 60), prepareMs: between(0.5, 5), workerStartMs: between(10, 40), allocMs: between(0.1, 2), firstTouchMsPerByte: between(0, 1e-6) },
  };
}

/**
 * The same problem (same seed, same costs) where loader lanes may also execute and some kernels
 * split across them (intra-op), with a measured-like split efficiency and hand-out cost. Drawn
 * from a second stream, so the problem without splitting stays what `randomProblem` gives.
 */
export function randomSplitProblem(seed: number, maxSteps = 8, maxOptions = 3): Problem {
  const base = randomProblem(seed, maxSteps, maxOptions);
  const random = seededRandom(seed + 1_000_003);
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo);
  const splittableKernels = new Set(['raw', 'winograd', 'packed'].filter(() => random() < 0.6));
  return {
    ...base,
    // Without the background lane: it shares a worker's core, which would make splits rarely pay here.
    lanes: withoutBackgroundLane(base).lanes.map((l) => (l.id === 0 ? l : { ...l, canExecute: random() < 0.7 })),
    steps: base.steps.map((step) => ({ ...step, options: step.options.map((o) => ({ ...o, splittable: splittableKernels.has(o.kernel) })) })),
    parallel: { efficiency: between(0.3, 0.95), syncMs: between(0.005, 0.5), maxLanes: 1 + Math.floor(random() * 3) },
  };
}

/** The same problem without the background lane (Node's I/O threads). */
export function withoutBackgroundLane(problem: Problem): Problem {
  return { ...problem, lanes: problem.lanes.filter((l) => l.id !== backgroundReads) };
}

/** (options × lanes × splits)^steps, the number of plans brute force visits. */
export function planCount(problem: Problem): number {
  const lanes = problem.lanes.filter((l) => l.canLoad).length;
  const splits = problem.parallel ? Math.min(problem.parallel.maxLanes, executingLanes(problem).length) : 1;
  return problem.steps.reduce((n, s) => n * s.options.reduce((c, o) => c + (o.splittable ? splits : 1), 0) * lanes, 1);
}

/** The first `count` problems `make` gives for seeds 1, 2, … that brute force can solve (≤ `maxPlans` plans) and `keep` accepts. */
export function seededProblems(count: number, make: (seed: number) => Problem, maxPlans: number, keep: (p: Problem) => boolean = () => true): Problem[] {
  const problems: Problem[] = [];
  for (let seed = 1; problems.length < count; seed++) {
    const problem = make(seed);
    if (planCount(problem) <= maxPlans && keep(problem)) problems.push(problem);
  }
  return problems;
}
