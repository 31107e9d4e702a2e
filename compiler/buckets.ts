/**
 * `nncc compile --buckets sequence=32,64,128`: one model compiled for a few sizes of one dynamic
 * dimension into a bucket set (runtime/bundle/bucket-set.ts): a directory of one bundle per size
 * and `buckets.json`, the rule the runtime applies (smallest size that fits, inputs padded with
 * their pad value, outputs with the dimension cut back). Which inputs and outputs have the
 * dimension is found by importing the model at two sizes. The rule is checked, not assumed: on
 * the reference kernels, the model at a shorter length and the smallest bucket fed the same
 * values padded must give the same outputs, or the set is refused (the model does not ignore
 * padded positions). Written atomically, like a bundle (bundle/write-atomically.ts).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketSetFileName, bucketSetFormatVersion, isBucketSet, type BucketSet } from '../runtime/bundle/bucket-set.js';
import { cutAlong, padAlong } from '../runtime/tensor/along-axis.js';
import { fromNumbers, isFloatType, sizeOf, type Tensor } from '../runtime/tensor/tensor.js';
import { writeDirectoryAtomically } from './bundle/write-atomically.js';
import { compareTensors } from './compare-tensors.js';
import { compileModel, importOnnxFile, type CompileOptions, type CompileResult } from './compile.js';
import { CompileError, codes } from './diagnostics.js';
import type { Graph } from './ir/graph.js';
import { executeGraph } from './lower/execute-graph.js';
import { randomTensor, seededRandom } from './random.js';

export interface BucketsSpec {
  /** The dynamic dimension (its ONNX dim_param). */
  dim: string;
  /** Sizes to compile, ascending after parsing. */
  sizes: number[];
  /** Pad values by input name (default 0). */
  pads?: Record<string, number>;
}

export interface BucketSetResult {
  set: BucketSet;
  buckets: { size: number; result: CompileResult }[];
  elapsedMs: number;
}

/** The axis of each value whose dims differ between the imports at two sizes (where it has the dimension). */
function dimensionAxes(names: readonly string[], dimsAt: (name: string, g: Graph) => readonly number[] | undefined, a: Graph, b: Graph,
  sizeA: number): { name: string; axis: number }[] {
  return names.flatMap((name) => {
    const [da, db] = [dimsAt(name, a), dimsAt(name, b)];
    if (!da || !db) return [];
    const axes = da.flatMap((d, i) => (d !== db[i] ? [i] : []));
    return axes.length === 1 && da[axes[0]] === sizeA ? [{ name, axis: axes[0] }] : [];
  });
}

