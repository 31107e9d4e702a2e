/**
 * The background lane (the runtime's background reads on Node's I/O threads) in the simulator:
 * it reads from when the bundle is open, with no start-up and no creation cost; it only reads,
 * so the executing lane transforms what it read just before the step; and when the plan also
 * starts a worker, its reads share lane 1's core (they wait for that worker's start-up).
 */
import assert from 'node:assert/strict';
import type { Lane } from '../../../compiler/profile/profile.js';
import { backgroundLaneSpec, type Decision, type Problem, type StepOption } from '../../../compiler/search/problem.js';
import { backgroundReads } from '../../../runtime/plan/plan.js';
import { search } from '../../../compiler/search/search.js';
import { simulate } from '../../../compiler/search/simulate.js';
import { randomProblem, seededProblems } from './random-problems.js';

const option = (source: StepOption['source'], transformMs = 0): StepOption => ({
  kernel: 'k', source, readBytes: 1e6, storedBytes: 1e6, loadTimeBytes: source === 'transform-at-load' ? 1e6 : 0,
  transformMs, executeFirstMs: 2, executeWarmMs: 2,
});

/** Two steps of 1 MB each; storage 1 MB/ms; a worker takes 30 ms to start and 4 ms to create. */
function problem(source: StepOption['source'], transformMs = 0): Problem {
  const lanes: Lane[] = [{ id: 0, relativeSpeed: 1, canExecute: true, canLoad: true }, { id: 1, relativeSpeed: 1, canExecute: false, canLoad: true }, backgroundLaneSpec];
  return {
    steps: [{ name: 'a', options: [option(source, transformMs)] }, { name: 'b', options: [option(source, transformMs)] }],
    lanes,
    storage: { bytesPerMs: 1e6, latencyMs: 0 },
    fixed: { startMs: 50, prepareMs: 5, workerStartMs: 30, laneCreateMs: 4, allocMs: 1, firstTouchMsPerByte: 0 },
  };
}

const tasksOf = (p: Problem, decisions: Decision[], lane: number, stage: string) =>
  simulate(p, decisions).tasks.filter((t) => t.lane === lane && t.stage === stage);

describe('the background lane in the simulator', () => {
  it('reads from when the bundle is open, before a worker could, and costs lane 0 no creation', () => {
    const p = problem('stored-transformed');
    const background = [{ option: 0, loader: backgroundReads }, { option: 0, loader: backgroundReads }];
    const worker = [{ option: 0, loader: 1 }, { option: 0, loader: 1 }];
    assert.equal(tasksOf(p, background, backgroundReads, 'read')[0].startMs, 55);
    // A worker's start-up counts from the start of its creation (it includes the 4 ms of creating it).
    assert.equal(tasksOf(p, worker, 1, 'read')[0].startMs, 55 + 30);
    assert.ok(simulate(p, background).totalMs < simulate(p, worker).totalMs);
    // Lane 0 allocates right after the bundle is open: no lane was created.
    assert.equal(tasksOf(p, background, 0, 'alloc')[0].startMs, 55);
  });

  it('only reads: the executing lane transforms what it read, just before the step', () => {
    const p = problem('transform-at-load', 3);
    const decisions = [{ option: 0, loader: backgroundReads }, { option: 0, loader: backgroundReads }];
    assert.equal(tasksOf(p, decisions, backgroundReads, 'transform').length, 0);
    const transforms = tasksOf(p, decisions, 0, 'transform');
    const executes = tasksOf(p, decisions, 0, 'execute');
    assert.equal(transforms.length, 2);
    transforms.forEach((t, i) => {
      assert.equal(t.endMs - t.startMs, 3);
      assert.ok(t.startMs >= tasksOf(p, decisions, backgroundReads, 'read')[i].endMs - 1e-9, 'after its read');
      assert.ok(Math.abs(executes[i].startMs - t.endMs) < 1e-9, 'just before its step');
    });
  });

  it('shares lane 1\'s core when the plan starts a worker: its reads wait for that worker\'s start-up', () => {
    const p = problem('stored-transformed');
    const alone = [{ option: 0, loader: backgroundReads }, { option: 0, loader: 0 }];
    const withWorker = [{ option: 0, loader: backgroundReads }, { option: 0, loader: 1 }];
    assert.equal(tasksOf(p, alone, backgroundReads, 'read')[0].startMs, 55);
    const shared = tasksOf(p, withWorker, backgroundReads, 'read')[0];
    assert.ok(shared.startMs >= 55 + 30 - 1e-9, `background read at ${shared.startMs}`);
  });

  it('is what the search uses when workers cost more than any plan gains (60 seeded problems)', () => {
    const cases = seededProblems(60, (seed) => randomProblem(seed), 300_000, (q) => q.lanes.some((l) => l.id === backgroundReads));
    let used = 0;
    for (const q of cases) {
      const { decisions } = search({ ...q, fixed: { ...q.fixed, laneCreateMs: 1e6 } });
      assert.ok(decisions.every((d) => d.loader <= 0));
      if (decisions.some((d) => d.loader === backgroundReads)) used++;
    }
    assert.ok(used > cases.length / 2, `the background lane loads in ${used} of ${cases.length} plans`);
  });
});
