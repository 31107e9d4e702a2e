/**
 * The search against brute force at volume: seeded random problems (`test/unit/search/
 * random-problems.ts`: ≤ 8 steps, ≤ 3 options, 2–3 lanes), without and with intra-op splitting,
 * each solved exhaustively over options × loader lanes (× splits) and by the search. Prints per
 * kind how many cases are within 2% of the optimum, how many exact, the worst gap, the search's
 * gap to its lower bound and the time both took. The unit tests run 24 of each kind.
 */
import { bruteForce } from '../../compiler/search/brute-force.js';
import { lowerBound, maxSplit, search } from '../../compiler/search/search.js';
import { randomProblem, randomSplitProblem, seededProblems } from '../unit/search/random-problems.js';
import { parseFlags } from './support/options.js';
import { formatTable } from './support/table.js';

const usage = `Usage: node dist/test/bench/search.bench.js [options]

Compares the search's plan with the brute-force optimum of the simulator on seeded random small
problems, without and with intra-op splitting.

  --cases N       problems per kind (default 200)
  --max-plans N   skip problems whose brute force visits more plans (default 300000)
  --help          this text
`;

const flags = parseFlags({ cases: { type: 'string', default: '200' }, 'max-plans': { type: 'string', default: '300000' }, help: { type: 'boolean', default: false } }, usage);
const cases = Number(flags.cases);
const maxPlans = Number(flags['max-plans']);

const rows: string[][] = [];
for (const [kind, problems] of [
  ['options × loaders', seededProblems(cases, (s) => randomProblem(s), maxPlans)],
  ['options × loaders × splits', seededProblems(cases, (s) => randomSplitProblem(s), maxPlans, (p) => maxSplit(p) > 1)],
] as const) {
  let within = 0;
  let exact = 0;
  let worstPct = 0;
  let bruteMs = 0;
  let searchMs = 0;
  const gaps: number[] = [];
  for (const problem of problems) {
    let start = performance.now();
    const optimum = bruteForce(problem).totalMs;
    bruteMs += performance.now() - start;
    start = performance.now();
    const found = search(problem).predictedMs;
    searchMs += performance.now() - start;
    const pct = ((found - optimum) / optimum) * 100;
    if (pct <= 2 + 1e-9) within++;
    if (pct <= 1e-9) exact++;
    worstPct = Math.max(worstPct, pct);
    gaps.push(((found - lowerBound(problem)) / found) * 100);
  }
  gaps.sort((a, b) => a - b);
  rows.push([kind, String(problems.length), String(within), String(exact), `${worstPct.toFixed(2)}%`, `${gaps[gaps.length >> 1].toFixed(1)}%`,
    (bruteMs / problems.length).toFixed(1), (searchMs / problems.length).toFixed(2)]);
  process.stderr.write(`${kind}: done\n`);
}
process.stdout.write(`${formatTable(['problems', 'cases', 'within 2%', 'exact', 'worst', 'median gap to lower bound', 'brute force ms/case', 'search ms/case'], rows)}\n`);
