/**
 * End-to-end cold start on the real models in ../shared/models (every NAME.onnx there with its
 * input files, or those `--models` names; a model whose files are missing or do not fit, or that
 * nncc cannot compile, is skipped, support/shared-models.ts): the wall time, measured here
 * around `spawnSync`, of a fresh `node` process that imports an engine, loads the model from
 * disk, runs one inference and exits (support/cold-*.ts). Engines: nncc with the search's cold
 * plan for this machine's profile, the same bundle run by `nncc run` (the CLI, wall time only), nncc's conventional (warm-objective) plan, onnxruntime-node
 * with 1 and 2 intra-op threads, onnxruntime-web with 1 thread, and the floor `node -e 0`; all in
 * one run, one process of each engine per round (round-robin) so background load falls on all
 * alike. Two cache conditions: page cache warm, and disk-cold (the model's files evicted before
 * every process). Beside them each engine's warm latency, measured in one long-lived process,
 * and nncc's own in-process stage breakdown (read, alloc, prepare, transform, execute, wait).
 * The children get the model's feeds as a file, `NAME.feeds.json` in the work folder
 * (support/feeds.ts): each input's file, dtype and dims.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModel } from '../../compiler/compile.js';
import { evictFile } from '../../compiler/measure/measure-fixed.js';
import type { StageTimings } from '../../runtime/execute/timings.js';
import { cliPath, repoRoot } from '../support/paths.js';
import { machineInfo, parseFlags } from './support/options.js';
import { writeFeedsFile } from './support/feeds.js';
import { measureEach, modelsFlagUsage, modelsUsage, selectModels, type SharedModel } from './support/shared-models.js';
import { median } from './support/stats.js';
import { fixed, formatTable, ms, ratio } from './support/table.js';

/** This machine as `nncc profile` measured it last (fixtures/profiles/README.md); `--profile` picks another. */
const defaultProfile = join('fixtures', 'profiles', 'epyc-zen5-2core-node20.json');
const supportDir = join(dirname(fileURLToPath(import.meta.url)), 'support');
/** The target: nncc's end-to-end cold within this factor of (floor + nncc warm). */
const targetFactor = 1.15;

const usage = `Usage: node dist/test/bench/cold.bench.js [options]

End-to-end cold start (ms) of each model: the wall time of a fresh node process that imports
the engine, loads the model, runs one inference and exits, for nncc cold (the profile,
objective cold; also run by \`nncc run\`), nncc conventional (same
profile, objective warm), onnxruntime-node 1 and 2 threads, onnxruntime-web 1 thread and the
floor \`node -e 0\`; page cache warm and disk-cold (files evicted before every process). Also
each engine's warm latency and nncc's stage breakdown.

${modelsUsage()}

  --profile F   the device profile nncc's bundles are compiled for (default ${defaultProfile},
                this machine as last measured)
  --runs N      fresh processes per engine and cache condition (default 7; 3 with --quick)
${modelsFlagUsage}
  --quick       fewer processes and warm runs
  --json FILE   also write the results (every sample) as JSON
  --help        this text
`;

const flags = parseFlags({ profile: { type: 'string' }, runs: { type: 'string' }, models: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'string' }, help: { type: 'boolean' } }, usage);
const profilePath = resolve(repoRoot, flags.profile ?? defaultProfile);
const processes = Number(flags.runs ?? (flags.quick ? 3 : 7));
if (!(Number.isInteger(processes) && processes >= 1)) {
  process.stderr.write(`--runs needs a positive integer, got '${flags.runs}'\n\n${usage}`);
  process.exit(2);
}
const warmRepetitions = { warmups: 2, runs: flags.quick ? 5 : 10 };
const models = selectModels(flags.models);

