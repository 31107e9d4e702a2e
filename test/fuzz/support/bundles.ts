/**
 * The bundles the bundle fuzzing damages: tiny-cnn compiled without a profile (one lane), with
 * every splittable step on two lanes (a worker lane) and raw weights, and lowered with every other
 * step loaded by a loader lane or read in the background (Node's I/O threads) and transformed at
 * load; three 3×3 convs at 14×14 for this machine's profile, where the plan stores im2col-packed
 * weights and switches to direct-packed kernels after the first run, reading their weights
 * (tiny-cnn has none there); and tiny-cnn with its first run's functions to tier up written into
 * its manifest. Each comes with a working copy to damage, the fixture's feeds and the undamaged
 * bundle's outputs to compare against.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileModel } from '../../../compiler/compile.js';
import { writeBundle } from '../../../compiler/bundle/write-bundle.js';
import { importOnnxFile } from '../../../compiler/import/onnx.js';
import type { Node } from '../../../compiler/ir/graph.js';
import { lowerGraph } from '../../../compiler/lower/lower.js';
import { runPasses } from '../../../compiler/passes/pipeline.js';
import { randomTensor, seededRandom } from '../../../compiler/random.js';
import { fixtureModels } from '../../../fixtures/models/definitions.js';
import { backgroundReads, type Plan } from '../../../runtime/plan/plan.js';
import { firstRunFunctions } from '../../../compiler/bundle/first-run-functions.js';
import { Session, type Feeds, type Outputs } from '../../../runtime/session.js';
import { threeConvsModel } from '../../support/models.js';
import { fixtureModelDir } from '../../support/paths.js';
import { copyOutputs, type ExpectedOutputs } from './properties.js';
import { fixtureProfile } from '../../support/profiles.js';
import { selectKernels } from '../../../compiler/select/select-kernels.js';

export const bundleFileNames = ['manifest.json', 'plan.msgpack', 'schedule.json', 'weights.bin'] as const;
export type BundleFileName = (typeof bundleFileNames)[number];

export interface FuzzBundle {
  label: string;
  /** The undamaged bundle (never written after compiling). */
  goodDir: string;
  /** A copy that cases damage and restore. */
  workDir: string;
  files: Record<BundleFileName, Uint8Array>;
  plan: Plan;
  feeds: Feeds;
  expected: ExpectedOutputs;
}

const warmProfile = fixtureProfile('epyc-zen4-2core-node20');

const tinyCnnPath = join(fixtureModelDir, 'tiny-cnn.onnx');

export type FuzzBundleKind = 'plain' | 'two-lanes' | 'loader' | 'background' | 'warm' | 'tier-up';
export const fuzzBundleKinds: readonly FuzzBundleKind[] = ['plain', 'two-lanes', 'loader', 'background', 'warm', 'tier-up'];

const warmInputSize = 14;
const warmInputDims = [1, 32, warmInputSize, warmInputSize];

async function compileKind(kind: FuzzBundleKind, dir: string, root: string): Promise<void> {
  if (kind === 'plain') compileModel(tinyCnnPath, dir);
  else if (kind === 'warm') {
    const model = join(root, 'warm-switch.onnx');
    writeFileSync(model, threeConvsModel({ name: 'warm-switch', seed: 12, size: warmInputSize }));
    compileModel(model, dir, { profile: warmProfile });
  }
  else if (kind === 'two-lanes') compileModel(tinyCnnPath, dir, { lanes: 2, bypass: false });
  else if (kind === 'tier-up') {
    // tiny-cnn is under the compiler's tier-up threshold: its manifest gets the list a bigger model carries.
    compileModel(tinyCnnPath, dir);
    const session = Session.createSync(dir, { verify: true });
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, tierUpFunctions: firstRunFunctions(session.plan) }, null, 2)}\n`);
    await session.dispose();
  }
  else {
    // Every other step loaded by a worker lane, or read in the background; transformed at load.
    const graph = runPasses(importOnnxFile(tinyCnnPath));
    const other = kind === 'loader' ? 1 : backgroundReads;
    const loaders = new Map<Node, number>(graph.nodes.map((n, i) => [n, i % 2 === 1 ? other : 0]));
    writeBundle(dir, lowerGraph(graph, selectKernels(graph, 'fast', false), { loaders }), { modelName: 'tiny-cnn', modelSha256: '0'.repeat(64), opset: graph.opset });
  }
}

/** Builds tiny-cnn's bundle of `kind` into `root/<kind>.nnb` and runs it once for the expected outputs. */
export async function makeFuzzBundle(root: string, kind: FuzzBundleKind): Promise<FuzzBundle> {
  const label = kind;
  const goodDir = join(root, `${label}.nnb`);
  await compileKind(kind, goodDir, root);
  const workDir = join(root, `${label}-work`, 'bundle.nnb');
  mkdirSync(join(root, `${label}-work`));
  cpSync(goodDir, workDir, { recursive: true });
  const feeds = kind === 'warm'
    ? { x: randomTensor(seededRandom(13), warmInputDims) }
    : fixtureModels.find((m) => m.name === 'tiny-cnn')!.inputs();
  const session = await Session.create(goodDir, { verify: true });
  const first = copyOutputs(await session.run(feeds));
  const plan = session.plan;
  let warm: Outputs | undefined;
  if (plan.steps.some((s) => s.warm)) {
    await session.prepareWarmKernels();
    warm = copyOutputs(await session.run(feeds));
  }
  const expected: ExpectedOutputs = warm ? { first, warm } : { first };
  session.dispose();
  const files = Object.fromEntries(bundleFileNames.map((f) => [f, new Uint8Array(readFileSync(join(goodDir, f)))])) as Record<BundleFileName, Uint8Array>;
  return { label, goodDir, workDir, files, plan, feeds, expected };
}
