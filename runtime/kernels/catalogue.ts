/**
 * The kernel catalogue: every kernel variant the runtime can run, in the compiler's order of
 * preference per operator (fast WebAssembly variants first, the reference kernel last), and the
 * kernel ABI a bundle must match: a hash of the wasm module's bytes and of every variant's id and
 * layout version. Each backend registers its variants in one list (wasm/variants.ts; the
 * reference kernels, ref/registry.ts).
 */
import { nodeCrypto } from '../node-builtins.js';
import { referenceKernel, supportedOps } from './ref/registry.js';
import { referenceVariant } from './ref/variants.js';
import type { KernelVariant } from './variant.js';
import { wasmVariants } from './wasm/variants.js';
import { kernelModuleSha256 } from './wasm/module.js';
import { KernelError } from '../errors/errors.js';

const variants: KernelVariant[] = [
  ...wasmVariants,
  ...supportedOps().map((op) => referenceVariant(referenceKernel(op)!)),
];

const byId = new Map<string, KernelVariant>();
for (const variant of variants) {
  if (byId.has(variant.id)) throw new KernelError(`kernel variant '${variant.id}' registered twice`, 'give every variant its own id');
  byId.set(variant.id, variant);
}

/** Every registered variant, each backend's in its order of preference, the reference kernels last. */
export function catalogueVariants(): readonly KernelVariant[] {
  return variants;
}

export function variantById(id: string): KernelVariant | undefined {
  return byId.get(id);
}

/** Variants implementing `op`, most preferred first; the reference variant is always last. */
export function variantsFor(op: string): KernelVariant[] {
  return variants.filter((v) => v.op === op);
}

export function referenceVariantId(op: string): string {
  return `ref.${op}`;
}

/** The ABI as the runtime package's build computed it (runtime/build/bundle-runtime.mjs); absent in dist/runtime. */
declare const NNCC_BUILT_KERNEL_ABI: string | undefined;

let abi: string | undefined = typeof NNCC_BUILT_KERNEL_ABI === 'string' ? NNCC_BUILT_KERNEL_ABI : undefined;

/**
 * Identity of the kernels and their layouts; bundles record it and the runtime compares. The
 * runtime package has it built in (the same function, run by its build on the same files), so
 * loading a bundle hashes nothing.
 */
export function kernelAbi(): string {
  if (!abi) {
    const hash = nodeCrypto().createHash('sha256').update(kernelModuleSha256());
    for (const v of variants) hash.update(`\n${v.id}@${v.layoutVersion}`);
    abi = `nncc-kernels/${hash.digest('hex').slice(0, 16)}`;
  }
  return abi;
}

/** Engine features a plan using these variants needs (relaxed SIMD is used where the engine has it, not needed). */
export function requiredFeatures(ids: Iterable<string>): string[] {
  for (const id of ids) if (byId.get(id)?.usesWasm) return ['wasm-simd', 'wasm-threads'];
  return [];
}
