/**
 * Kernel choice with a device profile: builds the problem, runs the search (`cold`, the default)
 * or takes the conventional engine's plan (`warm`: warm-fastest kernels, nothing stored
 * transformed, everything on the executing lane), and explains the result: the predicted
 * breakdown in the paper's stages, the lower bound and gap, and per step the chosen kernel,
 * weight source, loader lane, predicted ms and the runner-up's cost.
 */
import type { Graph, Node } from '../ir/graph.js';
import type { DeviceProfile } from '../profile/profile.js';
import type { KernelChoice } from '../select/select-kernels.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { buildProblem, type CandidateProblem } from './candidates.js';
import { bundleBytes, type Budgets, type Decision } from './problem.js';
import { conventionalPlan, lowerBound, search } from './search.js';
import { simulate, type Stage } from './simulate.js';

export type Objective = 'cold' | 'warm';

export interface Breakdown {
  startMs: number;
  readMs: number;
  allocMs: number;
  prepareMs: number;
  transformMs: number;
  executeMs: number;
  waitMs: number;
  totalMs: number;
}

export interface StepExplanation {
  node: string;
  kernel: string;
  source: string;
  loader: number;
  executeFirstMs: number;
  executeWarmMs: number;
  /** The best other option for this step, and how much later the run would end with it. */
  runnerUp?: { kernel: string; source: string; deltaMs: number };
}

export interface SearchReport {
  profile: string;
  objective: Objective;
  predictedMs: number;
  /** Predicted warm latency: the chosen kernels' warm execution, summed. */
  warmMs: number;
  lowerBoundMs: number;
  gapPct: number;
  bundleBytes: number;
  breakdown: Breakdown;
  steps: StepExplanation[];
}

export function chooseKernels(graph: Graph, profile: DeviceProfile, objective: Objective, budgets: Budgets = {}):
  { choices: Map<Node, KernelChoice>; loaders: Map<Node, number>; warmChoices: Map<Node, KernelVariant>; report: SearchReport; problem: CandidateProblem; decisions: Decision[] } {
  const problem = buildProblem(graph, profile);
  const decisions = objective === 'warm' ? conventionalPlan(problem) : search(problem, budgets).decisions;
  const choices = new Map<Node, KernelChoice>();
  const loaders = new Map<Node, number>();
  const warmChoices = new Map<Node, KernelVariant>();
  problem.steps.forEach((step, i) => {
    loaders.set(step.node, decisions[i].loader);
    // Continuous inference: switch to the warm-fastest kernel after the first run, when it differs.
    const warmest = step.options.reduce((b, o, j) => (o.executeWarmMs < step.options[b].executeWarmMs ? j : b), 0);
    if (step.variants[warmest] !== step.variants[decisions[i].option]) warmChoices.set(step.node, step.variants[warmest]);
    const option = step.options[decisions[i].option];
    choices.set(step.node, { variant: step.variants[decisions[i].option], bypass: option.source === 'stored-transformed' });
  });
  const simulation = simulate(problem, decisions);
  const lower = lowerBound(problem);
  return {
    choices,
    loaders,
    warmChoices,
    problem,
    decisions,
    report: {
      profile: profile.device.name,
      objective,
      predictedMs: simulation.totalMs,
      warmMs: decisions.reduce((sum, d, i) => sum + problem.steps[i].options[d.option].executeWarmMs, 0),
      lowerBoundMs: lower,
      gapPct: ((simulation.totalMs - lower) / lower) * 100,
      bundleBytes: bundleBytes(problem, decisions),
      breakdown: breakdownOf(simulation.tasks, simulation.totalMs),
      steps: explainSteps(problem, decisions, simulation.totalMs),
    },
  };
}

export function breakdownOf(tasks: readonly { stage: Stage; startMs: number; endMs: number }[], totalMs: number): Breakdown {
  const sum = (stage: Stage): number => tasks.filter((t) => t.stage === stage).reduce((s, t) => s + t.endMs - t.startMs, 0);
  return {
    startMs: sum('start'), readMs: sum('read'), allocMs: sum('alloc'), prepareMs: sum('prepare'),
    transformMs: sum('transform'), executeMs: sum('execute'), waitMs: sum('wait'), totalMs,
  };
}

function explainSteps(problem: CandidateProblem, decisions: readonly Decision[], totalMs: number): StepExplanation[] {
  return problem.steps.map((step, i) => {
    const chosen = step.options[decisions[i].option];
    let runnerUp: StepExplanation['runnerUp'];
    step.options.forEach((o, option) => {
      if (option === decisions[i].option) return;
      const alternative = decisions.map((d, j) => (j === i ? { ...d, option } : d));
      const deltaMs = simulate(problem, alternative, false).totalMs - totalMs;
      if (!runnerUp || deltaMs < runnerUp.deltaMs) runnerUp = { kernel: o.kernel, source: o.source, deltaMs };
    });
    return {
      node: step.name, kernel: chosen.kernel, source: chosen.source, loader: decisions[i].loader,
      executeFirstMs: chosen.executeFirstMs, executeWarmMs: chosen.executeWarmMs, ...(runnerUp ? { runnerUp } : {}),
    };
  });
}

export function formatReport(report: SearchReport): string {
  const b = report.breakdown;
  const lines = [
    `search (${report.objective}) for ${report.profile}: predicted cold ${report.predictedMs.toFixed(2)} ms, lower bound ${report.lowerBoundMs.toFixed(2)} ms, gap ${report.gapPct.toFixed(1)}%, bundle ${(report.bundleBytes / 1e6).toFixed(2)} MB`,
    `stages (ms, summed over lanes): start ${b.startMs.toFixed(2)}  read ${b.readMs.toFixed(2)}  alloc ${b.allocMs.toFixed(2)}  prepare ${b.prepareMs.toFixed(2)}  transform ${b.transformMs.toFixed(2)}  execute ${b.executeMs.toFixed(2)}  wait ${b.waitMs.toFixed(2)}`,
    ...report.steps.map((s) => `  ${s.node}: ${s.kernel} ${s.source} loader ${s.loader} execute ${s.executeFirstMs.toFixed(3)} ms` +
      (s.runnerUp ? `; runner-up ${s.runnerUp.kernel} ${s.runnerUp.source} +${s.runnerUp.deltaMs.toFixed(3)} ms` : '')),
  ];
  return `${lines.join('\n')}\n`;
}
