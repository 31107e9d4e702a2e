/**
 * Load contention in the simulator: execution on the executing lane runs `loadContention` times
 * slower while a loader lane works; without loader lanes or with a factor of 1 nothing changes;
 * a larger factor never predicts a faster run; the search stays within 2% of brute force with it.
 */
import assert from 'node:assert/strict';
import { bruteForce } from '../../../compiler/search/brute-force.js';
import type { Problem } from '../../../compiler/search/problem.js';
import { lowerBound, search } from '../../../compiler/search/search.js';
import { simulate, stretchedEnd } from '../../../compiler/search/simulate.js';
import { randomProblem, seededProblems } from './random-problems.js';

const withContention = (problem: Problem, loadContention: number): Problem => ({ ...problem, fixed: { ...problem.fixed, loadContention } });

describe('load contention', () => {
  it('stretches only the part of the work inside the slow intervals', () => {
    const slow = [[10, 20], [30, 40]] as const;
    assert.equal(stretchedEnd(0, 5, slow, 2), 5);
    assert.equal(stretchedEnd(0, 15, slow, 2), 20); // 10 fast, then 5 of work take the 10 slow ms
    assert.equal(stretchedEnd(12, 4, slow, 2), 20);
    assert.equal(stretchedEnd(12, 20, slow, 2), 41); // 4 of work to 20, 10 fast to 30, 5 slow to 40, 1 fast to 41
    assert.equal(stretchedEnd(0, 7, slow, 1), 7);
    assert.equal(stretchedEnd(45, 3, slow, 3), 48);
  });

  const cases = seededProblems(60, (seed) => randomProblem(seed), 300_000);

  it('a larger factor never predicts a faster run, and plans with no loader lane are unchanged (60 seeded problems)', () => {
    for (const problem of cases) {
      const { decisions } = search(problem);
      const base = simulate(problem, decisions).totalMs;
      const slower = simulate(withContention(problem, 1.5), decisions).totalMs;
      const slowest = simulate(withContention(problem, 2), decisions).totalMs;
      assert.ok(base <= slower + 1e-9 && slower <= slowest + 1e-9, `${base} ≤ ${slower} ≤ ${slowest}`);
      const executingOnly = decisions.map((d) => ({ ...d, loader: 0 }));
      assert.equal(simulate(withContention(problem, 2), executingOnly).totalMs, simulate(problem, executingOnly).totalMs);
    }
  });

  it('the search stays within 2% of brute force and above the lower bound with contention (24 seeded problems)', () => {
    for (const problem of cases.slice(0, 24).map((p) => withContention(p, 1.6))) {
      const found = search(problem).predictedMs;
      const optimum = bruteForce(problem).totalMs;
      assert.ok(found <= optimum * 1.02 + 1e-9, `search ${found} vs brute force ${optimum}`);
      assert.ok(found >= lowerBound(problem) - 1e-9);
    }
  });
});
