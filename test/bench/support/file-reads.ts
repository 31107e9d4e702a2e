/**
 * The `read` stage of the kernel table: weights written to a temp file and read back into a
 * preallocated buffer (open, read, close, as a loader does), with the page cache warm: the
 * first read is untimed. The disk-cold case needs evicting pages and is left to `nncc profile`.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { medianMs, type Repetitions } from './stats.js';

export function readInto(path: string, into: Uint8Array): void {
  const fd = openSync(path, 'r');
  try {
    let done = 0;
    while (done < into.length) {
      const got = readSync(fd, into, done, into.length - done, done);
      if (got === 0) throw new Error(`${path}: ended after ${done} of ${into.length} bytes`);
      done += got;
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes `chunks` to `path` as one file; gives the median milliseconds to read it back. */
export function fileReadMs(path: string, chunks: readonly Uint8Array[], repetitions: Repetitions): number {
  writeFileSync(path, Buffer.concat(chunks));
  const into = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  return medianMs(() => readInto(path, into), { ...repetitions, warmups: Math.max(1, repetitions.warmups) });
}

export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
