/**
 * The compiler's staged API, in data-flow order: `importOnnxFile` → `runPasses` → `assignLayouts`
 * → (`chooseKernels` with a device profile) → `lowerGraph` → `writeBundle`. `compileModel` runs them
 * all, optionally writing each stage's output to a dump directory (`01.import.txt`,
 * `02.passes.txt`, `03.search.txt`, `04.plan.txt`). The CLI only parses flags and calls these.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeDirectory, writeOutputFile } from './write-failure.js';
import { join } from 'node:path';
import type { Manifest, PredictedCold } from '../runtime/bundle/manifest.js';
import { writeBundle, type PredictedTimeline } from './bundle/write-bundle.js';
import { renderSchedule } from './bundle/schedule-text.js';
import { importOnnxFile, type ImportOptions } from './import/onnx.js';
import type { Graph } from './ir/graph.js';
import { printGraph } from './ir/print-graph.js';
import { lowerGraph } from './lower/lower.js';
import { selectKernels, type KernelStrategy } from './select/select-kernels.js';
import { runPasses } from './passes/pipeline.js';
import { assignLayouts, type LayoutPolicy } from './layout/assign-layouts.js';
import { kernelAbi } from '../runtime/kernels/catalogue.js';
import { loadProfile } from './profile/load-profile.js';
import { budgetText, chooseKernels, formatReport, type Objective, type SearchReport } from './search/choose.js';
import { CompileError, codes } from './diagnostics.js';
import { profileWarmMs, UncostedStepError } from './search/candidates.js';
import type { Budgets } from './search/problem.js';
import { simulate } from './search/simulate.js';

export { importOnnxFile, importOnnx } from './import/onnx.js';
export { runPasses } from './passes/pipeline.js';
export { lowerGraph } from './lower/lower.js';
export { writeBundle } from './bundle/write-bundle.js';

export interface CompileOptions extends ImportOptions {
  /** Device profile file: kernels and weight sources are then searched for this device. */
  profile?: string;
  /** With a profile: `cold` (default) searches for the least cold latency; `warm` is the conventional plan. */
  objective?: Objective;
  /** `fast` (default): wasm variants where they apply; `reference`: the reference kernels only. */
  kernels?: KernelStrategy;
  /** Store transformed weights packed in the bundle (true, default) or raw with a load-time transform. */
  bypass?: boolean;
  /**
   * Without a profile: lanes for every step whose kernel can split (default 1). With a profile:
   * the most lanes the search may split one step across (default: the profile's executing lanes).
   */
  lanes?: number;
  /**
   * Activation layouts: `auto` (default) runs steps in NC4HW4 where kernels for it exist and it
   * pays (layout/assign-layouts.ts; with a profile, also only when the search predicts the plan
   * faster than all-NCHW); `nchw` never does.
   */
  layout?: LayoutPolicy;
  /** With a profile: plan a switch to the warm-fastest kernels after the first run (default true). */
  continuous?: boolean;
  budgets?: Budgets;
  /** Directory to write each stage's output into. */
  dumpDir?: string;
  /** Called at the start of each stage, for progress output. */
  onStage?: (stage: string) => void;
}

export interface CompileResult {
  manifest: Manifest;
  graph: Graph;
  stats: { importedNodes: number; plannedSteps: number; weightsBytes: number; elapsedMs: number };
  /** The search's result, when compiled with a profile. */
  search?: SearchReport;
}

function predictionOf(search: ReturnType<typeof chooseKernels>): { summary: PredictedCold; stepMs: number[]; timeline: PredictedTimeline } {
  const { report, problem, decisions } = search;
  const b = report.breakdown;
  return {
    summary: {
      objective: report.objective, coldMs: report.predictedMs, warmMs: report.warmMs, lowerBoundMs: report.lowerBoundMs,
      stages: { start: b.startMs, read: b.readMs, alloc: b.allocMs, prepare: b.prepareMs, transform: b.transformMs, execute: b.executeMs, wait: b.waitMs },
    },
    stepMs: report.steps.map((s) => s.executeFirstMs),
    timeline: {
      profile: report.profile, objective: report.objective, predictedMs: report.predictedMs, lowerBoundMs: report.lowerBoundMs,
      steps: problem.steps.map((step) => step.name), tasks: simulate(problem, decisions).tasks,
    },
  };
}

/**
 * Searches each graph (the same model in other layouts, preferred first) and keeps the one whose
 * plan the simulator predicts fastest for the objective; a graph with steps the profile cannot
 * cost (kernels it never measured) is skipped.
 */