export function compileBuckets(modelPath: string, outDir: string, spec: BucketsSpec, options: CompileOptions = {}): BucketSetResult {
  const start = performance.now();
  const sizes = [...new Set(spec.sizes)].sort((x, y) => x - y);
  if (options.dumpDir) throw new CompileError(codes.badOption, '--dump-dir with --buckets would mix the buckets\' stages', {}, 'dump one bucket by compiling it alone with --dim');
  if (options.dims?.[spec.dim] !== undefined) throw new CompileError(codes.badOption, `--dim ${spec.dim} and --buckets ${spec.dim} both bind it`, {}, 'give the sizes in --buckets only');
  const importAt = (size: number): Graph => importOnnxFile(modelPath, { ...options, dims: { ...options.dims, [spec.dim]: size } });
  const [small, other] = [importAt(sizes[0]), importAt(sizes[0] + 1)];
  const inputs = dimensionAxes(small.inputs.map((i) => i.name), (n, g) => g.inputs.find((i) => i.name === n)?.dims, small, other, sizes[0]);
  if (inputs.length === 0) {
    throw new CompileError(codes.badOption, `--buckets ${spec.dim}: no input of the model has that dimension`, {},
      `inputs: ${small.inputs.map((i) => `${i.name} [${i.dims.join(',')}]`).join(', ')}`);
  }
  for (const name of Object.keys(spec.pads ?? {})) {
    if (!inputs.some((i) => i.name === name)) {
      throw new CompileError(codes.badOption, `--pad ${name}: no input '${name}' has the dimension '${spec.dim}'`, {}, `inputs with it: ${inputs.map((i) => i.name).join(', ')}`);
    }
  }
  const outputs = dimensionAxes(small.outputs, (n, g) => g.values.get(n)?.dims, small, other, sizes[0]);
  const set: BucketSet = {
    format: bucketSetFormatVersion,
    model: { name: small.name, sha256: '' },
    dim: spec.dim,
    buckets: sizes.map((size) => ({ size, bundle: `${spec.dim.replace(/[^A-Za-z0-9_-]/g, '_')}-${size}.nnb` })),
    inputs: inputs.map((i) => ({ ...i, pad: spec.pads?.[i.name] ?? 0 })),
    outputs,
  };
  checkPadding(modelPath, set, small, importAt);
  refuseNonBucketSet(outDir);
  let buckets: BucketSetResult['buckets'] = [];
  let written = set;
  writeDirectoryAtomically(outDir, 'bucket set', (temp, writing) => {
    buckets = set.buckets.map(({ size, bundle }) => {
      options.onStage?.(`bucket ${spec.dim}=${size}`);
      const result = compileModel(modelPath, join(temp, bundle), { ...options, dims: { ...options.dims, [spec.dim]: size } });
      return { size, result };
    });
    const { name, sha256 } = buckets[0].result.manifest.model;
    written = { ...set, model: { name, sha256 } };
    writing(bucketSetFileName);
    writeFileSync(join(temp, bucketSetFileName), `${JSON.stringify(written, null, 2)}\n`);
  });
  return { set: written, buckets, elapsedMs: performance.now() - start };
}

function refuseNonBucketSet(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory() || !isBucketSet(target)) {
    throw new CompileError(codes.bundleWrite, 'the output path exists and is not an nncc bucket set', { file: target }, 'choose a new path (e.g. model.nnb) or remove it');
  }
}

/**
 * The model at a shorter length L and the smallest bucket S (`bucket`, imported) fed the same values, padded from L
 * to S, must agree on every output (cut back to L where it has the dimension): float inputs get
 * seeded random values, integer and bool ones 1 (a valid id, an unmasked position).
 */
function checkPadding(modelPath: string, set: BucketSet, bucket: Graph, importAt: (size: number) => Graph): void {
  const size = set.buckets[0].size;
  const length = Math.max(1, Math.floor((size * 3) / 4));
  if (length === size) return;
  const short = importAt(length);
  const random = seededRandom(71);
  const feedsShort: Record<string, Tensor> = {};
  const feedsBucket: Record<string, Tensor> = {};
  for (const input of short.inputs) {
    const value = isFloatType(input.dtype) ? randomTensor(random, input.dims) : fromNumbers(input.dtype, input.dims, new Array<number>(sizeOf(input.dims)).fill(1));
    feedsShort[input.name] = value;
    const padded = set.inputs.find((i) => i.name === input.name);
    feedsBucket[input.name] = padded ? padAlong(value, padded.axis, size, padded.pad) : value;
  }
  const expected = executeGraph(short, feedsShort);
  const actual = executeGraph(bucket, feedsBucket);
  for (const name of short.outputs) {
    const cut = set.outputs.find((o) => o.name === name);
    const got = cut ? cutAlong(actual[name], cut.axis, length) : actual[name];
    const mismatch = compareTensors(got, expected[name], 1e-4, 1e-5);
    if (mismatch) {
      throw new CompileError(codes.paddingNotMasked,
        `padding '${set.dim}' from ${length} to ${size} changes output '${name}' (${mismatch.reason}): the model does not ignore padded positions`,
        { file: modelPath }, `compile one bundle per length with --dim ${set.dim}=<size>, or give pad values the model masks (--pad name=value)`);
    }
  }
}
