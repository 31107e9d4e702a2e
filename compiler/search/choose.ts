/**
 * Kernel choice with a device profile: builds the problem, runs the search (`cold`, the default)
 * or takes the conventional engine's plan (`warm`: warm-fastest kernels, nothing stored
 * transformed, everything on the executing lane), and explains the result: the predicted
 * breakdown in the paper's stages, the lower bound and gap, and per step the chosen kernel,
 * weight source, loader lane, predicted ms and the runner-up's cost.
 */
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, Node } from '../ir/graph.js';
import type { DeviceProfile } from '../profile/profile.js';
import type { KernelChoice } from '../select/select-kernels.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { buildProblem, type CandidateLimits, type CandidateProblem, type UncostedVariant } from './candidates.js';
import { bundleBytes, executingLanes, pessimistic, weightMemoryBytes, withinBudgets, type Budgets, type Decision } from './problem.js';
import { conventionalPlan, lowerBound, search } from './search.js';
import { simulate } from './simulate.js';
import type { Stage, StageMs } from '../../runtime/trace/stages.js';

export type Objective = 'cold' | 'warm';

/** Predicted milliseconds per stage, summed over lanes, and the cold total. */
export type Breakdown = StageMs<Stage>;

export interface StepExplanation {
  node: string;
  kernel: string;
  source: string;
  loader: number;
  /** Executing lanes the step is split across (intra-op). */
  lanes: number;
  executeFirstMs: number;
  executeWarmMs: number;
  /** The best other option for this step, and how much later the run would end with it. */
  runnerUp?: { kernel: string; source: string; deltaMs: number };
}

export interface SearchReport {
  profile: string;
  objective: Objective;
  predictedMs: number;
  /** The prediction with every cost the profile did not measure as far off as its uncertainty allows. */
  predictedHighMs: number;
  /**
   * Which plan the search kept: its own (`searched`), or the one with every node on its default
   * kernel (`default`, the kernels compiling without a profile gives, weight sources and lanes
   * still searched) because the searched plan's prediction, its uncertain costs at their worst,
   * was not better than the default plan's.
   */
  plan: 'searched' | 'default' | 'conventional';
  /** The default-kernel plan's prediction (absent for the conventional plan). */
  defaultPlanMs?: number;
  /** Variants that could run a node but that the profile has no cost for, left out of the search. */
  uncosted: readonly UncostedVariant[];
  /** Predicted warm latency: the chosen kernels' warm execution, summed. */
  warmMs: number;
  lowerBoundMs: number;
  gapPct: number;
  bundleBytes: number;
  breakdown: Breakdown;
  steps: StepExplanation[];
}

/**
 * `maxLanes`: the most executing lanes one step may be split across (default: every executing
 * lane of the profile; the conventional plan never splits).
 */
export function chooseKernels(graph: Graph, profile: DeviceProfile, objective: Objective, budgets: Budgets = {}, maxLanes?: number,
  limits: CandidateLimits = {}): {
  choices: Map<Node, KernelChoice>; loaders: Map<Node, number>; stepLanes: Map<Node, number>; warmChoices: Map<Node, KernelVariant>; warmPreparer: number;
  report: SearchReport; problem: CandidateProblem; decisions: Decision[];
} {
  const problem = objective === 'warm' ? buildProblem(graph, profile, 1, limits) : buildProblem(graph, profile, maxLanes, limits);
  const guarded = objective === 'warm' ? undefined : guardedSearch(problem, budgets);
  const decisions = guarded?.decisions ?? conventionalPlan(problem);
  if (!guarded && !withinBudgets(problem, decisions, budgets)) {
    throw new CompileError(codes.badOption, `the conventional plan (--objective warm) needs ${bundleBytes(problem, decisions)} bytes of weights in the bundle and `
      + `${weightMemoryBytes(problem, decisions)} in memory, over the budget (${budgetText(budgets)})`, {}, 'raise the budget, or search a cold plan that fits (--objective cold)');
  }
  const choices = new Map<Node, KernelChoice>();
  const loaders = new Map<Node, number>();
  const stepLanes = new Map<Node, number>();
  const warmChoices = new Map<Node, KernelVariant>();
  problem.steps.forEach((step, i) => {
    loaders.set(step.node, decisions[i].loader);
    stepLanes.set(step.node, decisions[i].lanes ?? 1);
    const option = step.options[decisions[i].option];
    choices.set(step.node, { variant: step.variants[decisions[i].option], bypass: option.source === 'stored-transformed' });
  });
  for (const { step, option } of continuousInference(problem, decisions, budgets)) warmChoices.set(problem.steps[step].node, problem.steps[step].variants[option]);
  const warmPreparer = warmPreparerOf(problem, decisions);
  const simulation = simulate(problem, decisions);
  const lower = lowerBound(problem);
  return {
    choices,
    loaders,
    stepLanes,
    warmChoices,
    warmPreparer,
    problem,
    decisions,
    report: {
      profile: profile.device.name,
      objective,
      predictedMs: simulation.totalMs,
      predictedHighMs: simulate(pessimistic(problem), decisions, false).totalMs,
      plan: guarded?.plan ?? 'conventional',
      ...(guarded ? { defaultPlanMs: guarded.defaultPlanMs } : {}),
      uncosted: problem.uncosted,
      warmMs: decisions.reduce((sum, d, i) => sum + problem.steps[i].options[d.option].executeWarmMs, 0),
      lowerBoundMs: lower,
      gapPct: ((simulation.totalMs - lower) / lower) * 100,
      bundleBytes: bundleBytes(problem, decisions),
      breakdown: breakdownOf(simulation.tasks, simulation.totalMs),
      steps: explainSteps(problem, decisions, simulation.totalMs, budgets),
    },
  };
}

