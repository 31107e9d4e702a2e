/**
 * The kernel catalogue: every kernel variant the runtime can run, in the compiler's order of
 * preference per operator (fast WebAssembly variants first, the reference kernel last), and the
 * kernel ABI a bundle must match: a hash of the wasm module's bytes and of every variant's id and
 * layout version. Adding a variant touches its file, the list below and a test.
 */
import { nodeCrypto } from '../node-builtins.js';
import { referenceKernel, supportedOps } from './ref/registry.js';
import { referenceVariant } from './ref/variants.js';
import type { KernelVariant } from './variant.js';
import { convDirect, convDirectPacked } from './wasm/Conv.js';
import { convIm2colSgemm } from './wasm/ConvIm2col.js';
import { convFirstC3NC4HW4 } from './wasm/ConvFirst.js';
import { convWinogradF23, convWinogradF43, convWinogradF63 } from './wasm/ConvWinograd.js';
import { convDepthwise3x3NC4HW4, convDepthwise3x3C4, convDepthwise3x3s1, convDepthwise3x3s2, convDepthwise5x5s1, convDepthwise5x5s2, convDepthwise } from './wasm/ConvDepthwise.js';
import { convGrouped, convGroupedPacked } from './wasm/ConvGrouped.js';
import { maxPoolSimd, averagePoolSimd, globalMaxPoolSimd, globalAveragePoolSimd } from './wasm/Pool.js';
import { addSimd } from './wasm/Add.js';
import { subSimd } from './wasm/Sub.js';
import { mulSimd } from './wasm/Mul.js';
import { divSimd } from './wasm/Div.js';
import { sumSimd } from './wasm/Sum.js';
import { reluSimd, leakyReluSimd, sigmoidSimd, hardSigmoidSimd, hardSwishSimd, tanhSimd, siluSimd, clipSimd } from './wasm/Activations.js';
import { concatCopy } from './wasm/Concat.js';
import { gemmNaive, gemmPacked } from './wasm/Gemm.js';
import { matMulNaive, matMulPacked } from './wasm/MatMul.js';
import { convPointwiseC4 } from './wasm/ConvPointwiseC4.js';
import { toNC4HW4Simd } from './wasm/ToNC4HW4.js';
import { toNCHWSimd } from './wasm/ToNCHW.js';
import { addSimdC4, reluSimdC4, clipSimdC4 } from './wasm/ElementwiseC4.js';
import { globalAveragePoolSimdC4 } from './wasm/PoolC4.js';
import { kernelModuleSha256 } from './wasm/module.js';

const wasmVariants: KernelVariant[] = [
  convWinogradF43,
  convDirectPacked,
  convFirstC3NC4HW4,
  convIm2colSgemm,
  convDirect,
  convPointwiseC4,
  convWinogradF23,
  convWinogradF63,
  convDepthwise3x3NC4HW4,
  convDepthwise3x3C4,
  convDepthwise3x3s1,
  convDepthwise3x3s2,
  convDepthwise5x5s1,
  convDepthwise5x5s2,
  convDepthwise,
  convGroupedPacked,
  convGrouped,
  gemmPacked,
  gemmNaive,
  matMulPacked,
  matMulNaive,
  maxPoolSimd,
  averagePoolSimd,
  globalMaxPoolSimd,
  globalAveragePoolSimd,
  globalAveragePoolSimdC4,
  addSimd,
  addSimdC4,
  subSimd,
  mulSimd,
  divSimd,
  sumSimd,
  reluSimd,
  reluSimdC4,
  leakyReluSimd,
  sigmoidSimd,
  hardSigmoidSimd,
  hardSwishSimd,
  tanhSimd,
  siluSimd,
  clipSimd,
  clipSimdC4,
  concatCopy,
  toNC4HW4Simd,
  toNCHWSimd,
];

const variants: KernelVariant[] = [
  ...wasmVariants,
  ...supportedOps().map((op) => referenceVariant(referenceKernel(op)!)),
];

const byId = new Map<string, KernelVariant>();
for (const variant of variants) {
  if (byId.has(variant.id)) throw new Error(`kernel variant '${variant.id}' registered twice`);
  byId.set(variant.id, variant);
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
