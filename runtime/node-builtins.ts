/**
 * Node built-ins the runtime needs on some paths only, loaded on first use. A static import would
 * make every cold start pay for them (measured in ESM on this machine: worker_threads 1.8 ms,
 * crypto 2.6 ms), though a plan without workers never starts one and only `verify` hashes files
 * (every load checks the plan's CRC-32 with node:zlib, ~0.5 ms, against crypto's ~1.6 ms).
 */
/** Node's built-in modules by name (Node ≥ 20.16), without making a `require` for a file first. */
const builtin = <T>(name: string): T => process.getBuiltinModule(name) as T;
let threads: typeof import('node:worker_threads') | undefined;
let crypto: typeof import('node:crypto') | undefined;
let zlib: typeof import('node:zlib') | undefined;

export function workerThreads(): typeof import('node:worker_threads') {
  threads ??= builtin<typeof import('node:worker_threads')>('node:worker_threads');
  return threads;
}

export function nodeCrypto(): typeof import('node:crypto') {
  crypto ??= builtin<typeof import('node:crypto')>('node:crypto');
  return crypto;
}

export function nodeZlib(): typeof import('node:zlib') {
  zlib ??= builtin<typeof import('node:zlib')>('node:zlib');
  return zlib;
}
