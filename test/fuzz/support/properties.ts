/**
 * The fuzz properties as plain functions, shared by the mocha fuzz tests (few seeded runs) and
 * `test/bench/fuzz.bench.ts` (thousands): one case in, one verdict out. Import: the model either
 * compiles (import + passes) with every tensor inside the planned limit, or is refused with a
 * coded `CompileError`. Bundle: a damaged bundle is either refused with a `BundleError` or
 * `FeedError` naming the bundle, or runs and gives the undamaged bundle's outputs bit for bit.
 */
import { resign } from '../../support/resign.js';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompileError } from '../../../compiler/diagnostics.js';
import { importOnnx } from '../../../compiler/import/onnx.js';
import { maxTensorElements } from '../../../compiler/ir/infer-shapes.js';
import { runPasses } from '../../../compiler/passes/pipeline.js';
import type { Manifest } from '../../../runtime/bundle/manifest.js';
import { BundleError, FeedError } from '../../../runtime/errors/errors.js';
import { Session, type Feeds, type Outputs } from '../../../runtime/session.js';
import { sizeOf, type Tensor } from '../../../runtime/tensor/tensor.js';

export type Verdict = 'clear-error' | 'correct' | 'crash' | 'hang' | 'wrong' | 'changed-caught';

export interface CaseResult {
  verdict: Verdict;
  /** The error or the difference, for reports. */
  detail?: string;
  /** The diagnostic or runtime code, when refused. */
  code?: string;
  ms: number;
}

/**
 * Every case's verdict, counted (the outermost verdict of a case: a mutated bundle's, not the
 * loads inside it), so a fuzz suite can say how many cases ended how.
 */
export const verdictCounts = new Map<Verdict, number>();

/** "N cases: correct a, clear-error b, …, crash 0, hang 0, wrong 0" since the last call, and starts counting again. */
export function takeVerdictCounts(): string {
  const total = [...verdictCounts.values()].reduce((a, b) => a + b, 0);
  const always: Verdict[] = ['crash', 'hang', 'wrong'];
  const shown = [...verdictCounts.keys()].filter((v) => !always.includes(v)).sort().concat(always);
  const line = `${total} cases: ${shown.map((v) => `${v} ${verdictCounts.get(v) ?? 0}`).join(', ')}`;
  verdictCounts.clear();
  return line;
}

function counted(result: CaseResult): CaseResult {
  verdictCounts.set(result.verdict, (verdictCounts.get(result.verdict) ?? 0) + 1);
  return result;
}

/** A case taking longer than this counts as a hang. */
export const caseTimeLimitMs = 2000;
/** ArrayBuffer bytes a case may add: far above the fixtures, far below an absurd tensor. */
const arrayBufferGrowthLimitBytes = 1 << 30;

const codePattern = /NNCC\d{3}/;

/** When the case started, and the ArrayBuffer bytes then (the process holds some of its own). */
interface CaseStart { ms: number; arrayBuffers: number }

function startCase(): CaseStart {
  return { ms: performance.now(), arrayBuffers: process.memoryUsage().arrayBuffers };
}

function timedVerdict(start: CaseStart, result: Omit<CaseResult, 'ms'>): CaseResult {
  const ms = performance.now() - start.ms;
  if (ms > caseTimeLimitMs && result.verdict !== 'crash') return { verdict: 'hang', detail: `took ${ms.toFixed(0)} ms (${result.verdict})`, ms };
  const grownBytes = process.memoryUsage().arrayBuffers - start.arrayBuffers;
  if (grownBytes > arrayBufferGrowthLimitBytes) {
    return { verdict: 'crash', detail: `array buffers grew by ${grownBytes} bytes during the case (${result.verdict})`, ms };
  }
  return { ...result, ms };
}

/** Import + passes on `bytes`: a clean compile, a coded CompileError, or a failure of the property. */
export function importCase(bytes: Uint8Array): CaseResult {
  return counted(importVerdict(bytes));
}

