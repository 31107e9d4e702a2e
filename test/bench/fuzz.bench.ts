/**
 * The fuzz properties of `test/fuzz/` at volume: per category, N seeded inputs (fast-check,
 * seed 42 unless --seed), each classified as a clear coded error, a correct result, a crash (an
 * uncoded exception or an allocation over the limit), a hang (over 2 s) or a wrong answer (a
 * compile with an over-limit tensor, or bundle outputs that differ from the undamaged bundle's).
 * "changed, caught" counts weights.bin flips that change the output without verify and that
 * verify refuses (allowed). Prints a table and the first failures of each category, and the
 * process's memory every 1000 bundle cases: each case awaits `dispose` (so its lanes' threads,
 * which hold the session's memory, have ended) and a full GC runs every 25 cases, which is what
 * keeps thousands of sessions in one process inside its address space.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bundleFileNames, fuzzBundleKinds, makeFuzzBundle, type FuzzBundle } from '../fuzz/support/bundles.js';
import {
  applyByteMutation, applyByteMutations, applyModelEdits, byteMutationsArb, flipArb, missingInputsArb, missingInputsModel,
  modelEditsArb, randomGraphArb, randomGraphModel, truncateArb,
} from '../fuzz/support/mutations.js';
import { importCase, mutatedBundleCase, resignedPlanCase, type CaseResult, type Verdict } from '../fuzz/support/properties.js';
import { fixtureModelDir } from '../support/paths.js';
import { parseFlags } from './support/options.js';
import { formatTable } from './support/table.js';
import { collectGarbage, processMemory } from './support/process-memory.js';

const usage = `Usage: node dist/test/bench/fuzz.bench.js [options]

Fuzzes the importer (fixture models byte-mutated and structurally edited, nodes with missing
inputs, random small graphs) and the runtime's bundle reading (tiny-cnn bundles: every file
truncated or byte-flipped, with and without verify; plan.msgpack damaged and re-signed), and
prints per category: inputs tried, clear error, correct result, crashes, hangs, wrong answers.

  --runs N      inputs per category (default 2000)
  --seed N      fast-check seed (default 42)
  --help        this text
`;

const flags = parseFlags({ runs: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' } }, usage);
const runs = Number(flags.runs ?? 2000);
const seed = Number(flags.seed ?? 42);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  process.stderr.write(`--runs and --seed need integers\n\n${usage}`);
  process.exit(2);
}

interface Tally { tried: number; counts: Record<Verdict, number>; failures: string[]; ms: number }

const newTally = (): Tally => ({
  tried: 0, counts: { 'clear-error': 0, correct: 0, crash: 0, hang: 0, wrong: 0, 'changed-caught': 0 }, failures: [], ms: 0,
});

const tallies = new Map<string, Tally>();

function record(category: string, result: CaseResult, label: () => string): void {
  let tally = tallies.get(category);
  if (!tally) tallies.set(category, tally = newTally());
  tally.tried++;
  tally.counts[result.verdict]++;
  tally.ms += result.ms;
  if (['crash', 'hang', 'wrong'].includes(result.verdict) && tally.failures.length < 3) {
    tally.failures.push(`${result.verdict}: ${label()}\n    ${(result.detail ?? '').split('\n').join('\n    ')}`);
  }
}

const gcEveryCases = 25;
const memoryReportEveryCases = 1000;
let bundleCases = 0;
const peak = { rssBytes: 0, addressSpaceBytes: 0 };
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const gb = (bytes: number): string => (bytes / 2 ** 30).toFixed(0);

/** After each bundle case: collect now and then, track the peak, report progress. */
function afterBundleCase(): void {
  bundleCases++;
  if (bundleCases % gcEveryCases === 0) collectGarbage();
  const now = processMemory();
  peak.rssBytes = Math.max(peak.rssBytes, now.rssBytes);
  peak.addressSpaceBytes = Math.max(peak.addressSpaceBytes, now.addressSpaceBytes);
  if (bundleCases % memoryReportEveryCases === 0) {
    process.stderr.write(`fuzz: ${bundleCases} bundle cases, rss ${mb(now.rssBytes)} MiB, address space ${gb(now.addressSpaceBytes)} GiB\n`);
  }
}

const sample = <T>(arb: fc.Arbitrary<T>, offset = 0): T[] => fc.sample(arb, { seed: seed + offset, numRuns: runs });