/**
 * The search, guarded so that it cannot do worse than not searching: it also searches the plan
 * with every node on its default kernel (only weight sources, loaders and lanes free) and keeps
 * its own plan only when that plan's prediction, with every choice that differs from the default
 * costed at the worst its uncertainty allows, beats the default plan's prediction.
 */
function guardedSearch(problem: CandidateProblem, budgets: Budgets): { decisions: Decision[]; plan: 'searched' | 'default'; defaultPlanMs: number } {
  const searched = search(problem, budgets).decisions;
  const isDefault = (step: number, option: number): boolean => problem.steps[step].variants[option] === problem.steps[step].defaultVariant;
  const defaultOptions = problem.steps.map((step, i) => step.options.flatMap((_, j) => (isDefault(i, j) ? [j] : [])));
  if (defaultOptions.some((options) => options.length === 0)) return { decisions: searched, plan: 'searched', defaultPlanMs: Infinity };
  const restricted = { ...problem, steps: problem.steps.map((step, i) => ({ ...step, options: defaultOptions[i].map((j) => step.options[j]) })) };
  let unsearched: Decision[];
  try {
    unsearched = search(restricted, budgets).decisions.map((d, i) => ({ ...d, option: defaultOptions[i][d.option] }));
  } catch (error) {
    if (error instanceof CompileError) return { decisions: searched, plan: 'searched', defaultPlanMs: Infinity };
    throw error;
  }
  const defaultPlanMs = simulate(problem, unsearched, false).totalMs;
  const searchedAtWorst = simulate(pessimistic(problem, (i, j) => !isDefault(i, j)), searched, false).totalMs;
  return searchedAtWorst < defaultPlanMs ? { decisions: searched, plan: 'searched', defaultPlanMs } : { decisions: unsearched, plan: 'default', defaultPlanMs };
}

export function breakdownOf(tasks: readonly { stage: Stage; startMs: number; endMs: number }[], totalMs: number): Breakdown {
  const sum = (stage: Stage): number => tasks.filter((t) => t.stage === stage).reduce((s, t) => s + t.endMs - t.startMs, 0);
  return {
    startMs: sum('start'), readMs: sum('read'), allocMs: sum('alloc'), prepareMs: sum('prepare'),
    transformMs: sum('transform'), executeMs: sum('execute'), waitMs: sum('wait'), totalMs,
  };
}

/**
 * Continuous inference: per step whose warm-fastest kernel differs from its cold choice, switch to
 * it after the first run — only when it is faster even at the worst its uncertainty allows, and
 * within the budgets, which also cover what it adds: raw weights the cold plan does not store
 * (its choice reads them packed) are stored at the end of the bundle, and read and packed in
 * memory in the background. Steps that gain the most warm time go first.
 */
export function continuousInference(problem: CandidateProblem, decisions: readonly Decision[], budgets: Budgets): { step: number; option: number }[] {
  const atWorst = (o: CandidateProblem['steps'][number]['options'][number]): number => o.executeWarmMs * (1 + (o.warmUncertainty ?? 0));
  const candidates = problem.steps.flatMap((step, i) => {
    const chosen = step.options[decisions[i].option];
    const warmest = step.options.reduce((b, o, j) => (atWorst(o) < atWorst(step.options[b]) ? j : b), 0);
    if (step.variants[warmest] === step.variants[decisions[i].option] || !(atWorst(step.options[warmest]) < chosen.executeWarmMs)) return [];
    const rawBytes = step.options.find((o) => o.source !== 'stored-transformed')?.readBytes ?? 0;
    const extraBundleBytes = chosen.source === 'stored-transformed' ? rawBytes : 0;
    const warmPackedBytes = step.options.find((o) => o.kernel === step.options[warmest].kernel && o.source === 'transform-at-load')?.loadTimeBytes ?? 0;
    return [{ step: i, option: warmest, gainMs: chosen.executeWarmMs - step.options[warmest].executeWarmMs, extraBundleBytes, extraMemoryBytes: extraBundleBytes + warmPackedBytes }];
  });
  let bundle = bundleBytes(problem, decisions);
  let memory = weightMemoryBytes(problem, decisions);
  const taken: { step: number; option: number }[] = [];
  for (const c of candidates.sort((a, b) => b.gainMs - a.gainMs || a.step - b.step)) {
    if (budgets.maxBundleBytes !== undefined && bundle + c.extraBundleBytes > budgets.maxBundleBytes) continue;
    if (budgets.maxMemoryBytes !== undefined && memory + c.extraMemoryBytes > budgets.maxMemoryBytes) continue;
    bundle += c.extraBundleBytes;
    memory += c.extraMemoryBytes;
    taken.push({ step: c.step, option: c.option });
  }
  return taken.sort((a, b) => a.step - b.step);
}