/** The JSON line a cold child prints (support/cold-child.ts `report`). */
interface ChildLine {
  importMs: number;
  createMs: number;
  runMs: number;
  /** nncc only: `session.loadTimings` and `session.lastRunTimings`. */
  load?: StageTimings;
  run?: StageTimings;
  maxRelError: number;
  ok: boolean;
  /** getrusage's peak, which includes the parent's RSS at spawn (see support/cold-child.ts). */
  maxRssKB: number;
  /** The process's own peak RSS (VmHWM), absent off Linux. */
  ownPeakRssKB?: number;
  sinceStartMs: number;
  /** Wall clock (epoch ms) when the answer was ready. */
  answerEpochMs: number;
}

interface ProcessSample {
  wallMs: number;
  /** From the parent's spawn to the child's answer: the cold latency, without the process's exit. */
  toAnswerMs?: number;
  child?: ChildLine;
  /** Set when the process failed (non-zero exit, signal, timeout, no JSON line). */
  error?: string;
}

type Condition = 'pageCacheWarm' | 'diskCold';
const conditions: readonly Condition[] = ['pageCacheWarm', 'diskCold'];
const conditionNames: Record<Condition, string> = { pageCacheWarm: 'page cache warm', diskCold: 'disk-cold' };

interface Engine {
  name: string;
  /** The child's argv after `node`. */
  args: string[];
  /** The files to evict before a disk-cold process: the model's files this engine reads. */
  files: string[];
  /** The argv of the warm-latency child (after the repetitions), absent for the floor. */
  warmArgs?: string[];
}

interface EngineResult {
  name: string;
  samples: Record<Condition, ProcessSample[]>;
  /** Why the disk-cold column is empty, when it is. */
  diskColdSkipped?: string;
  warm?: { warmMs: number; samples: number[]; maxRelError: number; maxRssKB: number } | { error: string };
  /** The floor's peak RSS (it cannot report its own): a `node -e` that only prints it. */
  floorRss?: { maxRssKB: number; ownPeakRssKB?: number };
}

interface BundleInfo {
  name: string;
  dir: string;
  files: { path: string; bytes: number }[];
  predictedColdMs?: number;
  predictedWarmMs?: number;
  compileMs: number;
}

interface ModelResult {
  model: string;
  bundles: BundleInfo[];
  evictionMethod: string;
  engines: EngineResult[];
}

const floorName = 'node -e 0 (floor)';
/** A module that reads the input files and writes an output of the model's output size (support/cold-script-floor.ts). */
const scriptFloorName = 'script floor';
/** The target against the script floor: nncc's end-to-end cold within this factor of (script floor + nncc warm). */
const scriptTargetFactor = 1.2;
const isFloor = (name: string): boolean => name === floorName || name === scriptFloorName;
const nnccCold = 'nncc cold';
/** `nncc run` on the cold bundle: the command a user tries first, against the application path (nncc cold). */
const nnccCli = 'nncc run (CLI, cold bundle)';
/** Engines timed by their wall time alone: they print no child line (support/cold-child.ts). */
const wallOnly = (name: string): boolean => isFloor(name) || name === nnccCli;
const nnccConventional = 'nncc conventional';
const ortNodeNames = ['ort-node 1t', 'ort-node 2t'];

function spawnTimed(args: readonly string[], parse: boolean): ProcessSample {
  const spawnEpochMs = performance.timeOrigin + performance.now();
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 });
  const wallMs = performance.now() - start;
  const failed = result.error ? result.error.message
    : result.signal ? `killed by ${result.signal}`
      : result.status !== 0 ? `exit ${result.status}` : undefined;
  const lastLine = result.stdout?.trim().split('\n').at(-1) ?? '';
  let child: ChildLine | undefined;
  if (parse) {
    try {
      child = JSON.parse(lastLine) as ChildLine;
    } catch {
      return { wallMs, error: `${failed ?? 'no JSON line'}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}` };
    }
  }
  if (failed) return { wallMs, child, error: `${failed}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}` };
  return { wallMs, child, ...(child?.answerEpochMs ? { toAnswerMs: child.answerEpochMs - spawnEpochMs } : {}) };
}