function fuzzImport(): void {
  const fixtureNames = ['tiny-cnn', 'fire-block', 'legacy-opset9'];
  const fixtures = new Map(fixtureNames.map((name) => [name, new Uint8Array(readFileSync(join(fixtureModelDir, `${name}.onnx`)))]));
  for (const [name, mutations] of sample(fc.tuple(fc.constantFrom(...fixtureNames), byteMutationsArb), 1)) {
    record('import: fixture bytes mutated', importCase(applyByteMutations(fixtures.get(name)!, mutations)), () => `${name} ${JSON.stringify(mutations)}`);
  }
  for (const [name, edits] of sample(fc.tuple(fc.constantFrom(...fixtureNames), modelEditsArb), 2)) {
    record('import: fixture models edited', importCase(applyModelEdits(fixtures.get(name)!, edits)), () => `${name} ${JSON.stringify(edits)}`);
  }
  for (const spec of sample(missingInputsArb, 3)) {
    const model = missingInputsModel(spec);
    record('import: missing inputs', importCase(model.bytes), () => model.label);
  }
  for (const spec of sample(randomGraphArb, 4)) {
    const model = randomGraphModel(spec);
    record('import: random graphs', importCase(model.bytes), () => `${model.label} ${JSON.stringify(spec)}`);
  }
}

async function fuzzBundles(bundles: FuzzBundle[]): Promise<void> {
  let offset = 10;
  for (const file of bundleFileNames) {
    for (const verify of file === 'weights.bin' ? [false, true] : [false]) {
      const category = `bundle: ${file}${file === 'weights.bin' ? (verify ? ' (verify)' : ' (no verify)') : ''}`;
      for (const [which, mutation] of sample(fc.tuple(fc.nat({ max: bundles.length - 1 }), fc.oneof(truncateArb, flipArb)), offset++)) {
        const bundle = bundles[which];
        const bytes = applyByteMutation(bundle.files[file], mutation);
        const result = await mutatedBundleCase(bundle.goodDir, bundle.workDir, file, bytes, bundle.feeds, bundle.expected, verify);
        // Under verify every change to weights.bin must be refused (NNCC206, or NNCC205 when truncated).
        const verdict = verify && file === 'weights.bin' && result.verdict === 'correct' && bytes.length !== bundle.files[file].length ? 'wrong' : result.verdict;
        record(category, { ...result, verdict }, () => `${bundle.label} ${JSON.stringify(mutation)}`);
        afterBundleCase();
      }
    }
  }
  const resigned = fc.sample(fc.tuple(fc.nat({ max: bundles.length - 1 }), byteMutationsArb), { seed: seed + offset++, numRuns: runs });
  for (const [which, mutations] of resigned) {
    const bundle = bundles[which];
    const bytes = applyByteMutations(bundle.files['plan.msgpack'], mutations);
    const result = await resignedPlanCase(bundle.goodDir, bundle.workDir, bytes, bundle.feeds, bundle.expected, false);
    record('bundle: plan.msgpack re-signed', result, () => `${bundle.label} ${JSON.stringify(mutations)}`);
    afterBundleCase();
  }
}

const root = mkdtempSync(join(tmpdir(), 'nncc-fuzz-bench-'));
try {
  const start = performance.now();
  fuzzImport();
  const bundles: FuzzBundle[] = [];
  for (const kind of fuzzBundleKinds) bundles.push(await makeFuzzBundle(root, kind));
  await fuzzBundles(bundles);
  const headers = ['category', 'inputs tried', 'clear error', 'correct result', 'changed, caught by verify', 'crashes', 'hangs', 'wrong answers', 'ms/input'];
  const rows = [...tallies].map(([category, t]) => [
    category, String(t.tried), String(t.counts['clear-error']), String(t.counts.correct), String(t.counts['changed-caught']),
    String(t.counts.crash), String(t.counts.hang), String(t.counts.wrong), (t.ms / t.tried).toFixed(2),
  ]);
  process.stdout.write(`fuzz: ${runs} inputs per category, seed ${seed}, bundles ${fuzzBundleKinds.join(', ')} (${((performance.now() - start) / 1000).toFixed(1)} s; `
    + `${bundleCases} bundle cases, peak rss ${mb(peak.rssBytes)} MiB, peak address space ${gb(peak.addressSpaceBytes)} GiB)\n\n`);
  process.stdout.write(`${formatTable(headers, rows)}\n`);
  const failures = [...tallies].filter(([, t]) => t.failures.length > 0);
  for (const [category, t] of failures) process.stdout.write(`\n${category}:\n  ${t.failures.join('\n  ')}\n`);
  process.exitCode = failures.length > 0 ? 1 : 0;
} finally {
  rmSync(root, { recursive: true, force: true });
}
