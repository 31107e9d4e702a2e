/**
 * The load test's child process (run with --expose-gc by test/e2e/many-sessions.test.ts): compiles
 * the fixture models with nine sets of options (default, reference kernels, two lanes, transform
 * at load, three device profiles, the conventional plan, a loader lane with two lanes), then holds
 * at least 50 sessions at once, one or more per model and variant: creates them together, runs
 * each on its own seeded inputs, lets continuous inference switch them to warm kernels, runs each
 * again on other inputs, checks every output against the reference executor on the unoptimised
 * graph, disposes them all and collects. Prints one JSON line: the counts and the process's
 * threads, file descriptors (all, and those open on bundle files) and memory before, at the peak
 * and after.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../../compiler/bundle/write-bundle.js';
import { compileModel, type CompileOptions } from '../../compiler/compile.js';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import type { Node } from '../../compiler/ir/graph.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { lowerGraph } from '../../compiler/lower/lower.js';
import { runPasses } from '../../compiler/passes/pipeline.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { fixtureModels, type FixtureModel } from '../../fixtures/models/definitions.js';
import { Session, type Feeds } from '../../runtime/session.js';
import { maxRelativeError } from './compare.js';
import { fixtureModelDir } from './paths.js';
import { openFdCount, threadCount } from './process-resources.js';
import { fixtureProfile } from './profiles.js';
import { selectKernels } from '../../compiler/select/select-kernels.js';

/** Sessions held at once, at least: every model and variant gets one, some more. */
const minSessions = 50;
const tolerance = 1e-4;
const profile = fixtureProfile;

type Variant = { name: string; options: CompileOptions } | { name: string; loaderLane: true };
const variants: readonly Variant[] = [
  { name: 'default', options: {} },
  { name: 'reference', options: { kernels: 'reference' } },
  { name: 'lanes2', options: { lanes: 2 } },
  { name: 'no-bypass', options: { bypass: false } },
  { name: 'epyc', options: { profile: profile('epyc-zen4-2core-node20') } },
  { name: 'pixel5-lanes2', options: { profile: profile('pixel5-cpu'), lanes: 2 } },
  { name: 'jetson', options: { profile: profile('jetson-tx2-gpu') } },
  { name: 'epyc-warm', options: { profile: profile('epyc-zen4-2core-node20'), objective: 'warm' } },
  { name: 'loader-lane', loaderLane: true },
];

function compileVariant(model: string, dir: string, variant: Variant): void {
  if ('options' in variant) {
    compileModel(model, dir, variant.options);
    return;
  }
  const graph = runPasses(importOnnxFile(model));
  const loaders = new Map<Node, number>(graph.nodes.map((n, i) => [n, i % 2 === 0 ? 1 : 0]));
  writeBundle(dir, lowerGraph(graph, selectKernels(graph, 'fast', false), { loaders, lanes: 2 }), { modelName: graph.name, modelSha256: '0'.repeat(64), opset: graph.opset });
}

/** Feeds shaped like the fixture's, seeded by `seed`, so every session and round gets its own (ids and masks stay the fixture's). */
function feedsFor(fixture: FixtureModel, seed: number): Feeds {
  const random = seededRandom(seed);
  return Object.fromEntries(Object.entries(fixture.inputs()).map(([name, t]) => [name, t.dtype === 'float32' ? randomTensor(random, t.dims) : t]));
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function memory(): { rssMiB: number; externalMiB: number } {
  const usage = process.memoryUsage();
  return { rssMiB: mib(usage.rss), externalMiB: mib(usage.external) };
}

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    (globalThis.gc as () => void)();
  }
}

const work = mkdtempSync(join(tmpdir(), 'nncc-many-sessions-'));
try {
  const compileStart = performance.now();
  const combos = fixtureModels.flatMap((fixture) => variants.map((variant) => ({ fixture, variant })));
  const compiled = combos.map(({ fixture, variant }) => {
    const dir = join(work, `${fixture.name}-${variant.name}.nnb`);
    compileVariant(join(fixtureModelDir, `${fixture.name}.onnx`), dir, variant);
    return dir;
  });
  const cases = Array.from({ length: Math.max(minSessions, combos.length) }, (_, i) => {
    const { fixture, variant } = combos[i % combos.length];
    const dir = join(work, `session-${i}.nnb`);
    cpSync(compiled[i % combos.length], dir, { recursive: true });
    const rounds = [feedsFor(fixture, 1000 + i), feedsFor(fixture, 2000 + i)];
    const graph = importOnnxFile(join(fixtureModelDir, `${fixture.name}.onnx`));
    const expected = rounds.map((feeds) => executeGraph(graph, feeds));
    return { label: `${fixture.name}/${variant.name}#${i}`, dir, rounds, expected };
  });
  const compileMs = performance.now() - compileStart;

  await collect();
  const before = { threads: threadCount(), fds: openFdCount(), bundleFds: openFdCount(work), ...memory() };
  const start = performance.now();
  const sessions = await Promise.all(cases.map((c) => Session.create(c.dir)));
  const lanes = sessions.reduce((n, s) => n + s.plan.lanes - 1, 0);
  const during = { threads: threadCount(), fds: openFdCount(), bundleFds: openFdCount(work) };
  let peakRssMiB = memory().rssMiB;
  const mismatches: string[] = [];
  let checked = 0;
  for (const round of [0, 1]) {
    const outputs = await Promise.all(sessions.map((s, i) => s.run(cases[i].rounds[round])));
    outputs.forEach((out, i) => {
      for (const [name, tensor] of Object.entries(cases[i].expected[round])) {
        const error = maxRelativeError(out[name].data as Float32Array, tensor.data as Float32Array);
        checked++;
        if (!(error <= tolerance)) mismatches.push(`${cases[i].label} round ${round} output '${name}': max relative error ${error}`);
      }
    });
    peakRssMiB = Math.max(peakRssMiB, memory().rssMiB);
    // Continuous inference: the second round runs on the warm kernels where the plan has them.
    if (round === 0) await Promise.all(sessions.map((s) => s.prepareWarmKernels()));
  }
  const warmSteps = sessions.reduce((n, s) => n + s.warmSteps, 0);
  const runMs = performance.now() - start;
  await Promise.all(sessions.map((s) => s.dispose()));
  sessions.length = 0;
  await collect();
  const after = { threads: threadCount(), fds: openFdCount(), bundleFds: openFdCount(work), ...memory() };
  process.stdout.write(`${JSON.stringify({
    sessions: cases.length, bundles: combos.length, lanes, warmSteps, checked, mismatches,
    compileMs: Math.round(compileMs), runMs: Math.round(runMs), before, during, peakRssMiB, after,
  })}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