function support(script: string): string {
  return join(supportDir, script);
}

function compileBundle(name: string, { modelPath, dims }: SharedModel, dir: string, objective: 'cold' | 'warm'): BundleInfo {
  const start = performance.now();
  const { manifest } = compileModel(modelPath, dir, { profile: profilePath, objective, dims });
  return {
    name, dir, files: readdirSync(dir).sort().map((path) => ({ path, bytes: manifest.files.find((f) => f.path === path)?.bytes ?? 0 })),
    predictedColdMs: manifest.predicted?.coldMs, predictedWarmMs: manifest.predicted?.warmMs, compileMs: performance.now() - start,
  };
}

/** The engines' children for the model, each given `feedsPath` (support/feeds.ts) but `nncc run`, which takes `--input name=path` per input. */
function enginesFor({ modelPath, feeds, expectedPath: expected }: SharedModel, feedsPath: string, bundles: readonly BundleInfo[]): Engine[] {
  return [
    ...bundles.map((b) => ({
      name: b.name, args: [support('cold-nncc.js'), b.dir, feedsPath, expected], files: readdirSync(b.dir).map((f) => join(b.dir, f)),
      warmArgs: ['nncc', b.dir, feedsPath, expected],
    })),
    ...[1, 2].map((threads) => ({
      name: `ort-node ${threads}t`, args: [support('cold-ort-node.js'), modelPath, String(threads), feedsPath, expected], files: [modelPath],
      warmArgs: ['ort-node', modelPath, feedsPath, expected, String(threads)],
    })),
    { name: 'ort-web 1t', args: [support('cold-ort-web.js'), modelPath, feedsPath, expected], files: [modelPath], warmArgs: ['ort-web', modelPath, feedsPath, expected] },
    ...bundles.filter((b) => b.name === nnccCold).map((b) => ({
      name: nnccCli, args: [cliPath, 'run', b.dir, ...feeds.flatMap((f) => ['--input', `${f.name}=${f.path}`])],
      files: readdirSync(b.dir).map((f) => join(b.dir, f)),
    })),
    { name: floorName, args: ['-e', '0'], files: [] },
    { name: scriptFloorName, args: [support('cold-script-floor.js'), feedsPath, expected], files: [] },
  ];
}

