/**
 * `nncc profile` as a function: measures the machine it runs on (fixed costs, storage, and the
 * kernel costs the given models need), fits the cost model, and returns the profile. Resuming
 * keeps an existing profile's measurements and adds what is missing. `formatReport` prints the
 * cost model's fit error per kernel family.
 */
import { availableParallelism, cpus } from 'node:os';
import { importOnnxFile } from '../import/onnx.js';
import { runPasses } from '../passes/pipeline.js';
import { fitCostModel } from '../profile/cost-model.js';
import { measureBundleOpen, measureFixedCosts, measureSplitting, measureStorage } from './measure-fixed.js';
import { kernelJobs, measureKernels } from './measure-kernels.js';
import { profileFormat, type DeviceProfile } from '../profile/profile.js';

export interface ProfileOptions {
  /** Device name written into the profile. */
  name: string;
  /** Fewer repetitions and one fresh process per first call: minutes become seconds, noise grows. */
  quick?: boolean;
  /** A profile to extend: its measurements are kept, only missing pairs are measured. */
  resume?: DeviceProfile;
  /** Bindings of the models' symbolic dimensions (compile's --dim). */
  dims?: Record<string, number>;
  onProgress?: (message: string) => void;
}

export function profileMachine(modelPaths: readonly string[], options: ProfileOptions): DeviceProfile {
  const say = options.onProgress ?? (() => undefined);
  const repetitions = options.quick ? 3 : 7;
  const graphs = modelPaths.map((path) => runPasses(importOnnxFile(path, { dims: options.dims })));
  const resume = options.resume;
  say('fixed costs');
  // A resumed profile keeps its fixed costs; one from before the splitting costs or the bundle-open
  // cost were measured gains them (one without laneCreateMs keeps none: creating a lane then costs nothing).
  const measuredFixed = resume
    ? { ...resume.fixedCosts, ...(resume.fixedCosts.loadContention ? {} : measureSplitting(options.quick ? 2 : 5)) }
    : measureFixedCosts(options.quick ? 2 : 5);
  const wasmMs = measuredFixed.wasmCompileMs.median + measuredFixed.wasmInstantiateMs.median;
  const fixedCosts = measuredFixed.bundleOpenMsPerStep || graphs.length === 0
    ? measuredFixed
    : { ...measuredFixed, bundleOpenMsPerStep: measureBundleOpen(graphs, options.quick ? 2 : 5, wasmMs) };
  say('storage');
  const storage = resume?.storage ?? measureStorage(options.quick ? 2 : 5);
  const known = new Set((resume?.kernels ?? []).map((k) => `${k.signature}@${k.kernel}`));
  const jobs = kernelJobs(graphs, known);
  const measured = measureKernels(jobs, {
    repetitions,
    processes: options.quick ? 1 : 3,
    onProgress: (done, total, what) => say(`kernels ${done + 1}/${total}: ${what}`),
  });
  const kernels = [...(resume?.kernels ?? []), ...measured]
    .sort((a, b) => a.kernel.localeCompare(b.kernel) || a.signature.localeCompare(b.signature));
  const cores = availableParallelism();
  return {
    format: { ...profileFormat },
    device: {
      name: options.name,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cores,
      wasmFeatures: ['wasm-simd', 'wasm-relaxed-simd', 'wasm-threads'],
      engine: `node ${process.version}`,
      measuredAt: new Date().toISOString().slice(0, 10),
    },
    lanes: Array.from({ length: cores }, (_, id) => ({ id, relativeSpeed: 1, canExecute: true, canLoad: true })),
    storage,
    fixedCosts,
    kernels,
    costModel: fitCostModel(kernels),
  };
}

export function formatReport(profile: DeviceProfile): string {
  const pct = (v: number | null): string => (v === null ? '–' : `${v.toFixed(1)}%`);
  const rows = Object.entries(profile.costModel).map(([family, m]) =>
    `| ${family} | ${m.executeWarmMs.samples} | ${pct(m.executeWarmMs.medianErrorPct)} | ${pct(m.executeFirstMs.medianErrorPct)} | ${m.transformMs.samples} | ${pct(m.transformMs.medianErrorPct)} |`);
  const all = (cost: 'executeWarmMs' | 'executeFirstMs' | 'transformMs'): number[] =>
    Object.values(profile.costModel).map((m) => m[cost].medianErrorPct).filter((v): v is number => v !== null);
  const median = (xs: number[]): number | null => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : null);
  return [
    `cost model of ${profile.device.name}: median absolute error on held-out signatures (leave-one-out)`,
    '| kernel family | execute samples | execute warm error | execute first error | transform samples | transform error |',
    '|---|---|---|---|---|---|',
    ...rows,
    `| **median over families** | | ${pct(median(all('executeWarmMs')))} | ${pct(median(all('executeFirstMs')))} | | ${pct(median(all('transformMs')))} |`,
    '',
  ].join('\n');
}
