/**
 * The real models the whole-model benches (models.bench, cold.bench) run: every `NAME.onnx` in
 * ../shared/models (`sharedModelsDir`; `NNCC_SHARED` points elsewhere), sorted by name, or the
 * subset `--models a,b,c` names. Those benches assume an image model: one float32 input of
 * static dims, fed from `NAME.input.f32`, and PyTorch's output in `NAME.output.f32`. A model
 * that does not fit, or that nncc cannot compile, is skipped with one printed line saying why,
 * and listed as skipped in the bench's JSON.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importOnnxFile } from '../../../compiler/compile.js';
import { CompileError } from '../../../compiler/diagnostics.js';
import { UncostedStepError } from '../../../compiler/search/candidates.js';
import type { ValueInfo } from '../../../runtime/tensor/tensor.js';
import { sharedModelsDir } from '../../support/paths.js';

/** An image model the benches can run, with its files. */
export interface ImageModel {
  name: string;
  modelPath: string;
  /** `NAME.input.f32`: the one input, raw little-endian float32. */
  inputPath: string;
  /** `NAME.output.f32`: PyTorch's (first) output for it. */
  expectedPath: string;
  /** The input's dims as the model declares them (a symbolic batch dimension bound to 1). */
  inputDims: number[];
}

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
    + `--models names; there now: ${names.length ? names.join(', ') : 'none'}. A model that is not an image model (one float32 `
    + 'input from NAME.input.f32, PyTorch\'s output in NAME.output.f32) or that nncc cannot compile is skipped with the reason.';
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
const bytesOf = (info: ValueInfo) => 4 * info.dims.reduce((n, d) => n * d, 1);

/** The model as an image model, or why it is not one (missing files, inputs or outputs that do not fit, an import error). */
export function probeImageModel(name: string): { model: ImageModel } | { skipped: SkippedModel } {
  const skip = (reason: string) => ({ skipped: { model: name, reason } });
  const file = (suffix: string) => join(sharedModelsDir, `${name}${suffix}`);
  const modelPath = file('.onnx');
  const inputPath = file('.input.f32');
  const expectedPath = file('.output.f32');
  for (const path of [inputPath, expectedPath]) {
    if (existsSync(path)) continue;
    const others = readdirSync(sharedModelsDir).filter((f) => f.startsWith(`${name}.`) && f !== `${name}.onnx`).sort();
    return skip(`no ${path} (the bench feeds one float32 input from NAME.input.f32 and checks against NAME.output.f32; `
      + `${others.length ? `found ${others.join(', ')}` : 'no data files found'})`);
  }
  let graph;
  try {
    graph = importOnnxFile(modelPath);
  } catch (error) {
    const reason = compileFailure(error);
    if (reason === undefined) throw error;
    return skip(reason);
  }
  const inputs = graph.inputs.map((i) => describe(i.name, i));
  const [input] = graph.inputs;
  if (graph.inputs.length !== 1 || input.dtype !== 'float32') return skip(`inputs ${inputs.join(', ')}: the bench feeds one float32 input`);
  const inputBytes = statSync(inputPath).size;
  if (inputBytes !== bytesOf(input)) return skip(`${inputPath} has ${inputBytes} bytes; input ${describe(input.name, input)} needs ${bytesOf(input)}`);
  const output = graph.values.get(graph.outputs[0]);
  const outputBytes = statSync(expectedPath).size;
  if (!output || output.dtype !== 'float32' || outputBytes !== bytesOf(output)) {
    return skip(`${expectedPath} has ${outputBytes} bytes; first output ${describe(graph.outputs[0], output)} needs float32 of ${output ? bytesOf(output) : '?'}`);
  }
  return { model: { name, modelPath, inputPath, expectedPath, inputDims: [...input.dims] } };
}

/** Why nncc cannot compile a model, as one line, when `error` says it cannot (a CompileError, or a step the profile has no cost for); else undefined. */
export function compileFailure(error: unknown): string | undefined {
  return error instanceof CompileError || error instanceof UncostedStepError ? oneLine(error.message) : undefined;
}

/**
 * Measures each named model that is an image model, in order (a line says so when there are
 * none). A model that is not one, or whose
 * `measure` fails to compile it (see `compileFailure`), is skipped with one line through `note`;
 * any other error propagates.
 */
export async function measureEach<R>(names: readonly string[], measure: (model: ImageModel) => R | Promise<R>, note: (line: string) => void)
  : Promise<{ results: R[]; skipped: SkippedModel[] }> {
  const results: R[] = [];
  const skipped: SkippedModel[] = [];
  if (!names.length) note(`no models: no NAME.onnx in ${sharedModelsDir} (NNCC_SHARED points elsewhere)`);
  for (const name of names) {
    const probe = probeImageModel(name);
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
