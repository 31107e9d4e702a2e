/**
 * The search: chooses, per step, an option (kernel and weight source), the lane that loads it and
 * how many executing lanes split it, minimising the simulated cold latency under the byte
 * budgets. It starts from NNV12's heuristic (execute on lane 0; per step the option cheapest cold
 * on its own; loads spread over the loader lanes by earliest finish), from the same split across
 * every executing lane, and from two other corners (fastest execution, fewest bytes), and
 * improves each by local search on the simulator: change one step's option or loader, split a
 * step across more or fewer executing lanes (intra-op, when the profile measured splitting), move
 * every step that can to one kernel and weight source, or swap two steps' loaders (and, on small
 * problems, change any two steps at once); keep any improvement, until a full pass finds none.
 * With several loader lanes it also starts from the best plan for one lane fewer, and with
 * splitting from the best plan without, so adding lanes or allowing splits never makes the plan
 * worse. Deterministic. `lowerBound` bounds any plan from below.
 */
import { CompileError, codes } from '../diagnostics.js';
import { executingLanes, stepLanes, withinBudgets, type Budgets, type Decision, type Problem, type StepOption } from './problem.js';
import { backgroundReads } from '../../runtime/plan/plan.js';
import { loaderReadyMs, simulate } from './simulate.js';
import { byLaneOrder } from '../../runtime/trace/trace.js';

export interface SearchResult {
  decisions: Decision[];
  predictedMs: number;
  lowerBoundMs: number;
  /** How far above the lower bound, in percent. */
  gapPct: number;
  evaluations: number;
}

const maxPasses = 50;

/**
 * Loader exchanges are tried between steps at most this far apart: all pairs cost a simulation
 * each, n² per pass, which took minutes on models of a few hundred steps.
 */
const swapWindow = 12;

/** Above this many steps a search improves only its `largeProblemStarts` best starts. */
const largeProblemSteps = 48;
const largeProblemStarts = 2;

/** Loader lanes in order of use: the executing lane, the background lane, then workers one by one. */
function loaderLanes(problem: Problem): number[] {
  return problem.lanes.filter((l) => l.canLoad).map((l) => l.id).sort(byLaneOrder);
}

function readMs(problem: Problem, bytes: number): number {
  return bytes > 0 ? problem.storage.latencyMs + bytes / problem.storage.bytesPerMs : 0;
}

/** Per step, the option with the least read + transform + first execution, within budgets if possible. */
function heuristic(problem: Problem, budgets: Budgets, lanes: readonly number[]): Decision[] {
  const options = problem.steps.map((step) => {
    let best = 0;
    let bestCost = Infinity;
    step.options.forEach((o, i) => {
      const cost = readMs(problem, o.readBytes) + (o.source === 'transform-at-load' ? o.transformMs : 0) + o.executeFirstMs;
      if (cost < bestCost) { best = i; bestCost = cost; }
    });
    return best;
  });
  const decisions = assignLoaders(problem, options, lanes);
  if (withinBudgets(problem, decisions, budgets)) return decisions;
  // Fall back to the smallest option per step by what the budgets count: the bundle's bytes, the
  // weights' memory (read plus packed at load), or both; the tightest plan a budget can allow.
  const smallestBy = (size: (o: StepOption) => number): Decision[] => assignLoaders(problem,
    problem.steps.map((step) => step.options.reduce((b, o, i) => (size(o) < size(step.options[b]) ? i : b), 0)), lanes);
  const memory = (o: StepOption): number => o.readBytes + o.loadTimeBytes;
  const fallbacks = [
    ...(budgets.maxMemoryBytes === undefined ? [] : [smallestBy(memory)]),
    ...(budgets.maxBundleBytes === undefined ? [] : [smallestBy((o) => o.storedBytes)]),
    smallestBy((o) => o.storedBytes + memory(o)),
  ];
  return fallbacks.find((d) => withinBudgets(problem, d, budgets)) ?? fallbacks[fallbacks.length - 1];
}

