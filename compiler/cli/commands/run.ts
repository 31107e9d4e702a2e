/**
 * `nncc run <bundle>`: a fresh process loads the bundle with the runtime alone, runs one
 * inference on the given input files, writes or summarises the outputs, with --timings prints
 * the cold-start stage breakdown, and with --trace writes what every lane did as a Chrome trace.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutputFile } from '../../write-failure.js';
import type * as Runtime from '../../../runtime/index.js';
import type { StageTimings } from '../../../runtime/execute/timings.js';
import type { PredictedCold } from '../../../runtime/bundle/manifest.js';
import type { Tensor } from '../../../runtime/tensor/tensor.js';
import type { TensorSpec } from '../../../runtime/bundle/manifest.js';
import { CompileError, codes } from '../../diagnostics.js';
import { parseFileBindings } from '../parse-bindings.js';
import { lengthInTensorFile, readTensorFile, writeTensorFile } from '../tensor-files.js';

export interface RunArgs {
  bundle: string;
  input: string[];
  output: string[];
  timings: boolean;
  verify: boolean;
  trace?: string;
  json: boolean;
}

/** The bundled runtime (dist/bundle/runtime.js): one file to parse, as a deployed runtime would be. */
const runtimeBundle = new URL('../../../bundle/runtime.js', import.meta.url).href;

export async function runCommand(args: RunArgs): Promise<void> {
  const runtime = (await import(runtimeBundle)) as typeof Runtime;
  if (existsSync(join(args.bundle, 'buckets.json'))) {
    await runBucketSet(runtime, args);
    return;
  }
  const { Session } = runtime;
  const session = await Session.create(args.bundle, { verify: args.verify });
  const inputFiles = parseFileBindings(args.input, session.inputs.map((i) => i.name), '--input');
  const outputs = await session.run(readFeeds(session.inputs, inputFiles));
  const sinceProcessStartMs = performance.now();
  const outputFiles = parseFileBindings(args.output, session.outputs.map((o) => o.name), '--output');
  for (const [name, file] of outputFiles) writeTensorFile(file, outputs[name]);
  const cold = coldBreakdown(session.loadTimings, session.lastRunTimings, sinceProcessStartMs);
  const predicted = session.manifest.predicted;
  if (args.trace) writeOutputFile(args.trace, `${JSON.stringify(session.trace())}\n`);
  session.dispose();
  if (args.json) {
    const prediction = predicted ? { predicted: { coldMs: predicted.coldMs, stages: predicted.stages } } : {};
    process.stdout.write(`${JSON.stringify({ ok: true, outputs: summarise(outputs), timings: cold, ...prediction })}\n`);
    return;
  }
  printOutputs(outputs, outputFiles);
  if (args.timings) process.stdout.write(formatBreakdown(cold, predicted ?? undefined));
}

/**
 * A bucket set: the fed length comes from the first padded input's file; the runtime picks the
 * bucket. --timings and --trace describe one bundle's load and are refused here.
 */
