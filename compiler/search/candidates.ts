/**
 * Builds the search problem from a graph and a device profile: per node, every kernel variant
 * that applies (and whose weights are constant when it transforms them), in each weight source
 * it allows, with costs from the profile (a measurement of the same signature, else the fitted
 * model, each with its uncertainty); the device's lanes, storage (warm page cache) and fixed costs.
 *
 * A variant the profile has no cost for at all is left out and listed (`uncosted`), except the
 * node's default variant (the one chosen without a profile): that one is always offered, costed
 * by a stand-in (cost-model.ts `standIn`), and then it is the only variant offered for the node,
 * since nothing measured can say another beats it.
 */
import { variantsFor } from '../../runtime/kernels/catalogue.js';
import { segmentAlignment } from '../../runtime/plan/plan.js';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import { bytesPerElement, sizeOf } from '../../runtime/tensor/tensor.js';
import type { Graph, Node } from '../ir/graph.js';
import { predict, standIn } from '../profile/cost-model.js';
import type { DeviceProfile } from '../profile/profile.js';
import { featuresOf, signatureOf } from '../profile/signature.js';
import { fittingVariants, stepShapes, type KernelStrategy } from '../select/select-kernels.js';
import { backgroundLaneSpec, type Problem, type ProblemStep, type StepOption } from './problem.js';
import type { StepWarmMs } from '../layout/assign-layouts.js';
import { tableRowsBytes } from '../lower/table-rows.js';

export interface CandidateStep extends ProblemStep {
  readonly node: Node;
  /** The variant behind each option, in the same order. */
  readonly variants: readonly KernelVariant[];
  /** The variant compiling without a profile gives the node (select-kernels' first fitting one). */
  readonly defaultVariant: KernelVariant;
}

/** A variant that could run a node but that the profile has no cost for, so the search left it out. */
export interface UncostedVariant {
  readonly node: string;
  readonly kernel: string;
}

export interface CandidateProblem extends Problem {
  readonly steps: readonly CandidateStep[];
  readonly uncosted: readonly UncostedVariant[];
}

/** What the user allows the search to choose from (`nncc compile --kernels`, `--no-bypass`). */
export interface CandidateLimits {
  /** 'reference': the reference kernels only (default 'fast': every variant). */
  readonly kernels?: KernelStrategy;
  /** false: no weights stored transformed (every transform runs at load). */
  readonly bypass?: boolean;
}

/** `maxLanes`: the most executing lanes one step may be split across (default: as many as the profile has). */
export function buildProblem(graph: Graph, profile: DeviceProfile, maxLanes = profile.lanes.filter((l) => l.canExecute).length,
  limits: CandidateLimits = {}): CandidateProblem {
  const uncosted: UncostedVariant[] = [];
  const steps = graph.nodes.map((node) => candidateStep(graph, node, profile, uncosted, limits));
  const f = profile.fixedCosts;
  // Activations only: a constant's bytes are the weights file's image, paid by its read.
  const largestActivations = [...graph.values].filter(([name]) => !graph.constants.has(name))
    .map(([, v]) => sizeOf(v.dims) * bytesPerElement(v.dtype)).sort((a, b) => b - a);
  const activationMB = ((largestActivations[0] ?? 0) + (largestActivations[1] ?? 0)) / 1e6;
  return {
    steps,
    uncosted,
    // Node's I/O threads can read beside the executing lane when the device has another core for them.
    lanes: profile.lanes.length > 1 ? [...profile.lanes, backgroundLaneSpec] : profile.lanes,
    storage: profile.storage.warm,
    fixed: {
      startMs: f.processStartMs.median + f.runtimeImportMs.median,
      // Compiling the kernels, and opening the bundle (its plan read, checked and bound: per step).
      prepareMs: f.wasmCompileMs.median + f.wasmInstantiateMs.median + (f.bundleOpenMsPerStep?.median ?? 0) * steps.length,
      workerStartMs: f.workerStartMs.median,
      ...(f.laneCreateMs ? { laneCreateMs: f.laneCreateMs.median } : {}),
      allocMs: f.allocMsPerMB.median * activationMB,
      firstTouchMsPerByte: f.allocMsPerMB.median / 1e6,
      ...(f.loadContention ? { loadContention: Math.max(1, f.loadContention.median) } : {}),
    },
    ...(f.parallelEfficiency && f.laneSyncMs && maxLanes > 1
      ? { parallel: { efficiency: Math.max(0, f.parallelEfficiency.median), syncMs: Math.max(0, f.laneSyncMs.median), maxLanes } }
      : {}),
  };
}

