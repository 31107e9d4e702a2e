/**
 * The per-kernel cold-cost table of the design (read raw / transform / read cached / execute),
 * measured here for representative convolution layers and every catalogue variant that applies
 * to each, beside onnxruntime-node and onnxruntime-web on the same layer as a one-node model.
 * Warm numbers are medians in this process; the first call is timed in fresh child processes
 * (support/first-call.ts). The table marks the kernel fastest warm and the one cheapest cold.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceVariantId, variantsFor } from '../../runtime/kernels/catalogue.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { maxRelativeError } from '../support/compare.js';
import { shapesOf } from '../../compiler/probe/place-variant.js';
import { bytesOf, fileReadMs } from './support/file-reads.js';
import { convAttrs, convFlops, convInputs, convLayers, convModelBytes, layerByName, type ConvLayer } from './support/layers.js';
import { ortNodeSession, ortWebSession, type PeerSession } from './support/onnxruntime.js';
import { machineInfo, parseFlags } from './support/options.js';
import { placeVariant } from '../../compiler/probe/place-variant.js';
import { gflops, median, medianMs, medianMsAsync } from './support/stats.js';
import { fixed, formatTable, ms } from './support/table.js';

const usage = `Usage: node dist/test/bench/kernels.bench.js [options]

Per-kernel cold costs (ms) of representative conv layers, for every applicable kernel variant,
beside onnxruntime-node (1 thread) and onnxruntime-web (1 thread).

  --layers a,b,...  only these layers (default: all, listed below)
  --quick           fewer warm repetitions (1 warm-up + 3 runs instead of 2 + 7)
  --processes N     fresh processes per first-call measurement (default 3)
  --json FILE       also write the results as JSON
  --help            this text

Layers:
${convLayers.map((l) => `  ${l.name.padEnd(18)}${l.description}`).join('\n')}
`;

const flags = parseFlags({
  layers: { type: 'string' }, quick: { type: 'boolean' }, processes: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' },
}, usage);
const repetitions = flags.quick ? { warmups: 1, runs: 3 } : { warmups: 2, runs: 7 };
const readRepetitions = flags.quick ? { warmups: 1, runs: 5 } : { warmups: 2, runs: 15 };
const firstCallProcesses = Number(flags.processes ?? 3);
const layers = flags.layers ? flags.layers.split(',').map((name) => name.trim()) : convLayers.map((l) => l.name);
const unknownLayers = layers.filter((name) => !convLayers.some((l) => l.name === name));
if (!(firstCallProcesses >= 1) || unknownLayers.length > 0) {
  process.stderr.write(`${unknownLayers.length ? `unknown layer ${unknownLayers.join(', ')}` : `--processes needs a positive number, got '${flags.processes}'`}\n\n${usage}`);
  process.exit(2);
}
const firstCallScript = fileURLToPath(new URL('./support/first-call.js', import.meta.url));
/** Max error relative to the reference output's largest magnitude that still counts as correct. */
const tolerance = 1e-4;

interface KernelResult {
  id: string;
  readRawMs: number;
  transformMs: number;
  readCachedMs: number;
  packedBytes: number;
  executeWarmMs: number;
  executeFirstMs: number;
  transformFirstMs: number;
  coldTotalMs: number;
  gflops: number;
  maxRelError?: number;
}

interface PeerResult {
  name: string;
  executeWarmMs: number;
  gflops: number;
  maxRelError?: number;
}

interface LayerResult {
  layer: ConvLayer;
  flops: number;
  rawBytes: number;
  kernels: KernelResult[];
  peers: PeerResult[];
  /** Variants that threw on this layer, with the message. */
  failed: { id: string; error: string }[];
  warmFastest?: string;
  coldCheapest?: string;
}

