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
import type { EagerFunctions, KernelModuleKind } from './builds.js';
import { withCompilationHints } from './compilation-hints.js';
import { KernelError } from '../../errors/errors.js';

const moduleUrls: Readonly<Record<KernelModuleKind, URL>> = {
  relaxed: new URL('./kernels.wasm', import.meta.url),
  portable: new URL('./kernels-simd.wasm', import.meta.url),
};

export const kernelModuleKinds = Object.keys(moduleUrls) as KernelModuleKind[];
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
  for (const kind of kernelModuleKinds) hash.update(kernelModuleBytes(kind));
  return hash.digest('hex');
}

/**
 * Compiles the module this engine runs, once per process (the `prepare` stage's main cost). The
 * first call decides which functions V8 optimizes at once, in the background (`eager`: a bundle
 * that tiers its kernels up at load, load/tier-up.ts); every other function is compiled when it
 * is first called, and optimized only once V8's tiering budget says it is hot.
 */
export function compileKernelModule(eager: EagerFunctions = {}): WebAssembly.Module {
  if (!compiled) compiled = compileBest(eager);
  return compiled;
}

let chosen: KernelModuleKind | undefined;

/** Which build this process runs (after `compileKernelModule`). */
export function kernelModuleKind(): KernelModuleKind | undefined {
  return chosen;
}

function compileBest(eager: EagerFunctions): WebAssembly.Module {
  if (process.env.NNCC_WASM_SIMD !== 'portable') {
    const relaxed = withRelaxedSimd(() => compileWithHints(kernelModuleBytes('relaxed'), eager.relaxed));
    if (relaxed) {
      chosen = 'relaxed';
      return relaxed;
    }
  }
  chosen = 'portable';
  return compileWithHints(kernelModuleBytes('portable'), eager.portable);
}

/** Compiles `bytes`, a variant of build `kind` (the compiler's marked copies, compiler/bundle/first-run-functions.ts); undefined when the engine cannot run that build. */
export function compileKernelBuild(kind: KernelModuleKind, bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | undefined {
  return kind === 'relaxed' ? withRelaxedSimd(() => new WebAssembly.Module(bytes)) : new WebAssembly.Module(bytes);
}

/**
 * Compiles `bytes`, with `functions` hinted for eager optimization (compilation-hints.ts) when
 * there are any. V8 reads the hints with its compilation-hints flag on, set for the compile only
 * and cleared after (unless node's options set it), for the reason withRelaxedSimd gives.
 */
function compileWithHints(bytes: Uint8Array<ArrayBuffer>, functions: readonly number[] = []): WebAssembly.Module {
  const hinted = functions.length > 0 && engineReadsHints() ? withCompilationHints(bytes, functions) : undefined;
  if (!hinted) return new WebAssembly.Module(bytes);
  setFlagsFromString('--experimental-wasm-compilation-hints');
  try {
    return new WebAssembly.Module(hinted);
  } finally {
    if (!nodeSetsFlag('experimental-wasm-compilation-hints')) setFlagsFromString('--no-experimental-wasm-compilation-hints');
  }
}

/**
 * V8 versions known to have the compilation-hints flag (Node 20–24 ship V8 11–13). Setting a flag
 * a V8 does not have prints an error on stderr, so another V8 gets no hints (and no tier-up) until
 * it is checked.
 */
function engineReadsHints(): boolean {
  const major = Number(process.versions.v8.split('.')[0]);
  return major >= 11 && major <= 14;
}

/** Whether node's command line or NODE_OPTIONS turns V8 flag `--name` on (dashes or underscores). */
function nodeSetsFlag(name: string): boolean {
  const pattern = new RegExp(`^--${name.replace(/-/g, '[-_]')}$`);
  return [...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv].some((arg) => pattern.test(arg));
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

/** A shared memory of at least `bytes`, with the kernels (this process's, or `module`: a build of them) instantiated on it. */
export function instantiateKernels(bytes: number, module = compileKernelModule()): { memory: WebAssembly.Memory; exports: KernelExports } {
  const memory = sharedMemory(bytes);
  return { memory, exports: instantiateOn(memory, module) };
}

/** A shared memory of at least `bytes`, whole pages, fixed size (what the kernels import). */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / pageBytes));
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** The kernels (this process's, or `module`) instantiated on `memory`. */
export function instantiateOn(memory: WebAssembly.Memory, module = compileKernelModule()): KernelExports {
  const instance = new WebAssembly.Instance(module, kernelImports(memory));
  const exports = instance.exports as unknown as KernelExports;
  if (exports.heapBase() > kernelStaticBytes) {
    throw new KernelError(`kernels.wasm static data (${exports.heapBase()} bytes) exceeds the ${kernelStaticBytes} bytes reserved for it`, 'an nncc kernel bug: report it with the bundle');
  }
  return exports;
}

/** What the kernel module imports: the shared memory, and `abort` (which the kernels, built with noAssert, call only on a bug). */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, abort: abortFromWasm } };
}

function abortFromWasm(): never {
  throw new KernelError('wasm kernel aborted', 'an nncc kernel bug: report it with the bundle');
}