function note(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** One process of each engine per round, the starting engine rotating from round to round. */
function roundRobin(engines: readonly Engine[], results: EngineResult[], condition: Condition, evict: boolean): void {
  for (let round = 0; round < processes; round++) {
    for (let k = 0; k < engines.length; k++) {
      const i = (round + k) % engines.length;
      const engine = engines[i];
      const result = results[i];
      if (evict) {
        if (result.diskColdSkipped) continue;
        const failed = engine.files.map((f) => ({ f, ...evictFile(f) })).find((e) => !e.evicted);
        if (failed) {
          result.diskColdSkipped = `${failed.f}: ${failed.method}`;
          note(`  ${engine.name}: eviction failed (${result.diskColdSkipped}); its disk-cold column is skipped`);
          continue;
        }
      }
      const sample = spawnTimed(engine.args, !wallOnly(engine.name));
      if (sample.error) note(`  ${engine.name} (${conditionNames[condition]}, round ${round + 1}) FAILED: ${sample.error}`);
      result.samples[condition].push(sample);
    }
  }
}

function measureWarm(engine: Engine): EngineResult['warm'] {
  if (!engine.warmArgs) return undefined;
  const sample = spawnTimed([support('cold-warm.js'), String(warmRepetitions.warmups), String(warmRepetitions.runs), ...engine.warmArgs], true);
  if (sample.error || !sample.child) return { error: sample.error ?? 'no result' };
  const line = sample.child as unknown as { warmMs: number; samples: number[]; maxRelError: number; maxRssKB: number };
  return { warmMs: line.warmMs, samples: line.samples, maxRelError: line.maxRelError, maxRssKB: line.maxRssKB };
}

function measureModel(shared: SharedModel, work: string): ModelResult {
  const { name: model, modelPath, dims } = shared;
  const bound = Object.entries(dims).map(([name, size]) => `${name}=${size}`).join(', ');
  note(`${model}: compiling the bundles (profile ${profilePath}${bound ? `; dims ${bound}` : ''})`);
  const bundles = [
    compileBundle(nnccCold, shared, join(work, `${model}-cold.nnb`), 'cold'),
    compileBundle(nnccConventional, shared, join(work, `${model}-conventional.nnb`), 'warm'),
  ];
  const feedsPath = join(work, `${model}.feeds.json`);
  writeFeedsFile(feedsPath, shared.feeds);
  const engines = enginesFor(shared, feedsPath, bundles);
  const results: EngineResult[] = engines.map((e) => ({ name: e.name, samples: { pageCacheWarm: [], diskCold: [] } }));

  note(`${model}: one untimed process per engine (fills the page cache)`);
  for (const engine of engines) {
    const sample = spawnTimed(engine.args, !wallOnly(engine.name));
    if (sample.error) note(`  ${engine.name} FAILED: ${sample.error}`);
  }
  note(`${model}: page cache warm, ${processes} rounds`);
  roundRobin(engines, results, 'pageCacheWarm', false);

  const probe = evictFile(modelPath);
  if (probe.evicted) {
    note(`${model}: disk-cold, ${processes} rounds (eviction: ${probe.method})`);
    roundRobin(engines, results, 'diskCold', true);
  } else {
    note(`${model}: disk-cold skipped: eviction of ${modelPath} failed: ${probe.method}`);
    for (const r of results) r.diskColdSkipped = probe.method;
  }

  note(`${model}: warm latency, one process per engine (${warmRepetitions.warmups} warm-ups, median of ${warmRepetitions.runs})`);
  engines.forEach((engine, i) => {
    results[i].warm = measureWarm(engine);
    const warm = results[i].warm;
    if (warm && 'error' in warm) note(`  ${engine.name} warm FAILED: ${warm.error}`);
  });
  const floorRss = spawnTimed([support('cold-floor-rss.js')], true);
  const floor = results.find((r) => r.name === floorName);
  if (floorRss.child && floor) floor.floorRss = { maxRssKB: floorRss.child.maxRssKB, ownPeakRssKB: floorRss.child.ownPeakRssKB };
  return { model, bundles, evictionMethod: probe.method, engines: results };
}

// ---- summaries --------------------------------------------------------------------------------

const good = (samples: readonly ProcessSample[]) => samples.filter((s) => !s.error);
const walls = (r: EngineResult, c: Condition) => good(r.samples[c]).map((s) => s.wallMs);
const wallMedian = (r: EngineResult | undefined, c: Condition): number | undefined => {
  const w = r ? walls(r, c) : [];
  return w.length ? median(w) : undefined;
};
const warmMs = (r: EngineResult | undefined): number | undefined => (r?.warm && 'warmMs' in r.warm ? r.warm.warmMs : undefined);
const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const minus = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);

function medianMin(r: EngineResult, c: Condition): string {
  if (c === 'diskCold' && r.diskColdSkipped && !walls(r, c).length) return 'skipped';
  const w = walls(r, c);
  return w.length ? `${ms(median(w))} (${ms(Math.min(...w))})` : '–';
}

function check(r: EngineResult): string {
  const all = conditions.flatMap((c) => r.samples[c]);
  const failed = all.filter((s) => s.error).length;
  const worst = Math.max(0, ...all.flatMap((s) => (s.child ? [s.child.maxRelError] : [])), r.warm && 'maxRelError' in r.warm ? r.warm.maxRelError : 0);
  if (wallOnly(r.name)) return failed ? `${failed} FAILED` : '';
  if (failed || (r.warm && 'error' in r.warm)) return `${failed + (r.warm && 'error' in r.warm ? 1 : 0)} FAILED`;
  return worst <= 1e-4 ? 'ok' : `WRONG ${worst.toExponential(1)}`;
}

