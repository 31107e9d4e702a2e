/**
 * Exhaustive search over every option, loader lane and split (intra-op lanes) of every step: the
 * optimum of the simulator, for checking the search on small problems (it grows as
 * (options × lanes × splits)^steps).
 */
import { stepLanes, withinBudgets, type Budgets, type Decision, type Problem } from './problem.js';
import { maxSplit } from './search.js';
import { simulate } from './simulate.js';

export function bruteForce(problem: Problem, budgets: Budgets = {}): { decisions: Decision[]; totalMs: number } {
  const loaders = problem.lanes.filter((l) => l.canLoad).map((l) => l.id);
  const lanes = loaders.length === 0 ? [0] : loaders;
  const splits = Array.from({ length: maxSplit(problem) }, (_, i) => i + 1);
  const choices = problem.steps.map((s, step) => s.options.flatMap((_, option) => lanes.flatMap((loader) => splits
    .filter((split) => stepLanes(problem, step, { option, loader, lanes: split }) === split)
    .map((split) => ({ option, loader, lanes: split })))));
  const current: Decision[] = choices.map((c) => c[0]);
  let best: Decision[] = [];
  let bestMs = Infinity;
  const visit = (step: number): void => {
    if (step === choices.length) {
      if (!withinBudgets(problem, current, budgets)) return;
      const ms = simulate(problem, current, false).totalMs;
      if (ms < bestMs) { bestMs = ms; best = [...current]; }
      return;
    }
    for (const choice of choices[step]) {
      current[step] = choice;
      visit(step + 1);
    }
  };
  visit(0);
  return { decisions: best, totalMs: bestMs };
}
