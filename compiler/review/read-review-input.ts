/**
 * Reads one side of `nncc diff`: a bundle directory (its `schedule.json` and `manifest.json`) or a
 * lone `schedule.json`. Only the fields the review shows are checked (types as in
 * `schemas/schedule.schema.json` and `manifest.schema.json`), so bundles written by older or newer
 * nncc versions, with fields added since, still compare. Gives `diff-bundles.ts` a `ReviewInput`;
 * every refusal is an NNCC140 diagnostic naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { isBucketSet } from '../../runtime/bundle/bucket-set.js';
import { join } from 'node:path';
import { bundleFileNames, type Manifest } from '../../runtime/bundle/manifest.js';
import { sha256 } from '../../runtime/bundle/read-bundle.js';
import { backgroundReads } from '../../runtime/plan/plan.js';
import { CompileError, codes } from '../diagnostics.js';

/** One line of `schedule.json` (fields described in `schemas/schedule.schema.json`). */
export interface ScheduleStep {
  step: number;
  node: string;
  op: string;
  kernel: string;
  /** Added with continuous inference; absent in older schedules, which means null. */
  warmKernel?: string | null;
  fused: string | null;
  lanes: number;
  loader: number;
  /** rows: a table read by rows before each run (compiler/lower/table-rows.ts). */
  weights: 'none' | 'raw' | 'rows' | 'stored-transformed' | 'transform-at-load';
  weightBytes: number;
  predictedMs: number | null;
  inputs: string[];
  outputs: string[];
}

export interface Schedule {
  format: number;
  model: string;
  modelSha256: string;
  kernelAbi: string;
  profile: string | null;
  predictedColdMs: number | null;
  inputs: string[];
  outputs: string[];
  weightsBytes: number;
  steps: ScheduleStep[];
}

/** The parts of a manifest the review shows; `tierUp`: per kernel build, the functions load optimizes eagerly (manifest minor 3; none before). */
export type ManifestSummary = Pick<Manifest, 'model' | 'profile' | 'files' | 'predicted'> & { tierUp: Record<string, number[]> };

export interface ReviewInput {
  /** The path as the user gave it, to name the side in the output. */
  path: string;
  schedule: Schedule;
  /** Present when the path is a bundle directory. */
  manifest: ManifestSummary | null;
}

const usageHint = 'pass a bundle directory (.nnb) or a schedule.json that nncc compile wrote';

export function readReviewInput(path: string): ReviewInput {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new CompileError(codes.badInputFile, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path }, usageHint);
  }
  if (!isDirectory) return { path, schedule: readSchedule(path), manifest: null };
  const manifestFile = join(path, bundleFileNames.manifest);
  const notBundle = isBucketSet(path) ? 'a bucket set (buckets.json), not one bundle: name one of its bucket directories' : 'not a bundle: no readable manifest.json';
  const manifest = checkManifest(readJson(manifestFile, notBundle), manifestFile);
  const scheduleFile = join(path, bundleFileNames.schedule);
  const schedule = readSchedule(scheduleFile);
  refuseUnlisted(manifest, scheduleFile);
  return { path, schedule, manifest };
}

/**
 * A bundle's schedule.json must be the one its manifest lists (size and sha256): a review of an
 * edited or damaged schedule would show a plan the bundle does not run.
 */
function refuseUnlisted(manifest: ManifestSummary, file: string): void {
  const entry = manifest.files.find((f) => f.path === bundleFileNames.schedule);
  const bytes = readFileSync(file);
  const problem = !entry ? 'the manifest does not list it'
    : entry.bytes !== bytes.length ? `its size differs from the manifest (${entry.bytes} bytes listed, ${bytes.length} found)`
      : entry.sha256 !== sha256(bytes) ? 'its content differs from the manifest (sha256)' : undefined;
  if (problem) {
    throw new CompileError(codes.badInputFile, `not the schedule this bundle runs: ${problem}`, { file },
      'nncc verify <bundle> names every damaged file; compile the bundle again');
  }
}

