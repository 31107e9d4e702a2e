/**
 * The data files of a real model in ../shared/models, which the whole-model benches and the
 * shared-models e2e test feed it: for each graph input `NAME.<input>.<ext>`, the extension by
 * dtype (`feedExtensions`), or `NAME.input.f32` for a model whose one input is float32; and
 * PyTorch's first output in `NAME.output.f32`. Symbolic dimensions (an input's `dim_param`,
 * other than a leading batch, which the importer binds to 1) are solved from the files' sizes
 * and given as `dims` bindings for import and compile (`--dim` on the CLI). Reads the model's
 * declared inputs and outputs only (onnx-proto, as compiler/import/onnx.ts does), no import.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { dtypeOf, toNumber } from '../../compiler/import/tensor-proto.js';
import type { DType } from '../../runtime/tensor/tensor.js';

/** The dtypes an input file may hold, raw little-endian. */
export type FeedDType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export const feedExtensions: Readonly<Record<FeedDType, string>> = {
  float32: '.f32', float64: '.f64', int32: '.i32', int64: '.i64', uint8: '.u8', bool: '.bool',
};

const elementBytes: Readonly<Record<FeedDType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1, bool: 1 };

/** One graph input's data file, with the dims it is fed at (symbolic ones bound). */
export interface FeedFile {
  name: string;
  path: string;
  dtype: FeedDType;
  dims: number[];
}

export interface ModelFiles {
  name: string;
  modelPath: string;
  /** One per graph input (initializers left out), in the model's order. */
  feeds: FeedFile[];
  /** The symbolic dimensions solved from the files, e.g. { sequence: 128 }; empty for a static model. */
  dims: Record<string, number>;
  /** The model's first output, which `expectedPath` holds. */
  outputName: string;
  /** `NAME.output.f32`: PyTorch's first output, raw little-endian float32. */
  expectedPath: string;
}

/** A declared dimension: its size, the name of a symbolic one, or undefined for an unnamed dynamic one. */
type DeclaredDim = number | string | undefined;

interface DeclaredInput<T extends DType = FeedDType> {
  name: string;
  dtype: T;
  dims: DeclaredDim[];
}

const feedDTypes = Object.keys(feedExtensions) as FeedDType[];
const isFed = (input: DeclaredInput<DType>): input is DeclaredInput => (feedDTypes as string[]).includes(input.dtype);
const shapeText = (dims: readonly DeclaredDim[]) => `[${dims.map((d) => d ?? '?').join(',')}]`;
const extensionsText = feedDTypes.map((d) => `${feedExtensions[d]} ${d}`).join(', ');

/** The model's files and dims bindings, or why it has none that fit (one line). */
export function probeModelFiles(dir: string, name: string): { files: ModelFiles } | { reason: string } {
  const modelPath = join(dir, `${name}.onnx`);
  const expectedPath = join(dir, `${name}.output.f32`);
  const found = () => {
    const others = readdirSync(dir).filter((f) => f.startsWith(`${name}.`) && f !== `${name}.onnx`).sort();
    return others.length ? `found ${others.join(', ')}` : 'no data files found';
  };
  const declared = declaredSignature(modelPath);
  if ('reason' in declared) return declared;
  const { outputName } = declared;
  const unfed = declared.inputs.find((i) => !isFed(i));
  if (unfed) return { reason: `input '${unfed.name}' is ${unfed.dtype}; the bench feeds ${feedDTypes.join(', ')}` };
  const inputs = declared.inputs.filter(isFed);
  const paths = inputs.map((input) => inputFile(dir, name, input, inputs.length));
  const missing = paths.findIndex((p) => !existsSync(p));
  if (missing >= 0) {
    const input = inputs[missing];
    return { reason: `no ${paths[missing]} for input '${input.name}' ${input.dtype} ${shapeText(input.dims)} (each input is fed from `
      + `NAME.<input>.<ext>, ext by dtype: ${extensionsText}; a single float32 input may be NAME.input.f32; ${found()})` };
  }
  if (!existsSync(expectedPath)) return { reason: `no ${expectedPath} (PyTorch's first output '${outputName}', float32; ${found()})` };
  const bytes = paths.map((p) => statSync(p).size);
  const solved = solveDims(inputs, bytes, paths);
  if ('reason' in solved) return solved;
  const feeds = inputs.map((input, i) => ({ name: input.name, path: paths[i], dtype: input.dtype, dims: boundDims(input, solved.dims) }));
  for (const [i, feed] of feeds.entries()) {
    const needed = feed.dims.reduce((n, d) => n * d, elementBytes[feed.dtype]);
    if (bytes[i] !== needed) {
      return { reason: `${feed.path} holds ${bytes[i]} bytes; input '${feed.name}' ${feed.dtype} [${feed.dims.join(',')}] needs ${needed}` };
    }
  }
  return { files: { name, modelPath, feeds, dims: solved.dims, outputName, expectedPath } };
}