/** Loads go to the loader lane that would finish them first (lane 0 when it is the only one). */
function assignLoaders(problem: Problem, options: readonly number[], lanes: readonly number[]): Decision[] {
  const workers = lanes.filter((l) => l !== 0);
  if (workers.length === 0) return options.map((option) => ({ option, loader: 0 }));
  const finish = new Map(workers.map((l) => [l, loaderReadyMs(problem.fixed, l, Math.max(...workers))]));
  return options.map((option, step) => {
    const o = problem.steps[step].options[option];
    const work = readMs(problem, o.readBytes) + (o.source === 'transform-at-load' ? o.transformMs : 0);
    const lane = workers.reduce((best, l) => (finish.get(l)! < finish.get(best)! ? l : best), workers[0]);
    finish.set(lane, finish.get(lane)! + work);
    return { option, loader: lane };
  });
}

/** Two more corners of the space to start from: everything fastest to execute, everything smallest to read. */
function alternativeStarts(problem: Problem, lanes: readonly number[]): Decision[][] {
  const pick = (score: (o: Problem['steps'][number]['options'][number]) => number): number[] =>
    problem.steps.map((step) => step.options.reduce((b, o, i) => (score(o) < score(step.options[b]) ? i : b), 0));
  return [
    assignLoaders(problem, pick((o) => o.executeFirstMs + readMs(problem, o.readBytes) * 1e-3), lanes),
    assignLoaders(problem, pick((o) => o.readBytes + o.executeFirstMs * 1e-3), lanes),
  ];
}

/** Every (kernel, weight source) pair some step can use, in a fixed order. */
function kernelSources(problem: Problem): [string, string][] {
  const pairs = new Map<string, [string, string]>();
  for (const step of problem.steps) for (const o of step.options) pairs.set(`${o.kernel}|${o.source}`, [o.kernel, o.source]);
  return [...pairs.keys()].sort().map((k) => pairs.get(k)!);
}

/** Work done at load time; among plans of equal latency the one that does less wins. */
function loadWorkMs(problem: Problem, decisions: readonly Decision[]): number {
  return decisions.reduce((sum, d, i) => {
    const o = problem.steps[i].options[d.option];
    return sum + (o.source === 'transform-at-load' ? o.transformMs : 0);
  }, 0);
}

function better(problem: Problem, ms: number, candidate: readonly Decision[], bestMs: number, best: readonly Decision[]): boolean {
  if (ms < bestMs - 1e-9) return true;
  return ms <= bestMs + 1e-9 && loadWorkMs(problem, candidate) < loadWorkMs(problem, best) - 1e-9;
}