async function runBucketSet(runtime: typeof Runtime, args: RunArgs): Promise<void> {
  if (args.timings || args.trace) {
    throw new CompileError(codes.badOption, `${args.timings ? '--timings' : '--trace'} describes one bundle; ${args.bundle} is a bucket set`, {},
      'run one of its buckets (its .nnb inside) for the stage breakdown');
  }
  const session = runtime.BucketedSession.create(args.bundle, { verify: args.verify });
  const first = session.set.inputs[0];
  const templates = session.inputsFor(1);
  const names = templates.map((t) => t.name);
  const inputFiles = parseFileBindings(args.input, names, '--input');
  const firstSpec = templates.find((t) => t.name === first.name)!;
  const length = lengthInTensorFile(fileFor(firstSpec, inputFiles), firstSpec, first.axis);
  const outputs = await session.run(readFeeds(session.inputsFor(length), inputFiles));
  const outputFiles = parseFileBindings(args.output, Object.keys(outputs), '--output');
  for (const [name, file] of outputFiles) writeTensorFile(file, outputs[name]);
  await session.dispose();
  const bucket = session.sizes.find((size) => size >= length);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, [session.set.dim]: length, bucket, outputs: summarise(outputs) })}\n`);
    return;
  }
  process.stdout.write(`${session.set.dim} ${length} → bucket ${bucket}\n`);
  printOutputs(outputs, outputFiles);
}

function fileFor(spec: TensorSpec, inputFiles: Map<string, string>): string {
  const file = inputFiles.get(spec.name);
  if (!file) {
    throw new CompileError(codes.badOption, `no file for input '${spec.name}' (${spec.dtype}[${spec.dims.join(',')}])`, {},
      `pass --input ${spec.name}=<file.f32|file.i64|file.npy>`);
  }
  return file;
}

function readFeeds(specs: readonly TensorSpec[], inputFiles: Map<string, string>): Record<string, Tensor> {
  return Object.fromEntries(specs.map((spec) => [spec.name, readTensorFile(fileFor(spec, inputFiles), spec)]));
}

function printOutputs(outputs: Record<string, Tensor>, outputFiles: Map<string, string>): void {
  for (const [name, s] of Object.entries(summarise(outputs))) {
    process.stdout.write(`${name}: ${s.dtype}[${s.dims.join(',')}] argmax ${s.argmax} max ${s.max.toPrecision(6)} ` +
      `first [${s.first.map((v) => v.toPrecision(5)).join(', ')}]${outputFiles.has(name) ? ` → ${outputFiles.get(name)}` : ''}\n`);
  }
}

interface ColdBreakdown extends StageTimings {
  processStartToOutputMs: number;
}

/** Load and first run together: the executing lane's time per stage on the cold path. */
function coldBreakdown(load: StageTimings, run: StageTimings, sinceProcessStartMs: number): ColdBreakdown {
  return {
    readMs: load.readMs + run.readMs,
    allocMs: load.allocMs + run.allocMs,
    prepareMs: load.prepareMs + run.prepareMs,
    transformMs: load.transformMs + run.transformMs,
    executeMs: run.executeMs,
    waitMs: run.waitMs,
    totalMs: load.totalMs + run.totalMs,
    processStartToOutputMs: sinceProcessStartMs,
  };
}

/**
 * The measured stages (the executing lane's), beside the compiler's prediction when the bundle
 * has one (summed over lanes, so a stage other lanes share can predict more than one lane spends).
 */
function formatBreakdown(t: ColdBreakdown, predicted?: PredictedCold): string {
  const p = predicted?.stages;
  const rows: [string, number, number | undefined][] = [
    ['start (process start → load)', t.processStartToOutputMs - t.totalMs, p?.start],
    ['read', t.readMs, p?.read], ['alloc', t.allocMs, p?.alloc], ['prepare', t.prepareMs, p?.prepare], ['transform', t.transformMs, p?.transform],
    ['execute', t.executeMs, p?.execute], ['wait (for other lanes\' loads)', t.waitMs, p?.wait], ['total cold (load + first run)', t.totalMs, undefined],
    ['process start → first output', t.processStartToOutputMs, predicted?.coldMs],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const cell = (ms: number | undefined): string => (ms === undefined ? '' : ms.toFixed(2)).padStart(10);
  const header = `stage${' '.repeat(width - 5)}  ${'ms'.padStart(10)}${p ? `  ${'predicted'.padStart(10)}` : ''}`;
  return `\n${header}\n${rows.map(([name, ms, guess]) => `${name.padEnd(width)}  ${cell(ms)}${p ? `  ${cell(guess)}` : ''}`.trimEnd()).join('\n')}\n`;
}

interface OutputSummary { dtype: string; dims: readonly number[]; argmax: number; max: number; first: number[] }

function summarise(outputs: Record<string, Tensor>): Record<string, OutputSummary> {
  const result: Record<string, OutputSummary> = {};
  for (const [name, t] of Object.entries(outputs)) {
    let argmax = 0;
    for (let i = 1; i < t.data.length; i++) if (Number(t.data[i]) > Number(t.data[argmax])) argmax = i;
    const first = Array.from({ length: Math.min(5, t.data.length) }, (_, i) => Number(t.data[i]));
    result[name] = { dtype: t.dtype, dims: t.dims, argmax, max: t.data.length ? Number(t.data[argmax]) : NaN, first };
  }
  return result;
}
