/**
 * Loads the wasm kernel module (kernels.wasm, built from assembly/ by `npm run build:wasm`) and
 * instantiates it on a shared memory of the planned size. Relaxed SIMD is enabled in V8 for the
 * compile when the engine does not have it on already (Node 20 has it behind a flag). The
 * module's bytes also give the kernel ABI.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { nodeCrypto } from '../../node-builtins.js';
import type { KernelExports } from './exports.js';

const wasmUrl = new URL('./kernels.wasm', import.meta.url);
const pageBytes = 65536;

/** Bytes at the bottom of memory kept for the module's static data; planned memory starts here. */
export const kernelStaticBytes = pageBytes;

let wasmBytes: Uint8Array<ArrayBuffer> | undefined;
let compiled: WebAssembly.Module | undefined;

export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  wasmBytes ??= new Uint8Array(readFileSync(wasmUrl));
  return wasmBytes;
}

export function kernelModuleSha256(): string {
  return nodeCrypto().createHash('sha256').update(kernelModuleBytes()).digest('hex');
}

/** Compiles the module once per process (the `prepare` stage's main cost). */
export function compileKernelModule(): WebAssembly.Module {
  compiled ??= withRelaxedSimd(() => new WebAssembly.Module(kernelModuleBytes()));
  return compiled;
}

/** The smallest module using a relaxed SIMD instruction: () → v128, f32x4.relaxed_madd of three zero vectors. */
function relaxedSimdProbe(): Uint8Array<ArrayBuffer> {
  const zeros = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zeros, ...zeros, ...zeros, 0xfd, 0x85, 0x02, 0x0b];
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b];
  const functions = [0x03, 0x02, 0x01, 0x00];
  return new Uint8Array([...header, ...types, ...functions, 0x0a, body.length + 2, 0x01, body.length, ...body]);
}

/**
 * Runs `compile` with relaxed SIMD on. When the engine needs the V8 flag, it is set for the
 * compile only and cleared after: any changed V8 flag makes Node reject its code cache for the
 * built-in modules loaded later in the process (measured here: worker_threads, crypto, stream and
 * zlib take 6.2 ms instead of 2.5), a cost every later import would pay. A compiled module keeps
 * the features it was compiled with, also when its functions are compiled lazily.
 */
function withRelaxedSimd<T>(compile: () => T): T {
  if (WebAssembly.validate(relaxedSimdProbe())) return compile();
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  try {
    return compile();
  } finally {
    setFlagsFromString('--no-experimental-wasm-relaxed-simd');
  }
}

/** A shared memory of at least `bytes`, with the kernels instantiated on it. */
export function instantiateKernels(bytes: number): { memory: WebAssembly.Memory; exports: KernelExports } {
  const pages = Math.max(1, Math.ceil(bytes / pageBytes));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = new WebAssembly.Instance(compileKernelModule(), { env: { memory, abort: abortFromWasm } });
  const exports = instance.exports as unknown as KernelExports;
  if (exports.heapBase() > kernelStaticBytes) {
    throw new Error(`kernels.wasm static data (${exports.heapBase()} bytes) exceeds the ${kernelStaticBytes} bytes reserved for it`);
  }
  return { memory, exports };
}

function abortFromWasm(): never {
  throw new Error('wasm kernel aborted');
}
