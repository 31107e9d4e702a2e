/**
 * The loading lane of `split-child.ts`'s contention measurement: a worker thread that does what a
 * runtime loader lane does between steps — reads a weights file into the shared memory and
 * passes over the bytes as a transform would — again and again until told to stop.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface ContentionLaneData {
  memory: WebAssembly.Memory;
  /** Int32 slots: [0] 1 while loading, 0 to stop. */
  control: SharedArrayBuffer;
  file: string;
  /** Where in the memory the reads land, and how many bytes. */
  offset: number;
  bytes: number;
}

const data = workerData as ContentionLaneData;
const slots = new Int32Array(data.control);
const target = new Uint8Array(data.memory.buffer, data.offset, data.bytes);
const floats = new Float32Array(data.memory.buffer, data.offset, data.bytes >> 2);
const fd = openSync(data.file, 'r');
parentPort!.postMessage('ready');
let checksum = 0;
while (Atomics.load(slots, 0) === 1) {
  readSync(fd, target, 0, data.bytes, 0);
  for (let i = 0; i < floats.length; i += 16) checksum += floats[i];
}
closeSync(fd);
parentPort!.postMessage(checksum);