function readJson(file: string, unreadable: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CompileError(codes.badInputFile, `${unreadable} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file }, usageHint);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CompileError(codes.badInputFile, `not valid JSON (${(error as Error).message})`, { file }, usageHint);
  }
}

function readSchedule(file: string): Schedule {
  const value = readJson(file, 'cannot read the schedule');
  const problems = scheduleProblems(value);
  if (problems.length > 0) {
    const listed = problems.slice(0, 8).map((p) => `    ${p}`).join('\n');
    throw new CompileError(codes.badInputFile, `not a valid schedule:\n${listed}`, { file }, `${usageHint}; see schemas/schedule.schema.json`);
  }
  return value as Schedule;
}

type FieldCheck = [name: string, valid: (v: unknown) => boolean, expected: string];
const isString = (v: unknown): boolean => typeof v === 'string';
const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isNumberOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isLoader = (v: unknown): boolean => v === backgroundReads || isCount(v);
const headerChecks: FieldCheck[] = [
  ['format', (v) => v === 1, 'schedule format 1'], ['model', isString, 'a string'], ['modelSha256', isString, 'a string'],
  ['kernelAbi', isString, 'a string'], ['profile', isStringOrNull, 'a string or null'],
  ['predictedColdMs', isNumberOrNull, 'a number or null'], ['weightsBytes', isCount, 'a byte count'], ['steps', Array.isArray, 'a list'],
];
const stepChecks: FieldCheck[] = [
  ['step', isCount, 'an index'], ['node', isString, 'a string'], ['op', isString, 'a string'], ['kernel', isString, 'a string'],
  ['fused', isStringOrNull, 'a string or null'], ['lanes', isCount, 'a count'], ['loader', isLoader, 'a lane index or -1 (background reads)'],
  ['weights', isString, 'a weight source'], ['weightBytes', isCount, 'a byte count'], ['predictedMs', isNumberOrNull, 'a number or null'],
];

/** Problems by JSON path, as the profile loader reports them. */
function scheduleProblems(value: unknown): string[] {
  const check = (object: unknown, checks: FieldCheck[], path: string): string[] => {
    if (typeof object !== 'object' || object === null) return [`${path || '/'} must be an object`];
    const record = object as Record<string, unknown>;
    return checks.filter(([name, valid]) => !valid(record[name])).map(([name, , expected]) => `${path}/${name} must be ${expected}`);
  };
  const problems = check(value, headerChecks, '');
  if (problems.length > 0) return problems;
  const steps = (value as { steps: unknown[] }).steps;
  return steps.flatMap((step, i) => [
    ...check(step, stepChecks, `/steps/${i}`),
    ...(isStringOrNull((step as { warmKernel?: unknown })?.warmKernel ?? null) ? [] : [`/steps/${i}/warmKernel must be a string or null`]),
  ]);
}

function checkManifest(value: unknown, file: string): ManifestSummary {
  const m = value as Partial<Manifest> | null;
  const tierUp = m?.tierUpFunctions as Record<string, unknown> | undefined;
  const problem = typeof m !== 'object' || m === null ? 'not an object'
    : typeof m.model?.name !== 'string' || typeof m.model.sha256 !== 'string' ? 'model must have a name and a sha256'
      : m.profile !== null && (typeof m.profile?.name !== 'string' || typeof m.profile.sha256 !== 'string') ? 'profile must be null or have a name and a sha256'
        : !Array.isArray(m.files) || !m.files.every((f) => typeof f?.path === 'string' && Number.isSafeInteger(f.bytes)) ? 'files must list a path and bytes each'
          : m.predicted !== null && (typeof m.predicted?.coldMs !== 'number' || typeof m.predicted.warmMs !== 'number') ? 'predicted must be null or have coldMs and warmMs'
            : tierUp !== undefined && (typeof tierUp !== 'object' || tierUp === null || !Object.values(tierUp).every(isIndexList)) ? 'tierUpFunctions must list function indices per kernel build'
              : undefined;
  if (problem) throw new CompileError(codes.badInputFile, `not a bundle manifest: ${problem}`, { file }, usageHint);
  const { model, profile, files, predicted } = m as Pick<Manifest, 'model' | 'profile' | 'files' | 'predicted'>;
  return { model, profile, files, predicted, tierUp: (tierUp ?? {}) as Record<string, number[]> };
}

const isIndexList = (v: unknown): boolean => Array.isArray(v) && v.every((f) => Number.isSafeInteger(f) && f >= 0);
