/**
 * `nncc inspect <model.onnx | bundle.nnb>`: operators, parameter bytes and FLOPs, per operator
 * type and in total. A model is imported (shapes inferred, nothing optimised); a bundle is read
 * through the runtime's checked reader and shows what the plan will run.
 */
import { statSync } from 'node:fs';
import { readManifest, readPlan } from '../../../runtime/bundle/read-bundle.js';
import type { Plan } from '../../../runtime/plan/plan.js';
import { bytesPerElement, sizeOf } from '../../../runtime/tensor/tensor.js';
import { importOnnxFile } from '../../import/onnx.js';
import type { Graph } from '../../ir/graph.js';
import { flopsOf, planStepShapes, type OpShapes } from '../../ir/flops.js';
import { parseDimBindings } from '../parse-bindings.js';

export interface InspectArgs {
  path: string;
  dim: string[];
  json: boolean;
}

interface OpRow { op: string; count: number; flops: number }
interface Inspection {
  kind: 'model' | 'bundle';
  name: string;
  /** Bytes of the model's weights, each once, as ONNX stores them (raw). */
  parameterBytes: number;
  /** A bundle's weights file: raw weights, copies stored transformed, and raw weights only warm kernels read. */
  stored?: { bytes: number; transformedBytes: number; warmOnlyBytes: number };
  flops: number;
  operators: OpRow[];
}

export function inspectCommand(args: InspectArgs): void {
  const inspection = statSync(args.path).isDirectory() ? inspectBundle(args.path) : inspectModel(args.path, parseDimBindings(args.dim));
  if (args.json) {
    process.stdout.write(`${JSON.stringify(inspection)}\n`);
    return;
  }
  const lines = [
    `${inspection.kind} ${inspection.name}: ${mb(inspection.parameterBytes)} MB parameters, ${(inspection.flops / 1e9).toFixed(3)} GFLOPs`,
    ...(inspection.stored ? [`weights file: ${mb(inspection.stored.bytes)} MB (${mb(inspection.stored.transformedBytes)} MB of it stored transformed for its kernels, ${mb(inspection.stored.warmOnlyBytes)} MB raw weights only warm kernels read)`] : []),
    `${'operator'.padEnd(22)} ${'count'.padStart(6)} ${'MFLOPs'.padStart(10)}`,
    ...inspection.operators.map((r) => `${r.op.padEnd(22)} ${String(r.count).padStart(6)} ${(r.flops / 1e6).toFixed(1).padStart(10)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(2);

function tally(shapes: OpShapes[], label: (s: OpShapes) => string): { operators: OpRow[]; flops: number } {
  const rows = new Map<string, OpRow>();
  let flops = 0;
  for (const s of shapes) {
    const f = flopsOf(s);
    flops += f;
    const key = label(s);
    const row = rows.get(key) ?? { op: key, count: 0, flops: 0 };
    row.count++;
    row.flops += f;
    rows.set(key, row);
  }
  return { operators: [...rows.values()].sort((a, b) => b.flops - a.flops || a.op.localeCompare(b.op)), flops };
}

function inspectModel(path: string, dims: Record<string, number>): Inspection {
  const graph: Graph = importOnnxFile(path, { dims });
  const dimsOf = (name: string) => (name === '' ? undefined : graph.values.get(name)?.dims);
  const shapes = graph.nodes.map((n) => ({
    op: n.op, attrs: n.attrs, inputs: n.inputs.map(dimsOf), outputs: n.outputs.filter(Boolean).map((o) => dimsOf(o)!),
  }));
  let parameterBytes = 0;
  for (const t of graph.constants.values()) parameterBytes += t.data.byteLength;
  return { kind: 'model', name: graph.name, parameterBytes, ...tally(shapes, (s) => s.op) };
}

function inspectBundle(dir: string): Inspection {
  const manifest = readManifest(dir);
  const plan: Plan = readPlan(manifest, dir, false);
  const shapes = plan.steps.map((s) => ({ ...planStepShapes(plan, s), fused: s.fused?.op }));
  return {
    kind: 'bundle', name: manifest.model.name, ...weightBytes(plan),
    ...tally(shapes, (s) => (s as { fused?: string }).fused ? `${s.op}+${(s as { fused?: string }).fused}` : s.op),
  };
}

/**
 * A plan's weights apart: the parameters (each weight once, raw: a value named `w`, `w@kernel…`
 * or `w@warm-raw` is weight `w`), and the weights file's bytes with the copies stored transformed
 * for a kernel and the raw weights only warm kernels read.
 */
function weightBytes(plan: Plan): Pick<Inspection, 'parameterBytes' | 'stored'> {
  const parameters = new Map<string, number>();
  const stored = { bytes: 0, transformedBytes: 0, warmOnlyBytes: 0 };
  for (const v of plan.values) {
    if (v.kind !== 'constant' && v.kind !== 'packed') continue;
    parameters.set(v.name.split('@')[0], sizeOf(v.dims) * bytesPerElement(v.dtype));
    if (v.kind !== 'constant') continue;
    stored.bytes += v.bytes;
    if (v.name.endsWith('@warm-raw')) stored.warmOnlyBytes += v.bytes;
    else if (v.packedFor) stored.transformedBytes += v.bytes;
  }
  return { parameterBytes: [...parameters.values()].reduce((a, b) => a + b, 0), stored };
}
