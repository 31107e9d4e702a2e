/**
 * A bucket set: one model compiled for a few sizes of one dynamic dimension (text encoders'
 * `sequence`), as a directory holding `buckets.json` and one ordinary bundle per size. The
 * rule the compiler wrote there is the one choice made at run time: the smallest size that fits
 * the feeds, which are padded along the dimension with each input's pad value, and the outputs
 * that have the dimension are cut back to the fed length. `nncc compile --buckets` writes it
 * after checking on the reference kernels that padding leaves the outputs unchanged.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError, runtimeCodes } from '../errors/errors.js';

export const bucketSetFileName = 'buckets.json';
export const bucketSetFormatVersion = 1;

export interface BucketSet {
  readonly format: number;
  /** The model's name and sha256, as every bucket's manifest gives them. */
  readonly model: { readonly name: string; readonly sha256: string };
  /** The dynamic dimension the buckets bind (its ONNX dim_param). */
  readonly dim: string;
  /** Ascending sizes, each with its bundle directory (a name inside the set). */
  readonly buckets: readonly { readonly size: number; readonly bundle: string }[];
  /** Inputs with the dimension: the axis it is, and the value padded positions get. */
  readonly inputs: readonly { readonly name: string; readonly axis: number; readonly pad: number }[];
  /** Outputs with the dimension, cut back to the fed length along `axis`. */
  readonly outputs: readonly { readonly name: string; readonly axis: number }[];
}

export function isBucketSet(dir: string): boolean {
  try {
    return lstatSync(join(dir, bucketSetFileName)).isFile();
  } catch {
    return false;
  }
}

/** Reads and checks `buckets.json`; anything malformed is refused naming the file and field. */
export function readBucketSet(dir: string): BucketSet {
  const file = join(dir, bucketSetFileName);
  const fail = (detail: string): never => { throw new BundleError(runtimeCodes.bucketSetInvalid, file, detail); };
  let set: BucketSet;
  try {
    set = JSON.parse(readFileSync(file, 'utf8')) as BucketSet;
  } catch (error) {
    return fail(`cannot read (${(error as Error).message})`);
  }
  if (typeof set !== 'object' || set === null) fail('must be an object');
  if (set.format !== bucketSetFormatVersion) {
    throw new BundleError(runtimeCodes.formatMismatch, file, 'bucket set format differs from this runtime\'s; recompile', String(bucketSetFormatVersion), String(set.format));
  }
  if (typeof set.dim !== 'string' || !set.dim) fail("'dim' must name the dimension");
  if (typeof set.model?.name !== 'string' || typeof set.model?.sha256 !== 'string') fail("'model' must give name and sha256");
  const isCount = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) > 0;
  if (!Array.isArray(set.buckets) || set.buckets.length === 0) fail("'buckets' must list at least one size");
  set.buckets.forEach((b, i) => {
    if (!isCount(b?.size) || (i > 0 && b.size <= set.buckets[i - 1].size)) fail("'buckets' sizes must be positive and ascending");
    if (typeof b.bundle !== 'string' || !/^[A-Za-z0-9._-]+$/.test(b.bundle) || b.bundle.startsWith('.')) fail(`bucket ${b.size}: 'bundle' must be a directory name inside the set`);
  });
  const isAxis = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!Array.isArray(set.inputs) || set.inputs.length === 0) fail("'inputs' must list the inputs with the dimension");
  for (const input of set.inputs) {
    if (typeof input?.name !== 'string' || !isAxis(input.axis) || typeof input.pad !== 'number' || !Number.isFinite(input.pad)) fail("each of 'inputs' needs name, axis and a finite pad");
  }
  if (!Array.isArray(set.outputs)) fail("'outputs' must be a list");
  for (const output of set.outputs) if (typeof output?.name !== 'string' || !isAxis(output.axis)) fail("each of 'outputs' needs name and axis");
  return set;
}
