/**
 * Loads the wasm kernel module (kernels.wasm, built from assembly/ by `npm run build:wasm`) and
 * instantiates it on a shared memory of the planned size. Relaxed SIMD is enabled in V8 before
 * compiling (Node 20 has it behind a flag). The module's bytes also give the kernel ABI.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
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
  return createHash('sha256').update(kernelModuleBytes()).digest('hex');
}

/** Compiles the module once per process (the `prepare` stage's main cost). */
export function compileKernelModule(): WebAssembly.Module {
  if (!compiled) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    compiled = new WebAssembly.Module(kernelModuleBytes());
  }
  return compiled;
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
