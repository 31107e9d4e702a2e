/**
 * Whole-model warm inference on the real models in ../shared/models (every NAME.onnx there with
 * its input files, or those `--models` names; a model whose files are missing or do not fit, or
 * that nncc cannot compile, is skipped, support/shared-models.ts): nncc (kernels 'fast',
 * compiled for 1 and 2 lanes, and for 1 lane all-NCHW (`--layout nchw`), run by `Session`) beside onnxruntime-node (1 and 2 intra-op
 * threads) and onnxruntime-web (1 thread), all in this process and timed in alternation. Every
 * engine's output is checked against PyTorch's stored output; an engine that cannot load or run
 * a model says so in its cell. A second table gives nncc's convolution-only throughput, from
 * per-step times of the same bundles (`RunOptions.stepTimes`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModel, importOnnxFile } from '../../compiler/compile.js';
import { flopsOf, planStepShapes } from '../../compiler/ir/flops.js';
import { Session } from '../../runtime/session.js';
import { maxRelativeError } from '../support/compare.js';
import { readFeedTensors, type FeedTensors } from './support/feeds.js';
import { ortNodeSession, ortWebSession, type PeerSession } from './support/onnxruntime.js';
import { machineInfo, parseFlags } from './support/options.js';
import { measureEach, modelsFlagUsage, modelsUsage, selectModels, type SharedModel } from './support/shared-models.js';
import { gflops, interleavedMediansMs, median, type Repetitions } from './support/stats.js';
import { fixed, formatTable, ms, ratio } from './support/table.js';

const tolerance = 1e-4;

const usage = `Usage: node dist/test/bench/models.bench.js [options]

Warm whole-model inference (ms) of each model: nncc 1 and 2 lanes, onnxruntime-node 1 and 2
threads, onnxruntime-web 1 thread.

${modelsUsage()}

  --runs N      timed runs per engine after a check run and 2 warm-ups (default 10; 5 with --quick)
${modelsFlagUsage}
  --quick       fewer runs
  --json FILE   also write the results as JSON
  --help        this text
`;

const flags = parseFlags({ runs: { type: 'string' }, models: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'string' }, help: { type: 'boolean' } }, usage);
const repetitions: Repetitions = { warmups: 2, runs: Number(flags.runs ?? (flags.quick ? 5 : 10)) };
if (!(repetitions.runs >= 1)) {
  process.stderr.write(`--runs needs a positive number, got '${flags.runs}'\n\n${usage}`);
  process.exit(2);
}
const models = selectModels(flags.models);

interface Engine {
  name: string;
  run(): Promise<Float32Array>;
  release(): unknown;
}

interface EngineResult {
  name: string;
  warmMs?: number;
  maxRelError?: number;
  /** Why the engine could not load or run the model (one line); its cells say FAILED. */
  error?: string;
}

interface ConvResult {
  lanes: number;
  /** 0 for a model without Conv steps. */
  convMs: number;
  convGflops?: number;
}

interface ModelResult {
  model: string;
  flops: number;
  convFlops: number;
  engines: EngineResult[];
  conv: ConvResult[];
}

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** FLOPs of the imported graph (before any pass, symbolic dims bound as compiled), as `nncc inspect` counts them. */
function modelFlops(modelPath: string, dims: Record<string, number>): number {
  const graph = importOnnxFile(modelPath, { dims });
  const dimsOf = (name: string) => (name === '' ? undefined : graph.values.get(name)?.dims);
  return graph.nodes.reduce((sum, n) => sum + flopsOf({
    op: n.op, attrs: n.attrs, inputs: n.inputs.map(dimsOf), outputs: n.outputs.filter(Boolean).map((o) => dimsOf(o)!),
  }), 0);
}

/** An engine before tryEngine names it. */
type Loaded = Omit<Engine, 'name'>;

function nnccEngine(bundle: string, feeds: FeedTensors): Loaded {
  const session = Session.createSync(bundle);
  const outputName = session.outputs[0].name;
  return {
    run: async () => session.runSync(feeds)[outputName].data as Float32Array,
    release: () => session.dispose(),
  };
}

function peerEngine(session: PeerSession, feeds: FeedTensors): Loaded {
  return { run: () => session.run(feeds), release: () => session.release() };
}

const oneLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * The engine, loaded and run once untimed to see that it can (every engine alike, so all get the
 * same warm-ups); or why not. onnxruntime may lack an operator or dtype a model has: that
 * engine's cells then say FAILED and the others still run.
 */
async function tryEngine(name: string, load: () => Loaded | Promise<Loaded>): Promise<Engine | { name: string; error: string }> {
  let engine: Loaded | undefined;
  try {
    engine = await load();
    await engine.run();
    return { name, ...engine };
  } catch (error) {
    await engine?.release();
    return { name, error: oneLine(error) };
  }
}

/** Median time of the bundle's Conv steps in one run, and their FLOPs, from per-step times. */
function convTimes(bundle: string, feeds: FeedTensors): { convMs: number; convFlops: number } {
  const session = Session.createSync(bundle);
  try {
    const { plan } = session;
    const convSteps = plan.steps.flatMap((s, i) => (s.op === 'Conv' ? [i] : []));
    const convFlops = convSteps.reduce((sum, i) => sum + flopsOf(planStepShapes(plan, plan.steps[i])), 0);
    const stepTimes = new Float64Array(plan.steps.length);
    for (let i = 0; i < repetitions.warmups; i++) session.runSync(feeds, { stepTimes });
    const samples = Array.from({ length: repetitions.runs }, () => {
      session.runSync(feeds, { stepTimes });
      return convSteps.reduce((sum, i) => sum + stepTimes[i], 0);
    });
    return { convMs: median(samples), convFlops };
  } finally {
    session.dispose();
  }
}

async function measureModel({ name: model, modelPath, feeds: feedFiles, dims, expectedPath }: SharedModel, work: string): Promise<ModelResult> {
  const bound = Object.entries(dims).map(([name, size]) => `${name}=${size}`).join(', ');
  process.stdout.write(`measuring ${model}${bound ? ` (${bound})` : ''}…\n`);
  const feeds = readFeedTensors(feedFiles);
  const expected = readF32(expectedPath);
  const bundles = [1, 2].map((lanes) => {
    const bundle = join(work, `${model}-${lanes}lane.nnb`);
    compileModel(modelPath, bundle, { kernels: 'fast', lanes, dims });
    return { lanes, bundle };
  });
  // The same kernels with every activation NCHW (--layout nchw): what the NC4HW4 layout changes.
  const nchwBundle = join(work, `${model}-1lane-nchw.nnb`);
  compileModel(modelPath, nchwBundle, { kernels: 'fast', lanes: 1, layout: 'nchw', dims });
  const loaders: [string, () => Loaded | Promise<Loaded>][] = [
    ...bundles.map(({ lanes, bundle }): [string, () => Loaded] => [`nncc ${lanes} lane${lanes > 1 ? 's' : ''}`, () => nnccEngine(bundle, feeds)]),
    ['nncc 1 lane NCHW', () => nnccEngine(nchwBundle, feeds)],
    ['ort-node 1t', async () => peerEngine(await ortNodeSession(modelPath, 1), feeds)],
    ['ort-node 2t', async () => peerEngine(await ortNodeSession(modelPath, 2), feeds)],
    ['ort-web 1t', async () => peerEngine(await ortWebSession(modelPath), feeds)],
  ];
  const loaded: (Engine | { name: string; error: string })[] = [];
  for (const [name, load] of loaders) loaded.push(await tryEngine(name, load));
  const engines = loaded.filter((e): e is Engine => !('error' in e));
  for (const e of loaded) if ('error' in e) process.stdout.write(`  ${e.name} FAILED: ${e.error}\n`);
  try {
    const warmMs = await interleavedMediansMs(engines.map((e) => e.run), repetitions);
    const results = await Promise.all(loaded.map(async (e): Promise<EngineResult> => {
      if ('error' in e) return e;
      return { name: e.name, warmMs: warmMs[engines.indexOf(e)], maxRelError: maxRelativeError(await e.run(), expected) };
    }));
    const conv = bundles.map(({ lanes, bundle }) => ({ lanes, ...convTimes(bundle, feeds) }));
    return {
      model, flops: modelFlops(modelPath, dims), convFlops: conv[0].convFlops, engines: results,
      conv: conv.map(({ lanes, convMs, convFlops }) => ({ lanes, convMs, ...(convFlops ? { convGflops: gflops(convFlops, convMs) } : {}) })),
    };
  } finally {
    for (const e of engines) await e.release();
  }
}

