/**
 * The device profile as the compiler holds it (schemas/device-profile.schema.json describes
 * every field): lanes, storage, fixed costs, measured kernel costs and the fitted cost model.
 * Made by `measure-*.ts` (nncc profile) or by hand for a device nobody can reach; read by
 * `load-profile.ts`; used by the search through `cost-model.ts`.
 */

export const profileFormat = { name: 'nncc-device-profile', version: 1 } as const;

export interface Sample {
  median: number;
  spread: number;
  samples: number;
}

export interface ReadCost {
  bytesPerMs: number;
  latencyMs: number;
}

export interface Lane {
  id: number;
  relativeSpeed: number;
  canExecute: boolean;
  canLoad: boolean;
}

export interface KernelCost {
  signature: string;
  op: string;
  kernel: string;
  flops: number;
  activationBytes: number;
  weightBytes: number;
  packedBytes: number;
  readRawMs: Sample;
  transformMs: Sample;
  readTransformedMs: Sample;
  executeWarmMs: Sample;
  executeFirstMs: Sample;
}

export interface Fit {
  a: number;
  b: number;
  c: number;
  samples: number;
  medianErrorPct: number | null;
}

export interface FamilyModel {
  executeWarmMs: Fit;
  executeFirstMs: Fit;
  transformMs: Fit;
}

export interface DeviceProfile {
  format: { name: string; version: number };
  synthetic?: { source: string; method?: string };
  device: { name: string; cpuModel: string; cores: number; wasmFeatures: string[]; engine?: string; measuredAt?: string };
  lanes: Lane[];
  storage: { warm: ReadCost; cold?: ReadCost; evictionMethod?: string };
  fixedCosts: {
    processStartMs: Sample;
    runtimeImportMs: Sample;
    wasmCompileMs: Sample;
    wasmInstantiateMs: Sample;
    /** Starting one worker lane until it can work, from the start of its creation (`laneCreateMs` included). */
    workerStartMs: Sample;
    /** What creating one worker lane costs the executing thread (optional: without it, nothing). */
    laneCreateMs?: Sample;
    allocMsPerMB: Sample;
    /** Intra-op splitting (both or neither; without them no step is split). */
    parallelEfficiency?: Sample;
    laneSyncMs?: Sample;
    /**
     * How many times longer execution on the executing lane takes while a loader lane reads and
     * transforms weights beside it (≥ 1; shared cores, caches and memory bandwidth). Optional:
     * without it the simulator takes lanes as independent.
     */
    loadContention?: Sample;
    /**
     * Opening a bundle, per plan step, before the first step runs: manifest and plan read and
     * checked, steps bound (cold JavaScript). Optional: without it the simulator leaves it out.
     */
    bundleOpenMsPerStep?: Sample;
  };
  kernels: KernelCost[];
  costModel: Record<string, FamilyModel>;
}

/** Median and interquartile range of a list of measurements. */
export function sampleOf(values: readonly number[]): Sample {
  if (values.length === 0) return { median: 0, spread: 0, samples: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const i = (sorted.length - 1) * q;
    const lo = Math.floor(i);
    return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
  };
  return { median: at(0.5), spread: at(0.75) - at(0.25), samples: values.length };
}

export const noSample: Sample = { median: 0, spread: 0, samples: 0 };