function improve(problem: Problem, start: Decision[], budgets: Budgets, lanes: readonly number[], counter: { evaluations: number }): Decision[] {
  let best = start.map((d) => ({ ...d }));
  let bestMs = simulate(problem, best, false).totalMs;
  counter.evaluations++;
  /** Keeps `candidate` when it fits the budgets and beats the best so far. */
  const accept = (candidate: Decision[]): boolean => {
    if (!withinBudgets(problem, candidate, budgets)) return false;
    const ms = simulate(problem, candidate, false).totalMs;
    counter.evaluations++;
    if (!better(problem, ms, candidate, bestMs, best)) return false;
    best = candidate;
    bestMs = ms;
    return true;
  };
  const withSteps = (changes: Map<number, Decision>): Decision[] => best.map((d, i) => changes.get(i) ?? d);
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    for (let step = 0; step < problem.steps.length; step++) {
      for (let option = 0; option < problem.steps[step].options.length; option++) {
        for (const loader of lanes) {
          if (option === best[step].option && loader === best[step].loader) continue;
          if (accept(withSteps(new Map([[step, { option, loader, lanes: best[step].lanes }]])))) improved = true;
        }
      }
      // Intra-op: split the step across more or fewer executing lanes.
      for (let split = 1; split <= maxSplit(problem); split++) {
        if (split === stepLanes(problem, step, best[step]) || stepLanes(problem, step, { ...best[step], lanes: split }) !== split) continue;
        if (accept(withSteps(new Map([[step, { ...best[step], lanes: split }]])))) improved = true;
      }
    }
    // Moving every step that can to one kernel and weight source at once: kernels share their
    // first-call (compile) cost across steps, which single changes cannot discover.
    for (const [kernel, source] of kernelSources(problem)) {
      const candidate = best.map((d, i) => {
        const option = problem.steps[i].options.findIndex((o) => o.kernel === kernel && o.source === source);
        return option >= 0 ? { ...d, option } : d;
      });
      if (accept(candidate)) improved = true;
    }
    // Exchanging the loaders of two steps reorders the lanes' work, which single changes cannot;
    // only steps near each other, where an exchange changes which read is ready first.
    for (let a = 0; a < problem.steps.length; a++) {
      for (let b = a + 1; b < Math.min(problem.steps.length, a + 1 + swapWindow); b++) {
        if (best[a].loader === best[b].loader) continue;
        if (accept(withSteps(new Map([[a, { ...best[a], loader: best[b].loader }], [b, { ...best[b], loader: best[a].loader }]])))) improved = true;
      }
    }
    if (!improved && choiceCount(problem, lanes) <= maxChoicesForPairs) improved = improvePairs();
    if (!improved) break;
  }
  return best;

  /** Changes two steps at once (option and loader each); affordable only on small problems. */
  function improvePairs(): boolean {
    for (let a = 0; a < problem.steps.length; a++) {
      for (let b = a + 1; b < problem.steps.length; b++) {
        for (let oa = 0; oa < problem.steps[a].options.length; oa++) {
          for (const la of lanes) {
            for (let ob = 0; ob < problem.steps[b].options.length; ob++) {
              for (const lb of lanes) {
                if (accept(withSteps(new Map([[a, { option: oa, loader: la, lanes: best[a].lanes }], [b, { option: ob, loader: lb, lanes: best[b].lanes }]])))) return true;
              }
            }
          }
        }
      }
    }
    return false;
  }
}

/** Pair moves cost (choices per step)² per pair: only below this many choices in all. */
const maxChoicesForPairs = 64;

function choiceCount(problem: Problem, lanes: readonly number[]): number {
  return problem.steps.reduce((n, s) => n + s.options.length * lanes.length, 0) * maxSplit(problem);
}

/** The most executing lanes a step may be split across (1: no intra-op splitting). */
export function maxSplit(problem: Problem): number {
  return problem.parallel ? Math.min(problem.parallel.maxLanes, executingLanes(problem).length) : 1;
}

/**
 * Decisions as the plan states them: `lanes` only where a step really splits, and a step with
 * nothing to read loaded by the executing lane rather than by the background reads (the same
 * run; a review diff shows no change where there is none).
 */
function normalised(problem: Problem, decisions: readonly Decision[]): Decision[] {
  return decisions.map((d, step) => {
    const split = stepLanes(problem, step, d);
    const reads = problem.steps[step].options[d.option].readBytes > 0;
    const loader = d.loader === backgroundReads && !reads ? 0 : d.loader;
    return split > 1 ? { option: d.option, loader, lanes: split } : { option: d.option, loader };
  });
}

