/**
 * The bundle manifest (`manifest.json`): what a bundle is, what it needs of the runtime, and every
 * file it holds with size and sha256. Written by `compiler/bundle`, checked by `read-bundle.ts`
 * before anything else is read. Described field by field in `schemas/manifest.schema.json`.
 */
import type { DType } from '../tensor/tensor.js';
import type { EagerFunctions } from '../kernels/wasm/builds.js';
import type { StageTotals } from '../trace/stages.js';

/**
 * The format this runtime reads and the compiler writes. The compatibility rule (which majors,
 * minors, kernel ABIs and plan formats a runtime accepts) is stated once, in the README's
 * "Bundle format" section; `checkManifest` and `checkPlan` enforce it.
 */
export const bundleFormat = { name: 'nncc-bundle', major: 1, minor: 3 } as const;

export const bundleFileNames = {
  manifest: 'manifest.json',
  schedule: 'schedule.json',
  plan: 'plan.msgpack',
  weights: 'weights.bin',
} as const;

export interface TensorSpec {
  name: string;
  dtype: DType;
  dims: number[];
}

export interface BundleFileEntry {
  path: string;
  bytes: number;
  sha256: string;
  /** CRC-32 of the file (8 hex digits; minor 1): what every load checks the plan against, with no node:crypto. */
  crc32?: string;
}

/** What the compiler predicted for the device it searched for (absent without a profile). */
export interface PredictedCold {
  objective: 'cold' | 'warm';
  coldMs: number;
  warmMs: number;
  lowerBoundMs: number;
  /** Stage times summed over lanes, ms. */
  stages: StageTotals;
}

export interface Manifest {
  format: { name: string; major: number; minor: number };
  nnccVersion: string;
  kernelAbi: string;
  requiredFeatures: string[];
  model: { name: string; sha256: string; opset: number };
  profile: { name: string; sha256: string } | null;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  files: BundleFileEntry[];
  predicted: PredictedCold | null;
  /**
   * Per build of the kernels, the wasm functions the plan's first run calls (minor 3): load has V8
   * optimize them in the background from the start (runtime/load/tier-up.ts). An older runtime
   * ignores them.
   */
  tierUpFunctions?: EagerFunctions;
}
