/**
 * Continuous inference stays within the byte budgets: the warm kernels it plans add raw weights
 * to the bundle (when the cold choice stores them packed) and packed weights to memory, and on
 * seeded random problems the total never exceeds `--max-bundle-bytes` / `--max-memory-bytes`;
 * without budgets every step whose warm-fastest kernel differs switches.
 */
import assert from 'node:assert/strict';
import type { CandidateProblem } from '../../../compiler/search/candidates.js';
import { continuousInference } from '../../../compiler/search/choose.js';
import { bundleBytes, weightMemoryBytes, type Budgets } from '../../../compiler/search/problem.js';
import { search } from '../../../compiler/search/search.js';
import type { KernelVariant } from '../../../runtime/kernels/variant.js';
import type { Node } from '../../../compiler/ir/graph.js';
import { randomProblem } from './random-problems.js';

/** A random problem with a stand-in variant per kernel name (what continuous inference compares). */
function candidateProblem(seed: number): CandidateProblem {
  const problem = randomProblem(seed);
  const variants = new Map<string, KernelVariant>();
  const variantOf = (kernel: string): KernelVariant => {
    if (!variants.has(kernel)) variants.set(kernel, { id: kernel } as unknown as KernelVariant);
    return variants.get(kernel)!;
  };
  return {
    ...problem,
    uncosted: [],
    steps: problem.steps.map((step) => ({
      ...step, node: { name: step.name } as unknown as Node, variants: step.options.map((o) => variantOf(o.kernel)), defaultVariant: variantOf(step.options[0].kernel),
    })),
  };
}

function extraBytes(problem: CandidateProblem, decisions: ReturnType<typeof search>['decisions'], taken: { step: number; option: number }[]) {
  let bundle = 0;
  let memory = 0;
  for (const { step, option } of taken) {
    const s = problem.steps[step];
    const raw = s.options.find((o) => o.source !== 'stored-transformed')?.readBytes ?? 0;
    const extra = s.options[decisions[step].option].source === 'stored-transformed' ? raw : 0;
    bundle += extra;
    memory += extra + (s.options.find((o) => o.kernel === s.options[option].kernel && o.source === 'transform-at-load')?.loadTimeBytes ?? 0);
  }
  return { bundle, memory };
}

describe('continuous inference under budgets', () => {
  it('switches every step whose warm-fastest kernel differs when there is no budget', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const problem = candidateProblem(seed);
      const { decisions } = search(problem, {});
      const differing = problem.steps.filter((s, i) => {
        const warmest = s.options.reduce((b, o, j) => (o.executeWarmMs < s.options[b].executeWarmMs ? j : b), 0);
        return s.variants[warmest] !== s.variants[decisions[i].option];
      }).length;
      assert.equal(continuousInference(problem, decisions, {}).length, differing, `seed ${seed}`);
    }
  });

  it('never takes the bundle or weight memory over its budget (120 seeded problems, two budgets each)', () => {
    let limited = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const problem = candidateProblem(seed);
      const free = search(problem, {}).decisions;
      const all = extraBytes(problem, free, continuousInference(problem, free, {}));
      const bundle = bundleBytes(problem, free);
      const memory = weightMemoryBytes(problem, free);
      for (const budgets of [{ maxBundleBytes: bundle + all.bundle / 2 }, { maxMemoryBytes: memory + all.memory / 2 }] as Budgets[]) {
        const taken = continuousInference(problem, free, budgets);
        const extra = extraBytes(problem, free, taken);
        if (budgets.maxBundleBytes !== undefined) assert.ok(bundle + extra.bundle <= budgets.maxBundleBytes, `seed ${seed}: bundle over budget`);
        if (budgets.maxMemoryBytes !== undefined) assert.ok(memory + extra.memory <= budgets.maxMemoryBytes, `seed ${seed}: memory over budget`);
        if (all.bundle > 0 || all.memory > 0) limited += taken.length < continuousInference(problem, free, {}).length ? 1 : 0;
      }
    }
    assert.ok(limited > 20, `the budgets limited continuous inference in only ${limited} cases: the test would not notice a broken limit`);
  });
});
