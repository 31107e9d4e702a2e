/**
 * The pass pipeline: takes the imported graph, gives an equivalent smaller one for `lower/`.
 * Passes run in this order; each takes a graph and returns a new one (the input is left as it
 * was, so tests can run the graph before and after every pass and compare outputs).
 */
import { cloneGraph, type Graph } from '../ir/graph.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { batchNormToScaleShift } from './batchnorm-to-scale-shift.js';
import { foldBatchNorm } from './fold-batchnorm.js';
import { foldConstants } from './fold-constants.js';
import { fuseActivations } from './fuse-activations.js';
import { fuseGatedActivations } from './fuse-gated-activations.js';
import { fuseAttention } from './fuse-attention.js';
import { fuseGelu } from './fuse-gelu.js';
import { fuseLayerNorm } from './fuse-layer-norm.js';
import { removeIdentities } from './remove-identities.js';

export interface Pass {
  readonly name: string;
  /** Rewrites `graph` in place (the pipeline hands each pass its own copy). */
  run(graph: Graph): void;
}

export const passes: readonly Pass[] = [
  { name: 'remove-identities', run: removeIdentities },
  { name: 'fold-constants', run: foldConstants },
  { name: 'fold-batchnorm', run: foldBatchNorm },
  { name: 'batchnorm-to-scale-shift', run: batchNormToScaleShift },
  { name: 'fuse-layer-norm', run: fuseLayerNorm },
  { name: 'fuse-gelu', run: fuseGelu },
  { name: 'fuse-attention', run: fuseAttention },
  { name: 'fuse-gated-activations', run: fuseGatedActivations },
  { name: 'fuse-activations', run: fuseActivations },
  { name: 'eliminate-dead-code', run: eliminateDeadCode },
];

export interface PassOptions {
  /** Called after each pass with its result (for --dump-dir and the equivalence tests). */
  onPass?: (name: string, graph: Graph) => void;
  /** Names of passes to skip. */
  skip?: readonly string[];
}

export function runPasses(graph: Graph, options: PassOptions = {}): Graph {
  let current = graph;
  for (const pass of passes) {
    if (options.skip?.includes(pass.name)) continue;
    current = cloneGraph(current);
    pass.run(current);
    options.onPass?.(pass.name, current);
  }
  return current;
}
