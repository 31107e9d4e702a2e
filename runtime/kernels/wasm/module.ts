/**
 * Loads the wasm kernel module and instantiates it on a shared memory of the planned size.
 * `npm run build:wasm` builds the same sources (assembly/) twice: `kernels.wasm` with relaxed
 * SIMD (fused multiply-add) and `kernels-simd.wasm` with SIMD only (multiply, then add). The
 * relaxed one runs where the engine has relaxed SIMD (on Node 20 behind a V8 flag, set for the
 * compile only); the portable one elsewhere, or when `NNCC_WASM_SIMD=portable` asks for it (to
 * compare numerics, or to test what such an engine runs). Both have the same exports, scratch
 * and packed layouts, so a bundle runs on either. Their bytes give the kernel ABI.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { nodeCrypto } from '../../node-builtins.js';
import type { KernelExports } from './exports.js';

const moduleUrls = {
  relaxed: new URL('./kernels.wasm', import.meta.url),
  portable: new URL('./kernels-simd.wasm', import.meta.url),
} as const;

export type KernelModuleKind = keyof typeof moduleUrls;
const pageBytes = 65536;

/** Bytes at the bottom of memory kept for the module's static data; planned memory starts here. */
export const kernelStaticBytes = pageBytes;

const wasmBytes: Partial<Record<KernelModuleKind, Uint8Array<ArrayBuffer>>> = {};
let compiled: WebAssembly.Module | undefined;

export function kernelModuleBytes(kind: KernelModuleKind): Uint8Array<ArrayBuffer> {
  wasmBytes[kind] ??= new Uint8Array(readFileSync(moduleUrls[kind]));
  return wasmBytes[kind];
}

/** The sha256 of both builds, for the kernel ABI. */
export function kernelModuleSha256(): string {
  const hash = nodeCrypto().createHash('sha256');
  for (const kind of Object.keys(moduleUrls) as KernelModuleKind[]) hash.update(kernelModuleBytes(kind));
  return hash.digest('hex');
}

/**
 * Compiles the module this engine runs, once per process (the `prepare` stage's main cost). The
 * first call decides whether its functions start with a tiering budget of one
 * (`tieringBudgetOne`: a bundle that tiers its kernels up at load, load/tier-up.ts); otherwise
 * they have V8's budget, and a short run never pays for optimizing a kernel it is done with.
 */
export function compileKernelModule(tieringBudgetOne = false): WebAssembly.Module {
  if (!compiled) {
    compiled = tieringBudgetOne ? withTieringBudgetOne(compileBest) : compileBest();
    compiledWithBudgetOne = tieringBudgetOne;
  }
  return compiled;
}

let compiledWithBudgetOne = false;

/** Whether this process's kernels were compiled with a tiering budget of one (after `compileKernelModule`). */
export function kernelsTierUpOnFirstCall(): boolean {
  return compiledWithBudgetOne;
}

let chosen: KernelModuleKind | undefined;

/** Which build this process runs (after `compileKernelModule`). */
export function kernelModuleKind(): KernelModuleKind | undefined {
  return chosen;
}

function compileBest(): WebAssembly.Module {
  if (process.env.NNCC_WASM_SIMD !== 'portable') {
    const relaxed = withRelaxedSimd(() => new WebAssembly.Module(kernelModuleBytes('relaxed')));
    if (relaxed) {
      chosen = 'relaxed';
      return relaxed;
    }
  }
  chosen = 'portable';
  return new WebAssembly.Module(kernelModuleBytes('portable'));
}

/**
 * Runs `compile` with a wasm tiering budget of one: the module's functions start with that
 * budget, so any call queues its function for V8's optimizing compiler at once (load/tier-up.ts).
 * V8 reads the budget when it compiles a module; later budgets are V8's own. The flag is set back
 * right after, to what node's options say or else V8's default (1800000 in Node 20–24), for the
 * reason withRelaxedSimd gives.
 */
function withTieringBudgetOne<T>(compile: () => T): T {
  setFlagsFromString('--wasm-tiering-budget=1');
  try {
    return compile();
  } finally {
    setFlagsFromString(`--wasm-tiering-budget=${nodeOptionValue('wasm-tiering-budget') ?? '1800000'}`);
  }
}

/** The value `--name=value` in node's command line or NODE_OPTIONS gives (dashes or underscores), the last one winning. */
function nodeOptionValue(name: string): string | undefined {
  const pattern = new RegExp(`^--${name.replace(/-/g, '[-_]')}=(\\S+)$`);
  const args = [...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv];
  return args.map((arg) => pattern.exec(arg)?.[1]).filter((value) => value !== undefined).pop();
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
 * Runs `compile` with relaxed SIMD on, or returns undefined when the engine has none. When the
 * engine needs the V8 flag, it is set for the compile only and cleared after: any changed V8 flag
 * makes Node reject its code cache for the built-in modules loaded later in the process (measured
 * here: worker_threads, crypto, stream and zlib take 6.2 ms instead of 2.5), a cost every later
 * import would pay. A compiled module keeps the features it was compiled with, also when its
 * functions are compiled lazily.
 */
function withRelaxedSimd<T>(compile: () => T): T | undefined {
  if (WebAssembly.validate(relaxedSimdProbe())) return compile();
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return undefined;
  }
  try {
    return WebAssembly.validate(relaxedSimdProbe()) ? compile() : undefined;
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