function searchLayouts(graphs: readonly Graph[], choose: (graph: Graph) => ReturnType<typeof chooseKernels>, objective: Objective) {
  let best: { graph: Graph; search: ReturnType<typeof chooseKernels> } | undefined;
  const metric = (s: ReturnType<typeof chooseKernels>) => (objective === 'warm' ? s.report.warmMs : s.report.predictedMs);
  for (const graph of new Set(graphs)) {
    let search;
    try {
      search = choose(graph);
    } catch (error) {
      if (error instanceof UncostedStepError && graph !== graphs[graphs.length - 1]) continue;
      throw error;
    }
    if (!best || metric(search) < metric(best.search)) best = { graph, search };
  }
  return best!;
}

export function compileModel(modelPath: string, outDir: string, options: CompileOptions = {}): CompileResult {
  const start = performance.now();
  const dump = (file: string, text: string): void => {
    if (!options.dumpDir) return;
    makeDirectory(options.dumpDir);
    writeOutputFile(join(options.dumpDir, file), text);
  };
  options.onStage?.('import');
  const imported = importOnnxFile(modelPath, options);
  dump('01.import.txt', printGraph(imported));
  options.onStage?.('passes');
  const passLog: string[] = [];
  const optimised = runPasses(imported, { onPass: (name, g) => passLog.push(`# after ${name}: ${g.nodes.length} nodes\n${printGraph(g)}`) });
  const profilePath = options.profile;
  const profile = profilePath ? loadProfile(profilePath) : undefined;
  const laidOut = assignLayouts(optimised, options.kernels === 'reference' ? 'nchw' : options.layout ?? 'auto', { warmMs: profile && profileWarmMs(profile) });
  if (laidOut !== optimised) passLog.push(`# after assign-layouts: ${laidOut.nodes.length} nodes\n${printGraph(laidOut)}`);
  dump('02.passes.txt', passLog.join('\n'));
  const budgets = options.budgets ?? {};
  if (!profile && (budgets.maxBundleBytes !== undefined || budgets.maxMemoryBytes !== undefined)) {
    throw new CompileError(codes.badOption, `byte budgets (${budgetText(budgets)}) are kept by the search, which needs a device profile`, {},
      'add --profile device.json (nncc profile makes one), or drop the budget');
  }
  let graph = laidOut;
  let search: ReturnType<typeof chooseKernels> | undefined;
  let profileIdentity: { name: string; sha256: string } | undefined;
  if (profile && profilePath) {
    options.onStage?.('search');
    profileIdentity = { name: profile.device.name, sha256: createHash('sha256').update(readFileSync(profilePath)).digest('hex') };
    const objective = options.objective ?? 'cold';
    const limits = { kernels: options.kernels, bypass: options.bypass };
    ({ graph, search } = searchLayouts([laidOut, optimised], (g) => chooseKernels(g, profile, objective, options.budgets, options.lanes, limits), objective));
    dump('03.search.txt', formatReport(search.report));
  }
  // The kernel choice: the search's with a profile, else each node's first fitting variant.
  const choices = search?.choices ?? selectKernels(graph, options.kernels, options.bypass);
  options.onStage?.('lower');
  const warmChoices = options.continuous === false ? undefined : search?.warmChoices;
  const lowered = lowerGraph(graph, choices, {
    lanes: options.lanes, loaders: search?.loaders, stepLanes: search?.stepLanes, warmChoices, warmPreparer: search?.warmPreparer,
  });
  const modelSha256 = createHash('sha256').update(readFileSync(modelPath)).digest('hex');
  const prediction = search ? predictionOf(search) : undefined;
  const identity = { modelName: graph.name, modelSha256, opset: graph.opset, profile: profileIdentity, prediction };
  dump('04.plan.txt', renderSchedule(lowered.plan, {
    model: graph.name, modelSha256, kernelAbi: kernelAbi(), profile: profileIdentity?.name ?? null, predictedColdMs: prediction?.summary.coldMs ?? null,
  }, prediction?.stepMs));
  options.onStage?.('write');
  const manifest = writeBundle(outDir, lowered, identity);
  return {
    manifest,
    graph,
    stats: {
      importedNodes: imported.nodes.length,
      plannedSteps: lowered.plan.steps.length,
      weightsBytes: lowered.plan.weightsBytes,
      elapsedMs: performance.now() - start,
    },
    ...(search ? { search: search.report } : {}),
  };
}
