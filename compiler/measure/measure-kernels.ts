/**
 * Measures every (operator signature, kernel variant) pair a set of graphs needs: reading the
 * raw and the transformed weights from a file, the transform, warm execution (medians), and the
 * first execution in fresh processes (`first-call-child.ts`). Pairs already in `known` are
 * skipped, which is how a profile is resumed or extended.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { variantsFor } from '../../runtime/kernels/catalogue.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import type { Graph } from '../ir/graph.js';
import { assignLayouts } from '../layout/assign-layouts.js';
import { stepShapes } from '../select/select-kernels.js';
import { placeVariant } from '../probe/place-variant.js';
import { noSample, sampleOf, type KernelCost, type Sample } from '../profile/profile.js';
import { featuresOf, signatureOf } from '../profile/signature.js';
import { inputsOf, shapesOfSpec, stepSpecOf, type StepSpec } from '../probe/step-spec.js';
import { CompileError, codes } from '../diagnostics.js';

const childScript = fileURLToPath(new URL('./first-call-child.js', import.meta.url));

export interface KernelMeasureOptions {
  /** Warm repetitions per measurement (medians). */
  repetitions: number;
  /** Fresh processes per first-call measurement. */
  processes: number;
  onProgress?: (done: number, total: number, what: string) => void;
}

interface Job {
  signature: string;
  spec: StepSpec;
  variant: KernelVariant;
}

/**
 * The pairs the graphs need: every applicable variant of every distinct step signature, each in
 * its own layout, and the layout conversions the compiler would insert (assign-layouts).
 */
export function kernelJobs(graphs: readonly Graph[], known: ReadonlySet<string> = new Set()): Job[] {
  const jobs: Job[] = [];
  const seen = new Set<string>(known);
  for (const graph of graphs.flatMap((g) => [g, assignLayouts(g, 'auto', { keepEveryRegion: true })])) {
    for (const node of graph.nodes) {
      const spec = stepSpecOf(graph, node);
      const signature = signatureOf(node.op, stepShapes(graph, node));
      for (const variant of variantsFor(node.op)) {
        const key = `${signature}@${variant.id}`;
        if (seen.has(key) || !variant.appliesTo(shapesOfSpec(spec, variant.layout))) continue;
        seen.add(key);
        jobs.push({ signature, spec, variant });
      }
    }
  }
  return jobs;
}

export function measureKernels(jobs: readonly Job[], options: KernelMeasureOptions): KernelCost[] {
  const work = mkdtempSync(join(tmpdir(), 'nncc-profile-'));
  try {
    return jobs.map((job, i) => {
      options.onProgress?.(i, jobs.length, `${job.variant.id} ${job.signature}`);
      return measureJob(job, options, work);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function measureJob({ signature, spec, variant }: Job, options: KernelMeasureOptions, work: string): KernelCost {
  const inputs = inputsOf(spec);
  const placed = placeVariant(variant, spec.attrs, inputs, undefined, shapesOfSpec(spec, variant.layout));
  const features = featuresOf(spec.op, placed.shapes);
  const transformInput = variant.transform ? inputs[variant.transform.input] : undefined;
  const rawWeights = transformInput ?? inputs[1];
  const rawBytes = rawWeights ? new Uint8Array(rawWeights.data.buffer, rawWeights.data.byteOffset, rawWeights.data.byteLength) : undefined;
  placed.transform();
  const packed = variant.transform ? placed.packed() : undefined;
  const transformMs = variant.transform ? timeMedian(placed.transform, options.repetitions) : noSample;
  placed.run();
  placed.run();
  return {
    signature,
    op: spec.op,
    kernel: variant.id,
    flops: features.flops,
    activationBytes: features.activationBytes,
    weightBytes: features.weightBytes,
    packedBytes: packed?.length ?? 0,
    readRawMs: rawBytes ? fileReadMs(rawBytes, options.repetitions, join(work, 'raw.bin')) : noSample,
    transformMs,
    readTransformedMs: packed ? fileReadMs(packed, options.repetitions, join(work, 'packed.bin')) : noSample,
    executeWarmMs: timeMedian(placed.run, options.repetitions),
    executeFirstMs: firstCalls(variant.id, spec, options.processes),
  };
}

function timeMedian(work: () => void, repetitions: number): Sample {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return sampleOf(times);
}

/** Reading `bytes` back from a file with the page cache warm. */
function fileReadMs(bytes: Uint8Array, repetitions: number, path: string): Sample {
  writeFileSync(path, bytes);
  const target = new Uint8Array(bytes.length);
  return timeMedian(() => {
    const fd = openSync(path, 'r');
    let done = 0;
    while (done < target.length) done += readSync(fd, target, done, target.length - done, done);
    closeSync(fd);
  }, repetitions);
}

function firstCalls(variantId: string, spec: StepSpec, processes: number): Sample {
  const times = Array.from({ length: processes }, () => {
    const result = spawnSync(process.execPath, [childScript, variantId, JSON.stringify(spec)], { encoding: 'utf8' });
    if (result.status !== 0) throw new CompileError(codes.measureFailed, `first-call measurement of ${variantId} failed: ${result.stderr}`, {}, 're-run nncc profile on an idle machine; the child process\'s stderr above says what failed');
    return (JSON.parse(result.stdout) as { executeFirstMs: number }).executeFirstMs;
  });
  return sampleOf(times);
}