function printTables(results: readonly ModelResult[]): void {
  const warm = (r: ModelResult, name: string) => r.engines.find((e) => e.name === name)?.warmMs;
  const checks = (r: ModelResult) => {
    const failed = r.engines.filter((e) => e.error !== undefined);
    const wrong = r.engines.filter((e) => e.error === undefined && !(e.maxRelError! <= tolerance));
    const notes = [
      ...(wrong.length ? [`WRONG ${wrong.map((e) => `${e.name} ${e.maxRelError!.toExponential(1)}`).join(', ')}`] : []),
      ...(failed.length ? [`FAILED ${failed.map((e) => e.name).join(', ')} (reason above)`] : []),
    ];
    return notes.length ? notes.join('; ') : 'ok';
  };
  // An engine that could not run the model says FAILED in its cell, not a missing number.
  const cell = (r: ModelResult, name: string) => (r.engines.find((e) => e.name === name)?.error !== undefined ? 'FAILED' : ms(warm(r, name)));
  const rows = results.map((r) => [
    r.model, fixed(r.flops / 1e9, 2), cell(r, 'nncc 1 lane'), cell(r, 'nncc 1 lane NCHW'), cell(r, 'nncc 2 lanes'), cell(r, 'ort-node 1t'),
    cell(r, 'ort-node 2t'), cell(r, 'ort-web 1t'),
    ratio(warm(r, 'nncc 1 lane'), warm(r, 'ort-node 1t')), ratio(warm(r, 'nncc 2 lanes'), warm(r, 'ort-node 2t')),
    ratio(warm(r, 'nncc 1 lane'), warm(r, 'ort-web 1t')),
    fixed(gflops(r.flops, warm(r, 'nncc 1 lane')!)), fixed(gflops(r.flops, warm(r, 'nncc 2 lanes')!)), checks(r),
  ]);
  process.stdout.write(`\n${formatTable(['model', 'GFLOPs', 'nncc 1 lane', 'nncc 1 lane NCHW', 'nncc 2 lanes', 'ort-node 1t', 'ort-node 2t', 'ort-web 1t',
    'nncc/ort-node 1t', 'nncc/ort-node 2t', 'nncc/ort-web', 'nncc GFLOP/s 1 lane', 'nncc GFLOP/s 2 lanes', 'check'], rows)}\n`);
  const convRows = results.map((r) => {
    const [one, two] = r.conv;
    if (!r.convFlops) return [r.model, '0.00', '–', '–', 'no Conv', '–', '–'];
    return [r.model, fixed(r.convFlops / 1e9, 2), ms(one.convMs), fixed(one.convGflops), `${fixed((100 * one.convMs) / warm(r, 'nncc 1 lane')!, 0)}%`,
      ms(two.convMs), fixed(two.convGflops)];
  });
  process.stdout.write(`\nnncc convolutions only (sum of Conv step times in one run, median)\n\n`);
  process.stdout.write(`${formatTable(['model', 'conv GFLOPs', 'conv ms 1 lane', 'conv GFLOP/s 1 lane', 'conv share 1 lane', 'conv ms 2 lanes', 'conv GFLOP/s 2 lanes'], convRows)}\n`);
}

async function main(): Promise<void> {
  process.stdout.write(`nncc whole-model warm inference, ms (median of ${repetitions.runs} runs per engine after a check run and ${repetitions.warmups} warm-ups, engines alternating)\n`);
  const work = mkdtempSync(join(tmpdir(), 'nncc-bench-models-'));
  const { results, skipped } = await measureEach(models, (model) => measureModel(model, work), (line) => process.stdout.write(`${line}\n`))
    .finally(() => rmSync(work, { recursive: true, force: true }));
  if (results.length) printTables(results);
  else process.stdout.write('\nno model ran\n');
  if (skipped.length) process.stdout.write(`\nskipped (reasons above): ${skipped.map((s) => s.model).join(', ')}\n`);
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ machine: machineInfo(), repetitions, models: results, skipped }, null, 2)}\n`);
    process.stdout.write(`wrote ${flags.json}\n`);
  }
}

await main();