function importVerdict(bytes: Uint8Array): CaseResult {
  const start = startCase();
  try {
    const graph = runPasses(importOnnx(bytes));
    for (const [name, info] of graph.values) {
      if (!info.dims.every((d) => Number.isSafeInteger(d) && d >= 0) || sizeOf(info.dims) > maxTensorElements) {
        return timedVerdict(start, { verdict: 'wrong', detail: `compiled with value '${name}' of dims [${info.dims.join(',')}]` });
      }
    }
    return timedVerdict(start, { verdict: 'correct' });
  } catch (error) {
    if (error instanceof CompileError && codePattern.test(error.message)) {
      return timedVerdict(start, { verdict: 'clear-error', code: error.code, detail: error.message });
    }
    return timedVerdict(start, { verdict: 'crash', detail: describeError(error) });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n')}` : String(error);
}

/** The undamaged bundle's outputs: of the first run, and of a run on the planned warm kernels (they may differ in the last bits). */
export interface ExpectedOutputs {
  first: Outputs;
  warm?: Outputs;
}

/**
 * Loads and runs the bundle in `dir`, then prepares its planned warm kernels and runs again;
 * refusals must name the bundle, both runs' outputs must equal the undamaged bundle's.
 */
export async function bundleCase(dir: string, feeds: Feeds, expected: ExpectedOutputs, verify: boolean): Promise<CaseResult> {
  return counted(await bundleVerdict(dir, feeds, expected, verify));
}

async function bundleVerdict(dir: string, feeds: Feeds, expected: ExpectedOutputs, verify: boolean): Promise<CaseResult> {
  const start = startCase();
  let session: Session | undefined;
  try {
    session = await Session.create(dir, { verify });
    let difference = compareOutputs(await session.run(feeds), expected.first);
    if (!difference && expected.warm) {
      await session.prepareWarmKernels();
      const warm = compareOutputs(await session.run(feeds), expected.warm);
      difference = warm && `on warm kernels: ${warm}`;
    }
    return timedVerdict(start, difference ? { verdict: 'wrong', detail: difference } : { verdict: 'correct' });
  } catch (error) {
    if (error instanceof BundleError && error.message.includes(dir) && codePattern.test(error.message)) {
      return timedVerdict(start, { verdict: 'clear-error', code: error.code, detail: error.message });
    }
    if (error instanceof FeedError && codePattern.test(error.message)) {
      return timedVerdict(start, { verdict: 'clear-error', code: 'NNCC210', detail: error.message });
    }
    return timedVerdict(start, { verdict: 'crash', detail: describeError(error) });
  } finally {
    await session?.dispose();
  }
}

/** undefined when `actual` has the same names, dtypes, dims and bytes as `expected`. */
export function compareOutputs(actual: Outputs, expected: Outputs): string | undefined {
  const names = Object.keys(expected);
  if (Object.keys(actual).join() !== names.join()) return `outputs [${Object.keys(actual)}] instead of [${names}]`;
  for (const name of names) {
    if (!sameTensor(actual[name], expected[name])) return `output '${name}' differs`;
  }
  return undefined;
}

function sameTensor(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.dims.join() !== b.dims.join()) return false;
  return Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)
    .equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
}

/** Copies of outputs that stay valid after the session is disposed. */
export function copyOutputs(outputs: Outputs): Outputs {
  const copy: Outputs = {};
  for (const [name, t] of Object.entries(outputs)) copy[name] = { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() };
  return copy;
}

/**
 * plan.msgpack mutated and the manifest re-signed to match (size, sha256 and CRC-32), so the damage gets
 * past the hash to the plan's structural checks, as a plan written by a buggy compiler would.
 */
export async function resignedPlanCase(goodDir: string, workDir: string, planBytes: Uint8Array,
  feeds: Feeds, expected: ExpectedOutputs, verify: boolean): Promise<CaseResult> {
  const manifest = JSON.parse(readFileSync(join(goodDir, 'manifest.json'), 'utf8')) as Manifest;
  const entry = manifest.files.find((f) => f.path === 'plan.msgpack')!;
  resign(entry, planBytes);
  writeFileSync(join(workDir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(workDir, 'plan.msgpack'), planBytes);
  try {
    return await bundleCase(workDir, feeds, expected, verify);
  } finally {
    for (const file of ['manifest.json', 'plan.msgpack']) copyFileSync(join(goodDir, file), join(workDir, file));
  }
}

/**
 * A bundle file mutated in a working copy of a bundle: writes `bytes` over `file` in `workDir`,
 * runs the case, and restores the original from `goodDir`. A changed output is allowed only for
 * weights.bin without verify, and only if verify then refuses the same bytes (NNCC206/205).
 */
export async function mutatedBundleCase(goodDir: string, workDir: string, file: string, bytes: Uint8Array,
  feeds: Feeds, expected: ExpectedOutputs, verify: boolean): Promise<CaseResult> {
  writeFileSync(join(workDir, file), bytes);
  try {
    const result = await bundleVerdict(workDir, feeds, expected, verify);
    if (result.verdict !== 'wrong' || verify || file !== 'weights.bin') return counted(result);
    const verified = await bundleVerdict(workDir, feeds, expected, true);
    if (verified.verdict === 'clear-error' && (verified.code === 'NNCC206' || verified.code === 'NNCC205')) {
      return counted({ ...result, verdict: 'changed-caught', detail: `${result.detail}; verify refuses: ${verified.detail}` });
    }
    return counted({ ...result, detail: `${result.detail}; and verify does not refuse it: ${verified.verdict} ${verified.detail ?? ''}` });
  } finally {
    copyFileSync(join(goodDir, file), join(workDir, file));
  }
}