/**
 * The lane that prepares the warm kernels after the first run: a worker lane the plan starts
 * anyway (to load or to run parts), the one with the least load work, so the executing thread
 * stays free for the application; the executing thread itself (between runs) when there is none.
 * One lane for all, so warm kernels sharing weights never race.
 */
function warmPreparerOf(problem: CandidateProblem, decisions: readonly Decision[]): number {
  const work = new Map<number, number>();
  decisions.forEach((d, i) => {
    const o = problem.steps[i].options[d.option];
    const loadMs = o.readBytes / problem.storage.bytesPerMs + (o.source === 'transform-at-load' ? o.transformMs : 0);
    if (d.loader > 0) work.set(d.loader, (work.get(d.loader) ?? 0) + loadMs);
    for (const lane of executingLanes(problem).slice(1, d.lanes ?? 1)) work.set(lane, work.get(lane) ?? 0);
  });
  const workers = [...work.keys()].sort((a, b) => work.get(a)! - work.get(b)! || a - b);
  return workers[0] ?? 0;
}

/** Per step, the chosen option and the best other one within the budgets (the runner-up), with its cost. */
function explainSteps(problem: CandidateProblem, decisions: readonly Decision[], totalMs: number, budgets: Budgets): StepExplanation[] {
  return problem.steps.map((step, i) => {
    const chosen = step.options[decisions[i].option];
    let runnerUp: StepExplanation['runnerUp'];
    step.options.forEach((o, option) => {
      if (option === decisions[i].option) return;
      const alternative = decisions.map((d, j) => (j === i ? { ...d, option } : d));
      if (!withinBudgets(problem, alternative, budgets)) return;
      const deltaMs = simulate(problem, alternative, false).totalMs - totalMs;
      if (!runnerUp || deltaMs < runnerUp.deltaMs) runnerUp = { kernel: o.kernel, source: o.source, deltaMs };
    });
    return {
      node: step.name, kernel: chosen.kernel, source: chosen.source, loader: decisions[i].loader, lanes: decisions[i].lanes ?? 1,
      executeFirstMs: chosen.executeFirstMs, executeWarmMs: chosen.executeWarmMs, ...(runnerUp ? { runnerUp } : {}),
    };
  });
}

export function formatReport(report: SearchReport): string {
  const b = report.breakdown;
  const lines = [
    `search (${report.objective}) for ${report.profile}: predicted cold ${report.predictedMs.toFixed(2)} ms (at worst ${report.predictedHighMs.toFixed(2)}), lower bound ${report.lowerBoundMs.toFixed(2)} ms, gap ${report.gapPct.toFixed(1)}%, bundle ${(report.bundleBytes / 1e6).toFixed(2)} MB`,
    `plan: ${report.plan}${report.defaultPlanMs !== undefined ? ` (default-kernel plan predicted ${report.defaultPlanMs.toFixed(2)} ms)` : ''}`,
    ...(report.uncosted.length ? [`no cost in the profile (left out): ${summariseUncosted(report.uncosted)}`] : []),
    `stages (ms, summed over lanes): start ${b.startMs.toFixed(2)}  read ${b.readMs.toFixed(2)}  alloc ${b.allocMs.toFixed(2)}  prepare ${b.prepareMs.toFixed(2)}  transform ${b.transformMs.toFixed(2)}  execute ${b.executeMs.toFixed(2)}  wait ${b.waitMs.toFixed(2)}`,
    ...report.steps.map((s) => `  ${s.node}: ${s.kernel} ${s.source} loader ${s.loader}${s.lanes > 1 ? ` split across ${s.lanes} lanes` : ''} execute ${s.executeFirstMs.toFixed(3)} ms` +
      (s.runnerUp ? `; runner-up ${s.runnerUp.kernel} ${s.runnerUp.source} ${s.runnerUp.deltaMs >= 0 ? '+' : ''}${s.runnerUp.deltaMs.toFixed(3)} ms` : '')),
  ];
  return `${lines.join('\n')}\n`;
}

/** "kernel ×count" per uncosted variant, most frequent first. */
export function summariseUncosted(uncosted: readonly UncostedVariant[]): string {
  const counts = new Map<string, number>();
  for (const u of uncosted) counts.set(u.kernel, (counts.get(u.kernel) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ×${n}`).join(', ');
}

/** "--max-bundle-bytes N, --max-memory-bytes M" for the budgets given. */
export function budgetText(budgets: Budgets): string {
  return [
    budgets.maxBundleBytes !== undefined ? `--max-bundle-bytes ${budgets.maxBundleBytes}` : undefined,
    budgets.maxMemoryBytes !== undefined ? `--max-memory-bytes ${budgets.maxMemoryBytes}` : undefined,
  ].filter(Boolean).join(', ');
}
