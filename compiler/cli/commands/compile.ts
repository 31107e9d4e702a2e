/**
 * `nncc compile <model> -o <bundle>`: runs the whole compiler, reporting progress per stage on
 * stderr and a summary (or JSON) on stdout.
 */
import { resolve } from 'node:path';
import { compileBuckets } from '../../buckets.js';
import { compileModel, type CompileOptions } from '../../compile.js';
import { CompileError, codes } from '../../diagnostics.js';
import { parseBuckets, parseDimBindings, parsePads } from '../parse-bindings.js';

export interface CompileArgs {
  model: string;
  output?: string;
  dim: string[];
  buckets?: string;
  pad: string[];
  /**
   * The numeric flags as yargs gives them (no type, so a value that is not a number stays the text
   * the user wrote, for the error to name): checked here, `batch` by compileModel.
   */
  batch: unknown;
  kernels: 'fast' | 'reference';
  layout: 'auto' | 'nchw';
  bypass: boolean;
  lanes?: unknown;
  profile?: string;
  objective: 'cold' | 'warm';
  continuous: boolean;
  maxBundleBytes?: unknown;
  maxMemoryBytes?: unknown;
  dumpDir?: string;
  json: boolean;
}

export function compileCommand(args: CompileArgs): void {
  const lanes = args.lanes;
  if (lanes !== undefined && !(typeof lanes === 'number' && Number.isInteger(lanes) && lanes >= 1 && lanes <= 64)) {
    throw new CompileError(codes.badOption, `--lanes ${String(lanes)} must be a whole number from 1 to 64`, {}, 'use the number of cores the device gives the model');
  }
  const bytes = (flag: string, value: unknown): number | undefined => {
    if (value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0)) return value;
    throw new CompileError(codes.badOption, `${flag} needs a number of bytes, got '${String(value)}'`, {}, `e.g. ${flag} 50000000`);
  };
  const budgets = { maxBundleBytes: bytes('--max-bundle-bytes', args.maxBundleBytes), maxMemoryBytes: bytes('--max-memory-bytes', args.maxMemoryBytes) };
  const outDir = args.output ?? args.model.replace(/\.onnx$/i, '') + '.nnb';
  if (args.pad.length && !args.buckets) throw new CompileError(codes.badOption, '--pad applies to --buckets only', {}, 'add --buckets dim=<sizes>, or drop --pad');
  const options: CompileOptions = {
    dims: parseDimBindings(args.dim),
    batch: args.batch as number,
    kernels: args.kernels,
    layout: args.layout,
    bypass: args.bypass,
    lanes,
    profile: args.profile,
    objective: args.objective,
    continuous: args.continuous,
    budgets,
    dumpDir: args.dumpDir,
    onStage: args.json ? undefined : (stage) => process.stderr.write(`nncc: ${stage}…\n`),
  };
  if (args.buckets) {
    writeBucketSet(args, outDir, options);
    return;
  }
  const result = compileModel(args.model, outDir, options);
  const summary = {
    ok: true, bundle: resolve(outDir), ...result.stats, inputs: result.manifest.inputs, outputs: result.manifest.outputs,
    ...(result.search ? { search: { ...result.search, steps: undefined } } : {}),
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const mb = (result.stats.weightsBytes / 1e6).toFixed(2);
  process.stdout.write(`wrote ${summary.bundle}: ${result.stats.importedNodes} nodes → ${result.stats.plannedSteps} steps, ` +
    `${mb} MB weights, ${result.stats.elapsedMs.toFixed(0)} ms\n`);
  const search = result.search;
  if (search) {
    process.stdout.write(`predicted cold on ${search.profile} (${search.objective}): ${search.predictedMs.toFixed(1)} ms ` +
      `(lower bound ${search.lowerBoundMs.toFixed(1)} ms, gap ${search.gapPct.toFixed(1)}%)\n`);
  }
}

function writeBucketSet(args: CompileArgs, outDir: string, options: CompileOptions): void {
  const { set, buckets, elapsedMs } = compileBuckets(args.model, outDir, { ...parseBuckets(args.buckets!), pads: parsePads(args.pad) }, options);
  const rows = buckets.map(({ size, result }) => ({
    size, bundle: set.buckets.find((b) => b.size === size)!.bundle, ...result.stats,
    ...(result.search ? { predictedColdMs: result.search.predictedMs } : {}),
  }));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, bucketSet: resolve(outDir), dim: set.dim, inputs: set.inputs, outputs: set.outputs, buckets: rows, elapsedMs })}\n`);
    return;
  }
  process.stdout.write(`wrote ${resolve(outDir)}: ${set.dim} buckets ${set.buckets.map((b) => b.size).join(', ')} `
    + `(pads ${set.inputs.map((i) => `${i.name}=${i.pad}`).join(', ')}; cut ${set.outputs.map((o) => o.name).join(', ') || 'none'}), ${elapsedMs.toFixed(0)} ms\n`);
  for (const row of rows) {
    process.stdout.write(`  ${row.bundle}: ${row.plannedSteps} steps, ${(row.weightsBytes / 1e6).toFixed(2)} MB weights`
      + `${row.predictedColdMs !== undefined ? `, predicted cold ${row.predictedColdMs.toFixed(1)} ms` : ''}\n`);
  }
}
