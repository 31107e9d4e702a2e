/**
 * The real models the whole-model benches (models.bench, cold.bench) run: every `NAME.onnx` in
 * ../shared/models (`sharedModelsDir`; `NNCC_SHARED` points elsewhere), sorted by name, or the
 * subset `--models a,b,c` names. Each is run with its input files, one per graph input
 * (`NAME.<input>.<ext>`, or `NAME.input.f32` for one float32 input), its symbolic dimensions
 * solved from their sizes, and checked against PyTorch's output in `NAME.output.f32`
 * (../../support/model-files.ts). A model whose files are missing or do not fit, or that nncc
 * cannot compile, is skipped with one printed line saying why, and listed as skipped in the
 * bench's JSON.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { importOnnxFile } from '../../../compiler/compile.js';
import { CompileError } from '../../../compiler/diagnostics.js';
import { UncostedStepError } from '../../../compiler/search/candidates.js';
import type { ValueInfo } from '../../../runtime/tensor/tensor.js';
import { probeModelFiles, type ModelFiles } from '../../support/model-files.js';
import { sharedModelsDir } from '../../support/paths.js';

/**
 * A model the benches can run, with its files: `feeds` (one per input, dims bound), `dims` (the
 * symbolic dimensions solved from the files, for import and compile) and `expectedPath`.
 */
export type SharedModel = ModelFiles;

export interface SkippedModel {
  model: string;
  reason: string;
}

/** The `--models` line of a bench's usage text. */
export const modelsFlagUsage = '  --models A,B  only these models, comma-separated (NAMEs from the list above; default: all)';

/** The names of the `NAME.onnx` files in the models folder, sorted; none when the folder is absent. */
export function sharedModelNames(): string[] {
  if (!existsSync(sharedModelsDir)) return [];
  return readdirSync(sharedModelsDir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -'.onnx'.length)).sort();
}

/** The paragraph of a bench's usage text on the models it runs (those in the folder now included), wrapped. */
export function modelsUsage(): string {
  const names = sharedModelNames();
  const text = `Models: every NAME.onnx in ${sharedModelsDir} (NNCC_SHARED points elsewhere), by name, or those `
    + `--models names; there now: ${names.length ? names.join(', ') : 'none'}. Every model runs with its input files (one per `
    + 'input, NAME.<input>.<ext> by dtype, or NAME.input.f32 for one float32 input; symbolic dims solved from their sizes) and is '
    + 'checked against PyTorch\'s output in NAME.output.f32; one whose files are missing or do not fit, or that nncc cannot compile, '
    + 'is skipped with the reason.';
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > 95) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines.join('\n');
}

/**
 * The models to run: all of them, or the `--models` list (in its order, each once). An unknown
 * name is an error: the message lists the available models and the process exits 2.
 */
export function selectModels(flag: string | undefined): string[] {
  const available = sharedModelNames();
  if (flag === undefined) return available;
  const wanted = [...new Set(flag.split(',').map((name) => name.trim()).filter(Boolean))];
  const unknown = wanted.filter((name) => !available.includes(name));
  if (!wanted.length || unknown.length) {
    const what = wanted.length ? `unknown model${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}` : 'no model named';
    process.stderr.write(`--models: ${what}; the models in ${sharedModelsDir} are: ${available.length ? available.join(', ') : '(none)'}\n`);
    process.exit(2);
  }
  return wanted;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ');
const describe = (name: string, info: ValueInfo | undefined) => `'${name}' ${info ? `${info.dtype} [${info.dims.join(',')}]` : '(no type)'}`;
const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The model with its files, or why it cannot run: missing or inconsistent files
 * (`probeModelFiles`), an import error with the solved dims, or an output that does not fit
 * `NAME.output.f32`.
 */
export function probeModel(name: string): { model: SharedModel } | { skipped: SkippedModel } {
  const skip = (reason: string) => ({ skipped: { model: name, reason } });
  const probe = probeModelFiles(sharedModelsDir, name);
  if ('reason' in probe) return skip(probe.reason);
  const { files } = probe;
  let graph;
  try {
    graph = importOnnxFile(files.modelPath, { dims: files.dims });
  } catch (error) {
    const reason = compileFailure(error);
    if (reason === undefined) throw error;
    return skip(reason);
  }
  for (const feed of files.feeds) {
    const input = graph.inputs.find((i) => i.name === feed.name);
    if (!input || input.dtype !== feed.dtype || !sameDims(input.dims, feed.dims)) {
      return skip(`input ${describe(feed.name, input)} as imported is not ${feed.dtype} [${feed.dims.join(',')}] as ${feed.path} is fed`);
    }
  }
  const output = graph.values.get(graph.outputs[0]);
  const outputBytes = statSync(files.expectedPath).size;
  const bytes = output ? 4 * output.dims.reduce((n, d) => n * d, 1) : undefined;
  if (!output || output.dtype !== 'float32' || outputBytes !== bytes) {
    return skip(`${files.expectedPath} has ${outputBytes} bytes; first output ${describe(graph.outputs[0], output)} needs float32 of ${bytes ?? '?'}`);
  }
  return { model: files };
}

/** Why nncc cannot compile a model, as one line, when `error` says it cannot (a CompileError, or a step the profile has no cost for); else undefined. */
export function compileFailure(error: unknown): string | undefined {
  return error instanceof CompileError || error instanceof UncostedStepError ? oneLine(error.message) : undefined;
}

/**
 * Measures each named model with its input files, in order (a line says so when there are no
 * models). A model whose files are missing or do not fit, or whose `measure` fails to compile it
 * (see `compileFailure`), is skipped with one line through `note`; any other error propagates.
 */
export async function measureEach<R>(names: readonly string[], measure: (model: SharedModel) => R | Promise<R>, note: (line: string) => void)
  : Promise<{ results: R[]; skipped: SkippedModel[] }> {
  const results: R[] = [];
  const skipped: SkippedModel[] = [];
  if (!names.length) note(`no models: no NAME.onnx in ${sharedModelsDir} (NNCC_SHARED points elsewhere)`);
  for (const name of names) {
    const probe = probeModel(name);
    let skip = 'skipped' in probe ? probe.skipped : undefined;
    if ('model' in probe) {
      try {
        results.push(await measure(probe.model));
      } catch (error) {
        const reason = compileFailure(error);
        if (reason === undefined) throw error;
        skip = { model: name, reason };
      }
    }
    if (skip) {
      note(`skipping ${name}: ${skip.reason}`);
      skipped.push(skip);
    }
  }
  return { results, skipped };
}
