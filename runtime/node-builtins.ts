/**
 * Node built-ins the runtime needs on some paths only, loaded on first use. A static import would
 * make every cold start pay for them (measured in ESM on this machine: worker_threads 1.8 ms,
 * crypto 2.6 ms), though a one-lane plan never starts a worker and only `verify` hashes files.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let threads: typeof import('node:worker_threads') | undefined;
let crypto: typeof import('node:crypto') | undefined;

export function workerThreads(): typeof import('node:worker_threads') {
  threads ??= require('node:worker_threads') as typeof import('node:worker_threads');
  return threads;
}

export function nodeCrypto(): typeof import('node:crypto') {
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return crypto;
}
