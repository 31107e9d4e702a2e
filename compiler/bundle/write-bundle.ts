/**
 * The bundle writer: takes the lowered model and the identities of its inputs, gives a bundle
 * directory (`manifest.json`, `schedule.json`, `plan.msgpack`, `weights.bin`, the typed entry
 * module `index.mjs` + `index.d.mts`, and with a device profile `timeline.json`, the predicted
 * timeline that `nncc explain` reads). Writing is atomic (`write-atomically.ts`): a killed compile
 * leaves the old bundle, the new one, or none, never half of one; the temporary directories a
 * kill leaves are removed by the next compile to that target (`temp-dirs.ts`). A write that fails
 * (disk full…) throws NNCC160 naming the path and the cause.
 * The same inputs give byte-identical files.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Packr } from 'msgpackr';
import { bundleFileNames, bundleFormat, type BundleFileEntry, type Manifest, type PredictedCold } from '../../runtime/bundle/manifest.js';
import { firstRunFunctions } from './first-run-functions.js';
import { planFlops } from '../ir/flops.js';
import { crc32, sha256 } from '../../runtime/bundle/read-bundle.js';
import { kernelAbi, requiredFeatures } from '../../runtime/kernels/catalogue.js';
import type { Plan } from '../../runtime/plan/plan.js';
import { CompileError, codes } from '../diagnostics.js';
import type { LoweredModel } from '../lower/lower.js';
import type { Stage } from '../../runtime/trace/stages.js';
import { nnccVersion } from '../version.js';
import { generateEntryModule } from './entry-module.js';
import { renderSchedule } from './schedule-text.js';
import { writeDirectoryAtomically } from './write-atomically.js';

/** Not in the runtime's `bundleFileNames`: only review tools read it, the runtime never does. */
export const timelineFileName = 'timeline.json';

/** The simulator's prediction of one cold run (fields described in `schemas/timeline.schema.json`). */
export interface PredictedTimeline {
  profile: string;
  objective: 'cold' | 'warm';
  predictedMs: number;
  lowerBoundMs: number;
  /** Node names by step index; tasks of the fixed stages (start, prepare, alloc) have step -1. */
  steps: readonly string[];
  tasks: readonly { lane: number; stage: Stage; step: number; startMs: number; endMs: number }[];
}

export interface BundleIdentity {
  modelName: string;
  modelSha256: string;
  opset: number;
  /** The device profile the plan was searched for. */
  profile?: { name: string; sha256: string };
  /** The search's prediction for that device: totals, and per step its predicted first execution. */
  prediction?: { summary: PredictedCold; stepMs: readonly number[]; timeline?: PredictedTimeline };
}

/**
 * Record-free msgpack, byte-identical across runs, that decodes with a plain `unpack`. Its strings
 * (node, value and kernel names) are bundled into one block (msgpackr's `bundleStrings`, which
 * `unpack` reads without options): the decoder then slices them out of one decoded string instead
 * of decoding each byte by byte in JavaScript. Measured on squeezenet1_1's plan in fresh
 * processes: 2.5 → 1.6 ms to decode, 8% more bytes.
 */
const packr = new Packr({ useRecords: false, bundleStrings: true });

export function encodePlan(plan: Plan): Uint8Array {
  return packr.pack(plan);
}

/**
 * Below this much work (FLOPs of all steps, compiler/ir/flops.ts) a first run is too short for
 * tiering its kernels up at load to pay (runtime/load/tier-up.ts): the optimizing compiler's
 * background work then outlasts a run it cannot speed up much. Measured end to end here (25
 * interleaved fresh processes each, medians, against no list): the tiny-cnn fixture (< 1 MFLOP)
 * +4.6 ms; mobilenet_v2 (0.6 GFLOP) −1.0 ms; squeezenet1_1 (0.7 GFLOP) −2.0 ms; resnet18
 * (3.6 GFLOP) −6.5 ms.
 */
const minTierUpFlops = 5e8;

