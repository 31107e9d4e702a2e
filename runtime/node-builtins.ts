/**
 * Node built-ins the runtime needs on some paths only, loaded on first use. A static import would
 * make every cold start pay for them (measured in ESM on this machine: worker_threads 1.8 ms,
 * crypto 2.6 ms), though a plan without workers never starts one and only `verify` hashes files
 * (every load checks the plan's CRC-32 with node:zlib, ~0.5 ms, against crypto's ~1.6 ms).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let threads: typeof import('node:worker_threads') | undefined;
let crypto: typeof import('node:crypto') | undefined;
let zlib: typeof import('node:zlib') | undefined;

export function workerThreads(): typeof import('node:worker_threads') {
  threads ??= require('node:worker_threads') as typeof import('node:worker_threads');
  return threads;
}

export function nodeCrypto(): typeof import('node:crypto') {
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return crypto;
}

export function nodeZlib(): typeof import('node:zlib') {
  zlib ??= require('node:zlib') as typeof import('node:zlib');
  return zlib;
}