export function search(problem: Problem, budgets: Budgets = {}): SearchResult {
  const counter = { evaluations: 0 };
  const lanes = loaderLanes(problem);
  const order = lanes.length === 0 ? [0] : lanes;
  let best: Decision[] | undefined;
  let bestMs = Infinity;
  if (maxSplit(problem) > 1) {
    // Start from the best plan without splitting, so that allowing splits never makes it worse.
    best = search({ ...problem, parallel: undefined }, budgets).decisions;
    bestMs = simulate(problem, best, false).totalMs;
  }
  const starts: { start: Decision[]; lanes: number[] }[] = [];
  const tried = new Set<string>();
  const addStart = (start: Decision[], usable: number[]): void => {
    const key = `${usable.join(',')}|${JSON.stringify(start)}`;
    if (tried.has(key) || !withinBudgets(problem, start, budgets)) return;
    tried.add(key);
    starts.push({ start, lanes: usable });
  };
  for (let count = 1; count <= order.length; count++) {
    const usable = order.slice(0, count);
    const heuristicStart = heuristic(problem, budgets, usable);
    addStart(heuristicStart, usable);
    // And the same split across every executing lane wherever a kernel can split.
    if (maxSplit(problem) > 1) addStart(heuristicStart.map((d) => ({ ...d, lanes: maxSplit(problem) })), usable);
    // The other corners only with every loader lane: with fewer they rarely win and cost as much.
    if (count === order.length) for (const corner of alternativeStarts(problem, usable)) addStart(corner, usable);
    if (best) addStart(best, usable);
  }
  // A large problem improves only its most promising starts: each improvement costs a
  // simulation of every step per move tried, which took tens of seconds on a few hundred steps.
  const chosen = problem.steps.length <= largeProblemSteps ? starts
    : starts.map((s) => ({ ...s, ms: simulate(problem, s.start, false).totalMs }))
      .sort((a, b) => a.ms - b.ms).slice(0, largeProblemStarts);
  counter.evaluations += chosen === starts ? 0 : starts.length;
  for (const { start, lanes: usable } of chosen) {
    const result = improve(problem, start, budgets, usable, counter);
    const ms = simulate(problem, result, false).totalMs;
    counter.evaluations++;
    if (!best || better(problem, ms, result, bestMs, best)) {
      best = result;
      bestMs = ms;
    }
  }
  if (!best) throw new CompileError(codes.badOption, 'no plan fits the byte budgets: even the smallest kernels exceed them', {}, 'raise --max-bundle-bytes or --max-memory-bytes');
  const lowerBoundMs = lowerBound(problem);
  return { decisions: normalised(problem, best), predictedMs: bestMs, lowerBoundMs, gapPct: ((bestMs - lowerBoundMs) / lowerBoundMs) * 100, evaluations: counter.evaluations };
}

/**
 * No plan is faster than (a) the executing lane's own chain: start-up, prepare, allocation and
 * every step's cheapest execution, nor (b) storage: the earliest any read can start plus every
 * step's smallest read, then the last step's cheapest execution.
 */
export function lowerBound(problem: Problem): number {
  const { fixed, steps } = problem;
  // Any step may run on a kernel already compiled, so its warm cost bounds it from below; a
  // splittable one may be split across every executing lane (each at most at speed 1).
  const fastestSplit = problem.parallel ? 1 + problem.parallel.efficiency * (maxSplit(problem) - 1) : 1;
  const minExecute = steps.map((s) => Math.min(...s.options.map((o) => Math.min(o.executeFirstMs, o.executeWarmMs) / (o.splittable ? fastestSplit : 1))));
  const execChain = fixed.startMs + fixed.prepareMs + fixed.allocMs + minExecute.reduce((a, b) => a + b, 0);
  // Lane 0 reads after preparing and allocating; other loader lanes when they are ready (a worker at the earliest: the only one).
  const otherLoaders = problem.lanes.filter((l) => l.canLoad && l.id !== 0).map((l) => loaderReadyMs(problem.fixed, l.id, 1));
  const firstRead = Math.min(fixed.startMs + fixed.prepareMs + fixed.allocMs, ...otherLoaders);
  const reads = steps.reduce((sum, s) => sum + Math.min(...s.options.map((o) => readMs(problem, o.readBytes))), 0);
  const storageChain = firstRead + reads + (minExecute[minExecute.length - 1] ?? 0);
  return Math.max(execChain, storageChain);
}

/** The conventional engine's plan (--objective warm): warm-fastest kernels, nothing stored transformed, everything on lane 0. */
export function conventionalPlan(problem: Problem): Decision[] {
  return problem.steps.map((step) => {
    let best = -1;
    step.options.forEach((o, i) => {
      if (o.source === 'stored-transformed') return;
      if (best < 0 || o.executeWarmMs < step.options[best].executeWarmMs) best = i;
    });
    return { option: Math.max(best, 0), loader: 0 };
  });
}