/** Median over fresh processes of the variant's first transform and first run. */
function firstCall(layer: ConvLayer, variant: KernelVariant): { transformFirstMs: number; executeFirstMs: number } {
  const samples = Array.from({ length: firstCallProcesses }, () => {
    const child = spawnSync(process.execPath, [firstCallScript, layer.name, variant.id], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`first call of ${variant.id} on ${layer.name} failed (exit ${child.status}):\n${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as { transformFirstMs: number; executeFirstMs: number };
  });
  return {
    transformFirstMs: median(samples.map((s) => s.transformFirstMs)),
    executeFirstMs: median(samples.map((s) => s.executeFirstMs)),
  };
}

function measureKernel(layer: ConvLayer, variant: KernelVariant, work: string, readRawMs: number): KernelResult & { output: Float32Array } {
  const inputs = convInputs(layer);
  const placed = placeVariant(variant, convAttrs(layer), inputs);
  // Timing the transform also leaves the packed weights in place for the runs below.
  const transformMs = variant.transform ? medianMs(placed.transform, repetitions) : 0;
  const readCachedMs = variant.transform
    ? fileReadMs(join(work, `${layer.name}.${variant.id}.packed`), [placed.packed(), bytesOf(inputs[2].data)], readRepetitions)
    : readRawMs;
  const executeWarmMs = medianMs(placed.run, repetitions);
  const first = firstCall(layer, variant);
  return {
    id: variant.id, readRawMs, transformMs, readCachedMs, packedBytes: placed.packedBytes, executeWarmMs, ...first,
    coldTotalMs: Math.min(readRawMs + transformMs, readCachedMs) + first.executeFirstMs,
    gflops: gflops(convFlops(layer), executeWarmMs),
    output: placed.outputs()[0].data as Float32Array,
  };
}

async function measurePeer(name: string, session: PeerSession, layer: ConvLayer): Promise<PeerResult & { output: Float32Array }> {
  const [x] = convInputs(layer);
  // The one-node model's input is 'X' (layers.ts convModelBytes).
  const feeds = { X: { dtype: 'float32' as const, dims: x.dims, data: x.data as Float32Array } };
  try {
    const executeWarmMs = await medianMsAsync(() => session.run(feeds), repetitions);
    return { name, executeWarmMs, gflops: gflops(convFlops(layer), executeWarmMs), output: await session.run(feeds) };
  } finally {
    await session.release();
  }
}

async function measureLayer(layer: ConvLayer, work: string): Promise<LayerResult> {
  const [x, w, b] = convInputs(layer);
  // Every variant in its own layouts (NC4HW4 variants get the layer's activations packed).
  const appliesTo = (v: KernelVariant): boolean => v.appliesTo(shapesOf('Conv', convAttrs(layer), [x, w, b], v.layout));
  const rawBytes = w.data.byteLength + b.data.byteLength;
  const readRawMs = fileReadMs(join(work, `${layer.name}.raw`), [bytesOf(w.data), bytesOf(b.data)], readRepetitions);
  const failed: LayerResult['failed'] = [];
  const measured = variantsFor('Conv').filter(appliesTo).flatMap((v) => {
    try {
      return [measureKernel(layer, v, work, readRawMs)];
    } catch (error) {
      failed.push({ id: v.id, error: (error as Error).message });
      return [];
    }
  });
  const model = convModelBytes(layer);
  const peers = [
    await measurePeer('onnxruntime-node 1t', await ortNodeSession(model, 1), layer),
    await measurePeer('onnxruntime-web 1t', await ortWebSession(model), layer),
  ];
  const reference = measured.find((k) => k.id === referenceVariantId('Conv'))?.output;
  for (const row of [...measured, ...peers]) if (reference) row.maxRelError = maxRelativeError(row.output, reference);
  const kernels = measured.map(({ output: _, ...row }) => row);
  const correct = kernels.filter((k) => (k.maxRelError ?? 0) <= tolerance);
  const best = (cost: (k: KernelResult) => number): string | undefined =>
    correct.reduce<KernelResult | undefined>((a, k) => (!a || cost(k) < cost(a) ? k : a), undefined)?.id;
  return {
    layer, flops: convFlops(layer), rawBytes, kernels, peers: peers.map(({ output: _, ...row }) => row), failed,
    warmFastest: best((k) => k.executeWarmMs), coldCheapest: best((k) => k.coldTotalMs),
  };
}

function check(error: number | undefined): string {
  if (error === undefined) return '–';
  return error <= tolerance ? 'ok' : `WRONG ${error.toExponential(1)}`;
}

function printLayer(r: LayerResult): void {
  const mark = (id: string): string => [id === r.warmFastest ? 'warm' : '', id === r.coldCheapest ? 'cold' : ''].filter(Boolean).join('+');
  const rows = [
    ...r.kernels.map((k) => [k.id, ms(k.readRawMs), ms(k.transformMs), ms(k.readCachedMs), ms(k.executeWarmMs), ms(k.executeFirstMs),
      ms(k.coldTotalMs), fixed(k.gflops), check(k.maxRelError), mark(k.id)]),
    ...r.peers.map((p) => [p.name, '', '', '', ms(p.executeWarmMs), '', '', fixed(p.gflops), check(p.maxRelError), '']),
  ];
  const { layer } = r;
  process.stdout.write(`\n### ${layer.name}: ${layer.description} (${(r.flops / 1e6).toFixed(0)} MFLOP, weights ${(r.rawBytes / 1024).toFixed(0)} KiB)\n\n`);
  process.stdout.write(`${formatTable(['kernel', 'read raw', 'transform', 'read cached', 'execute warm', 'execute first', 'cold total', 'GFLOP/s', 'check', 'best'], rows)}\n`);
  for (const f of r.failed) process.stdout.write(`\n${f.id} FAILED: ${f.error}\n`);
  if (r.warmFastest !== r.coldCheapest) process.stdout.write(`\nwarm-fastest ${r.warmFastest} is not the cold-cheapest (${r.coldCheapest})\n`);
}

async function main(): Promise<void> {
  process.stdout.write(`nncc kernel cold costs, ms (median of ${repetitions.runs} after ${repetitions.warmups} warm-ups; first call: median of ${firstCallProcesses} fresh processes)\n`);
  process.stdout.write('cold total = min(read raw + transform, read cached) + execute first\n');
  const work = mkdtempSync(join(tmpdir(), 'nncc-bench-kernels-'));
  const results: LayerResult[] = [];
  try {
    for (const name of layers) {
      const result = await measureLayer(layerByName(name), work);
      printLayer(result);
      results.push(result);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const differ = results.filter((r) => r.warmFastest !== r.coldCheapest).map((r) => r.layer.name);
  process.stdout.write(`\nlayers whose warm-fastest kernel is not the cold-cheapest: ${differ.length ? differ.join(', ') : 'none'}\n`);
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ machine: machineInfo(), repetitions, firstCallProcesses, layers: results }, null, 2)}\n`);
    process.stdout.write(`wrote ${flags.json}\n`);
  }
}

await main();