export function writeBundle(outDir: string, lowered: LoweredModel, identity: BundleIdentity): Manifest {
  const target = resolve(outDir);
  refuseNonBundle(target);
  const planBytes = encodePlan(lowered.plan);
  const schedule = renderSchedule(lowered.plan, {
    model: identity.modelName, modelSha256: identity.modelSha256, kernelAbi: kernelAbi(),
    profile: identity.profile?.name ?? null, predictedColdMs: identity.prediction?.summary.coldMs ?? null,
  }, identity.prediction?.stepMs);
  const contents: [string, Uint8Array][] = [
    [bundleFileNames.plan, planBytes],
    [bundleFileNames.schedule, new TextEncoder().encode(schedule)],
    [bundleFileNames.weights, lowered.weights],
  ];
  const timeline = identity.prediction?.timeline;
  if (timeline) contents.push([timelineFileName, new TextEncoder().encode(renderTimeline(timeline))]);
  const spec = (v: number) => {
    const value = lowered.plan.values[v];
    return { name: value.name, dtype: value.dtype, dims: [...value.dims] };
  };
  const model = { name: identity.modelName, sha256: identity.modelSha256, opset: identity.opset };
  const inputs = lowered.plan.inputs.map(spec);
  const outputs = lowered.plan.outputs.map(spec);
  for (const [name, text] of generateEntryModule({ model, inputs, outputs })) contents.push([name, new TextEncoder().encode(text)]);
  const files: BundleFileEntry[] = contents.map(([path, bytes]) => ({ path, bytes: bytes.length, sha256: sha256(bytes), crc32: crc32(bytes) }));
  const tierUpFunctions = planFlops(lowered.plan) >= minTierUpFlops ? firstRunFunctions(lowered.plan) : {};
  const manifest: Manifest = {
    format: { ...bundleFormat },
    nnccVersion,
    kernelAbi: kernelAbi(),
    requiredFeatures: requiredFeatures(lowered.plan.steps.map((s) => s.kernel)),
    model,
    profile: identity.profile ?? null,
    inputs,
    outputs,
    files,
    predicted: identity.prediction?.summary ?? null,
    ...(Object.keys(tierUpFunctions).length > 0 ? { tierUpFunctions } : {}),
  };
  contents.push([bundleFileNames.manifest, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)]);
  writeAtomically(target, contents);
  return manifest;
}

/** Times rounded to the microsecond, so recompiles give byte-identical files; one task per line. */
export function renderTimeline(timeline: PredictedTimeline): string {
  const ms = (value: number): number => Math.round(value * 1000) / 1000;
  const header = {
    format: 1, profile: timeline.profile, objective: timeline.objective,
    predictedMs: ms(timeline.predictedMs), lowerBoundMs: ms(timeline.lowerBoundMs), steps: timeline.steps,
  };
  const tasks = timeline.tasks.map((t) => JSON.stringify({ lane: t.lane, stage: t.stage, step: t.step, startMs: ms(t.startMs), endMs: ms(t.endMs) }));
  const head = JSON.stringify(header);
  return `${head.slice(0, -1)},\n"tasks":[\n${tasks.join(',\n')}\n]}\n`;
}

function refuseNonBundle(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) {
    throw new CompileError(codes.bundleWrite, 'the output path exists and is not a directory', { file: target },
      'choose a new path for the bundle (e.g. model.nnb)');
  }
  const isBundle = existsSync(join(target, bundleFileNames.manifest));
  if (!isBundle && readdirSync(target).length > 0) {
    throw new CompileError(codes.bundleWrite, 'the output directory exists and is not an nncc bundle', { file: target },
      'choose a new path (e.g. model.nnb) or remove the directory');
  }
}

function writeAtomically(target: string, contents: readonly [string, Uint8Array][]): void {
  writeDirectoryAtomically(target, 'bundle', (temp, writing) => {
    for (const [name, bytes] of contents) {
      writing(name);
      writeFileSync(join(temp, name), bytes);
    }
  });
}