/** Median own peak RSS (VmHWM; getrusage's maxRSS where that is missing) over the page-cache-warm processes. */
function peakRssMB(r: EngineResult): number | undefined {
  if (r.floorRss) return (r.floorRss.ownPeakRssKB ?? r.floorRss.maxRssKB) / 1024;
  const rss = good(r.samples.pageCacheWarm).flatMap((s) => (s.child ? [s.child.ownPeakRssKB ?? s.child.maxRssKB] : []));
  return rss.length ? median(rss) / 1024 : undefined;
}

function stages(sample: ProcessSample): Record<string, number> | undefined {
  const { load, run } = sample.child ?? {};
  if (!load || !run) return undefined;
  return {
    read: load.readMs + run.readMs, alloc: load.allocMs + run.allocMs, prepare: load.prepareMs + run.prepareMs,
    transform: load.transformMs + run.transformMs, execute: load.executeMs + run.executeMs, wait: load.waitMs + run.waitMs,
    total: load.totalMs + run.totalMs,
  };
}

function printModel(m: ModelResult): void {
  const byName = (name: string) => m.engines.find((e) => e.name === name);
  const floor = byName(floorName);
  const floorMs = (c: Condition) => wallMedian(floor, c);
  const bundleLine = m.bundles.map((b) => `${b.name}: ${fixed(b.files.reduce((s, f) => s + f.bytes, 0) / 2 ** 20, 1)} MB in ${b.files.length} files, `
    + `predicted cold ${ms(b.predictedColdMs)} ms, warm ${ms(b.predictedWarmMs)} ms`).join('; ');
  note(`\n## ${m.model}\n\n${bundleLine}\n`);
  // The prediction models spawn → first output; the e2e wall time adds the process's exit.
  for (const b of m.bundles) {
    const samples = good(byName(b.name)?.samples.pageCacheWarm ?? []);
    const toAnswer = samples.flatMap((s) => (s.toAnswerMs === undefined ? [] : [s.toAnswerMs]));
    const wall = samples.map((s) => s.wallMs);
    if (b.predictedColdMs === undefined || !toAnswer.length) continue;
    const error = (measured: number) => `${((100 * (b.predictedColdMs! - measured)) / measured).toFixed(1)}%`;
    note(`${b.name}: predicted ${ms(b.predictedColdMs)} ms; measured (page cache warm, medians) spawn → answer ${ms(median(toAnswer))} ms `
      + `(prediction error ${error(median(toAnswer))}), e2e wall ${ms(median(wall))} ms (${error(median(wall))})`);
  }
  const cliCold = wallMedian(byName(nnccCli), 'pageCacheWarm');
  const appCold = wallMedian(byName(nnccCold), 'pageCacheWarm');
  if (cliCold !== undefined && appCold !== undefined) {
    note(`${nnccCli}: ${ms(cliCold)} ms against the application path (${nnccCold}) ${ms(appCold)} ms, page cache warm, medians: ${cliCold >= appCold ? '+' : ''}${ms(cliCold - appCold)} ms`);
  }
  note('');

  const rows = m.engines.map((r) => {
    const cold = wallMedian(r, 'pageCacheWarm');
    const warm = warmMs(r);
    const floorRow = isFloor(r.name);
    return [
      r.name, medianMin(r, 'pageCacheWarm'), medianMin(r, 'diskCold'),
      floorRow ? '–' : ms(minus(cold, floorMs('pageCacheWarm'))), floorRow ? '–' : ms(minus(wallMedian(r, 'diskCold'), floorMs('diskCold'))),
      ms(warm), floorRow || warm === undefined || floorMs('pageCacheWarm') === undefined ? '–' : ratio(cold, floorMs('pageCacheWarm')! + warm),
      fixed(peakRssMB(r)), check(r),
    ];
  });
  note(formatTable(['engine', 'e2e cold, page cache warm: median (min)', 'e2e cold, disk-cold: median (min)', 'above floor',
    'above floor, disk-cold', 'warm ms', 'cold/(floor+warm)', 'peak RSS MB', 'check'], rows));
  note('(median (min) over the processes; above floor = e2e median − node -e 0 median in the same condition; warm ms = in-process median;'
    + ' cold/(floor+warm) = e2e page cache warm / (floor + warm); peak RSS = median of each process\'s own VmHWM)');

  const cold = byName(nnccCold);
  const conventional = byName(nnccConventional);
  note('');
  for (const c of conditions) {
    const nncc = wallMedian(cold, c);
    if (nncc === undefined) {
      note(`${conditionNames[c]}: no nncc cold result`);
      continue;
    }
    const floorC = floorMs(c);
    const orts = ortNodeNames.map(byName).filter((r): r is EngineResult => wallMedian(r, c) !== undefined);
    const best = orts.sort((a, b) => wallMedian(a, c)! - wallMedian(b, c)!)[0];
    const conv = wallMedian(conventional, c);
    note(`${conditionNames[c]}:`);
    if (best) {
      const ort = wallMedian(best, c)!;
      note(`  nncc cold vs best onnxruntime-node (${best.name}): e2e ${ms(nncc)} / ${ms(ort)} = ${ratio(nncc, ort)}, `
        + `above floor ${ms(minus(nncc, floorC))} / ${ms(minus(ort, floorC))} = ${ratio(minus(nncc, floorC), minus(ort, floorC))}  (< 1: nncc faster)`);
    }
    if (conv !== undefined) {
      note(`  nncc cold vs nncc conventional: speedup ${ratio(conv, nncc)} e2e (${ms(conv)} → ${ms(nncc)}), `
        + `${ratio(minus(conv, floorC), minus(nncc, floorC))} above floor (${ms(minus(conv, floorC))} → ${ms(minus(nncc, floorC))})`);
    }
    const nnccWarms = [cold, conventional].filter((r): r is EngineResult => warmMs(r) !== undefined).sort((a, b) => warmMs(a)! - warmMs(b)!);
    if (floorC !== undefined && nnccWarms.length) {
      const warm = warmMs(nnccWarms[0])!;
      const bound = targetFactor * (floorC + warm);
      note(`  nncc cold ≤ ${targetFactor} × (floor + nncc warm)? ${ms(nncc)} vs ${targetFactor} × (${ms(floorC)} + ${ms(warm)} [${nnccWarms[0].name}]) = ${ms(bound)}`
        + ` → ${nncc <= bound ? 'yes' : 'no'} (cold is ${ratio(nncc, floorC + warm)} floor+warm)`);
    }
  }

  const breakdownRows = [cold, conventional].flatMap((r) => (r ? conditions.flatMap((c) => {
    const per = good(r.samples[c]).flatMap((s) => { const st = stages(s); return st ? [st] : []; });
    if (!per.length) return [];
    const keys = ['read', 'alloc', 'prepare', 'transform', 'execute', 'wait', 'total'];
    return [[r.name, conditionNames[c], String(per.length), ...keys.map((k) => ms(mean(per.map((p) => p[k]))))]];
  }) : []));
  note(`\nnncc in-process stage breakdown, ms (mean over the cold processes; session.loadTimings + session.lastRunTimings)\n`);
  note(formatTable(['bundle', 'cache', 'processes', 'read', 'alloc', 'prepare', 'transform', 'execute', 'wait', 'total'], breakdownRows));

  const inProcessRows = m.engines.filter((r) => !wallOnly(r.name)).flatMap((r) => conditions.flatMap((c) => {
    const children = good(r.samples[c]).flatMap((s) => (s.child ? [{ ...s.child, wallMs: s.wallMs }] : []));
    if (!children.length) return [];
    const avg = (f: (x: (typeof children)[number]) => number) => mean(children.map(f));
    return [[r.name, conditionNames[c], ms(avg((x) => x.importMs)), ms(avg((x) => x.createMs)), ms(avg((x) => x.runMs)),
      ms(avg((x) => x.sinceStartMs)), ms(avg((x) => x.wallMs)), ms(avg((x) => x.wallMs - x.sinceStartMs))]];
  }));
  note(`\nwhere the end-to-end time goes, ms (mean over the cold processes): the child's own clock (performance.now(), from its start) at import, create, first run and the printed answer; the rest of the wall time is spawning and exiting\n`);
  note(formatTable(['engine', 'cache', 'import', 'create session', 'first run', 'start → answer', 'e2e wall', 'spawn + exit'], inProcessRows));
}