/** The data file of `input`: NAME.<input>.<ext>, or NAME.input.f32 for a lone float32 input without one. */
function inputFile(dir: string, model: string, input: DeclaredInput, inputCount: number): string {
  const own = join(dir, `${model}.${input.name}${feedExtensions[input.dtype]}`);
  if (inputCount !== 1 || input.dtype !== 'float32' || existsSync(own)) return own;
  return join(dir, `${model}.input.f32`);
}

/** The graph inputs as the model declares them (not initializers), and the first output's name. */
function declaredSignature(modelPath: string): { inputs: DeclaredInput<DType>[]; outputName: string } | { reason: string } {
  let graph: onnxProto.onnx.IGraphProto | null | undefined;
  try {
    graph = onnxProto.onnx.ModelProto.decode(readFileSync(modelPath)).graph;
  } catch (error) {
    return { reason: `${modelPath}: ${(error as Error).message.split('\n')[0]}` };
  }
  if (!graph) return { reason: `${modelPath}: no graph` };
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  try {
    const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map((proto) => {
      const name = proto.name ?? '';
      const tensorType = proto.type?.tensorType;
      const dims = (tensorType?.shape?.dim ?? []).map((dim): DeclaredDim => {
        if ((dim as onnxProto.onnx.TensorShapeProto.Dimension).value === 'dimValue') return toNumber(dim.dimValue!);
        return dim.dimParam || undefined;
      });
      return { name, dtype: dtypeOf(tensorType?.elemType ?? 0, `input '${name}'`), dims };
    });
    return { inputs, outputName: graph.output?.[0]?.name ?? '' };
  } catch (error) {
    return { reason: (error as Error).message.split('\n')[0] };
  }
}

/** A symbolic dimension the importer binds to the batch (1): one that only ever leads an input. */
function isBatch(inputs: readonly DeclaredInput[], param: string): boolean {
  return inputs.every((input) => input.dims.every((d, axis) => d !== param || axis === 0));
}

/**
 * Solves each non-batch symbolic dimension from an input file that leaves it the only unknown
 * (its size = elements / the product of the other dims), repeating while that solves more.
 */
function solveDims(inputs: readonly DeclaredInput[], bytes: readonly number[], paths: readonly string[])
  : { dims: Record<string, number> } | { reason: string } {
  const unnamed = inputs.find((input) => input.dims.some((d, axis) => d === undefined && axis > 0));
  if (unnamed) return { reason: `input '${unnamed.name}' ${shapeText(unnamed.dims)} has an unnamed dynamic dimension, which nothing can bind` };
  const dims: Record<string, number> = {};
  const unknownsOf = (input: DeclaredInput) => [...new Set(input.dims.filter((d): d is string => typeof d === 'string' && !(d in dims) && !isBatch(inputs, d)))];
  for (let progress = true; progress;) {
    progress = false;
    for (const [i, input] of inputs.entries()) {
      const unknowns = unknownsOf(input);
      // One unknown, once: its size is then a quotient (twice would need a root).
      if (unknowns.length !== 1 || input.dims.filter((d) => d === unknowns[0]).length !== 1) continue;
      const [param] = unknowns;
      const known = boundDims({ ...input, dims: input.dims.map((d) => (d === param ? 1 : d)) }, dims).reduce((n, d) => n * d, 1);
      const size = bytes[i] / elementBytes[input.dtype] / known;
      if (!Number.isSafeInteger(size) || size <= 0) {
        return { reason: `${paths[i]} holds ${bytes[i]} bytes: no whole ${param} fits input '${input.name}' ${input.dtype} ${shapeText(input.dims)}` };
      }
      dims[param] = size;
      progress = true;
    }
  }
  const unsolved = inputs.find((input) => unknownsOf(input).length);
  if (unsolved) {
    return { reason: `input '${unsolved.name}' ${shapeText(unsolved.dims)}: the file sizes do not fix ${unknownsOf(unsolved).join(' and ')}` };
  }
  return { dims };
}

/** The input's dims with `dims` bound and any other symbolic (leading batch) dimension 1, as the importer binds it. */
function boundDims(input: DeclaredInput, dims: Readonly<Record<string, number>>): number[] {
  return input.dims.map((d) => (typeof d === 'number' ? d : d !== undefined && d in dims ? dims[d] : 1));
}
