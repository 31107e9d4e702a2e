/**
 * Creating worker lanes costs the executing lane (`laneCreateMs`): a plan that starts workers is
 * charged once per worker before its first step, a plan without any is not, and when creating a
 * lane costs more than any plan could gain the search starts none.
 */
import assert from 'node:assert/strict';
import type { Problem } from '../../../compiler/search/problem.js';
import { search } from '../../../compiler/search/search.js';
import { simulate } from '../../../compiler/search/simulate.js';
import { randomProblem, seededProblems } from './random-problems.js';

const withLaneCreate = (problem: Problem, laneCreateMs: number): Problem => ({ ...problem, fixed: { ...problem.fixed, laneCreateMs } });

describe('lane creation cost', () => {
  const cases = seededProblems(60, (seed) => randomProblem(seed), 300_000);

  it('charges the workers a plan starts before lane 0\'s first step, and nothing to a plan without workers (60 seeded problems)', () => {
    let delayed = 0;
    for (const problem of cases) {
      const { decisions } = search(problem);
      const workers = Math.max(0, ...decisions.map((d) => d.loader));
      const base = simulate(problem, decisions);
      const charged = simulate(withLaneCreate(problem, 5), decisions);
      // Lane 0 starts its work later by 5 ms per worker; the run never ends sooner.
      const firstWork = (s: typeof base) => s.tasks.find((t) => t.lane === 0 && t.stage !== 'start' && t.stage !== 'prepare')!.startMs;
      assert.ok(Math.abs(firstWork(charged) - firstWork(base) - 5 * workers) < 1e-9);
      assert.ok(charged.totalMs >= base.totalMs - 1e-9);
      if (charged.totalMs > base.totalMs + 1e-9) delayed++;
      const executingOnly = decisions.map((d) => ({ ...d, loader: 0 }));
      assert.equal(simulate(withLaneCreate(problem, 5), executingOnly).totalMs, simulate(problem, executingOnly).totalMs);
    }
    assert.ok(delayed > 0, 'some plan with workers ends later');
  });

  it('starts no worker when creating one costs more than the whole run (60 seeded problems)', () => {
    for (const problem of cases) {
      const dear = withLaneCreate(problem, 1e6);
      // No worker: loads stay on the executing lane or the background reads, which cost no lane.
      assert.ok(search(dear).decisions.every((d) => d.loader <= 0 && (d.lanes ?? 1) === 1));
    }
  });
});
