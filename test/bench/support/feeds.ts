/**
 * A model's feeds between cold.bench and its children: the bench writes `NAME.feeds.json`, the
 * list of `{ name, path, dtype, dims }` that ../../support/model-files.ts found, and a child
 * reads it and the files into tensors, nncc's `{ dtype, dims, data }` (BigInt64Array for int64,
 * Uint8Array for bool) or onnxruntime's (`ortFeeds`, given the engine's `Tensor` class). Imports
 * node:fs alone, so a child's cold cost stays its engine's; models.bench uses the same tensors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FeedDType, FeedFile } from '../../support/model-files.js';

export interface FeedTensor {
  dtype: FeedDType;
  dims: readonly number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

/** Feeds by input name, as `session.run` takes them. */
export type FeedTensors = Record<string, FeedTensor>;

const arrayTypes = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, bool: Uint8Array,
} as const;

export function writeFeedsFile(path: string, feeds: readonly FeedFile[]): void {
  writeFileSync(path, `${JSON.stringify(feeds)}\n`);
}

export function readFeedsFile(path: string): FeedFile[] {
  return JSON.parse(readFileSync(path, 'utf8')) as FeedFile[];
}

/** Each feed's file as a tensor of its dtype and dims (the data copied to a buffer of its own, so it is aligned). */
export function readFeedTensors(feeds: readonly FeedFile[]): FeedTensors {
  return Object.fromEntries(feeds.map(({ name, path, dtype, dims }) => {
    const bytes = readFileSync(path);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    return [name, { dtype, dims, data: new arrayTypes[dtype](buffer) }];
  }));
}

/** The feeds as onnxruntime tensors; `Tensor` is onnxruntime-node's or onnxruntime-web's class. */
export function ortFeeds<T>(feeds: FeedTensors, Tensor: new (type: FeedDType, data: FeedTensor['data'], dims: readonly number[]) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new Tensor(t.dtype, t.data, t.dims)]));
}