/** One row per model: the page-cache-warm medians the per-model sections give, side by side. */
function printSummary(results: readonly ModelResult[]): void {
  const rows = results.map((m) => {
    const byName = (name: string) => m.engines.find((e) => e.name === name);
    const c: Condition = 'pageCacheWarm';
    const floor = wallMedian(byName(floorName), c);
    const cold = byName(nnccCold);
    const nncc = wallMedian(cold, c);
    const best = ortNodeNames.map(byName).filter((r): r is EngineResult => wallMedian(r, c) !== undefined)
      .sort((a, b) => wallMedian(a, c)! - wallMedian(b, c)!)[0];
    const ort = wallMedian(best, c);
    const warm = Math.min(...[cold, byName(nnccConventional)].flatMap((r) => warmMs(r) ?? []));
    const bundle = m.bundles.find((b) => b.name === nnccCold);
    const scriptFloor = wallMedian(byName(scriptFloorName), c);
    const toAnswer = good(cold?.samples[c] ?? []).flatMap((s) => (s.toAnswerMs === undefined ? [] : [s.toAnswerMs]));
    const predictionError = bundle?.predictedColdMs !== undefined && toAnswer.length
      ? `${((100 * (bundle.predictedColdMs - median(toAnswer))) / median(toAnswer)).toFixed(1)}%` : '–';
    return [
      m.model, ms(floor), ms(nncc), best ? `${ms(ort)} (${best.name})` : '–', ratio(nncc, ort), ratio(minus(nncc, floor), minus(ort, floor)),
      floor === undefined || !Number.isFinite(warm) ? '–' : ratio(nncc, floor + warm), ms(scriptFloor),
      scriptFloor === undefined || !Number.isFinite(warm) ? '–' : ratio(nncc, scriptFloor + warm), predictionError, ms(bundle?.compileMs),
    ];
  });
  note('\n## every model, page cache warm (medians)\n');
  note(formatTable(['model', 'floor', 'nncc cold', 'best ort-node', 'nncc/ort e2e', 'nncc/ort above floor', 'cold/(floor+warm)', 'script floor',
    `cold/(script floor+warm) (target ≤ ${scriptTargetFactor})`, 'prediction error', 'compile ms'], rows));
  note('(floor: node -e 0; script floor: a module that reads the input files and writes an output of the model\'s output size; warm: nncc\'s best warm, in-process)');
}

async function main(): Promise<void> {
  note(`nncc end-to-end cold start, ms: ${processes} fresh processes per engine and cache condition, engines round-robin; `
    + `warm latency: median of ${warmRepetitions.runs} runs after ${warmRepetitions.warmups} warm-ups in one process per engine`);
  const work = mkdtempSync(join(tmpdir(), 'nncc-bench-cold-'));
  const { results, skipped } = await measureEach(models, (model) => measureModel(model, work), note)
    .finally(() => rmSync(work, { recursive: true, force: true }));
  for (const m of results) printModel(m);
  if (results.length) printSummary(results);
  else note('\nno model ran');
  if (skipped.length) note(`\nskipped (reasons above): ${skipped.map((s) => s.model).join(', ')}`);
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ machine: machineInfo(), profile: profilePath, processes, warmRepetitions, models: results, skipped }, null, 2)}\n`);
    note(`wrote ${flags.json}`);
  }
}

await main();