function candidateStep(graph: Graph, node: Node, profile: DeviceProfile, uncosted: UncostedVariant[], limits: CandidateLimits): CandidateStep {
  const shapes = stepShapes(graph, node);
  const signature = signatureOf(node.op, shapes);
  const features = featuresOf(node.op, shapes);
  // Sizes as the weights file stores them (each segment 64-byte aligned), so byte budgets hold for the file.
  const constantBytes = node.inputs.reduce((sum, name) => sum + segmentBytes(graph.constants.get(name)?.data.byteLength ?? 0), 0);
  const rowsBytes = tableRowsBytes(graph, node);
  const fitting = fittingVariants(graph, node, variantsFor(node.op).filter((v) => limits.kernels !== 'reference' || !v.usesWasm));
  const defaultVariant = fitting[0] ?? variantsFor(node.op).at(-1)!;
  const defaultCost = predict(profile, defaultVariant.id, signature, features) ?? standIn(profile, node.op, features);
  if (!defaultCost) throw new UncostedStepError(node.name, node.op);
  const options: StepOption[] = [];
  const variants: KernelVariant[] = [];
  const pinned = defaultCost.source === 'stand-in';
  for (const variant of fitting.length ? fitting : [defaultVariant]) {
    const cost = variant === defaultVariant ? defaultCost : pinned ? undefined : predict(profile, variant.id, signature, features);
    if (!cost) {
      uncosted.push({ node: node.name, kernel: variant.id });
      continue;
    }
    const transformed = variant.transform ? node.inputs[variant.transform.input] : undefined;
    const base = {
      kernel: variant.id, executeFirstMs: cost.executeFirstMs, executeWarmMs: cost.executeWarmMs, splittable: variant.parallel !== undefined,
      ...(cost.uncertainty > 0 ? { uncertainty: cost.uncertainty } : {}),
      ...(cost.warmUncertainty > 0 ? { warmUncertainty: cost.warmUncertainty } : {}),
    };
    if (!variant.transform || transformed === undefined) {
      // A table read by rows (lower/table-rows.ts) costs the read of its rows only.
      const readBytes = rowsBytes === undefined ? constantBytes : segmentBytes(rowsBytes);
      options.push({ ...base, source: 'raw', readBytes, storedBytes: constantBytes, loadTimeBytes: 0, transformMs: 0 });
      variants.push(variant);
      continue;
    }
    const rawBytes = segmentBytes(graph.constants.get(transformed)!.data.byteLength);
    const packedBytes = segmentBytes(variant.transform.packedBytes(shapes));
    const stored = constantBytes - rawBytes + packedBytes;
    if (limits.bypass !== false) options.push({ ...base, source: 'stored-transformed', readBytes: stored, storedBytes: stored, loadTimeBytes: 0, transformMs: 0 });
    options.push({ ...base, source: 'transform-at-load', readBytes: constantBytes, storedBytes: constantBytes, loadTimeBytes: packedBytes, transformMs: cost.transformMs });
    if (limits.bypass !== false) variants.push(variant);
    variants.push(variant);
  }
  return { name: node.name, node, options, variants, defaultVariant };
}

/** A step's warm cost on the profile with its best fitting variant (for layout regions); undefined when the profile knows none. */
export function profileWarmMs(profile: DeviceProfile): StepWarmMs {
  return (graph, node) => {
    const shapes = stepShapes(graph, node);
    const signature = signatureOf(node.op, shapes);
    const features = featuresOf(node.op, shapes);
    const costs = fittingVariants(graph, node).flatMap((v) => predict(profile, v.id, signature, features)?.executeWarmMs ?? []);
    return costs.length ? Math.min(...costs) : undefined;
  };
}

/** A step the profile can cost no kernel of, not even by a stand-in (it holds no wasm family at all). */
export class UncostedStepError extends Error {
  constructor(readonly node: string, readonly op: string) {
    super(`the profile has no cost for any kernel of node '${node}' (${op}) in its layout; re-run nncc profile with --resume to measure them`);
  }
}

function segmentBytes(bytes: number): number {
  return Math.ceil(bytes / segmentAlignment) * segmentAlignment;
}
