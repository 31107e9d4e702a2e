/**
 * Runs the ONNX backend node tests (`../shared/onnx-conformance/node/*`) for every operator nncc
 * supports, through the whole compiler path (import → passes → plan → executor, with the
 * reference kernels or with the fast variants wherever they apply), and classifies
 * each case as passed, failed (with the largest error) or skipped (with the reason). A case is
 * ours when its model is one node of a supported op; `_expanded` cases count under their op when
 * every node in them is supported.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { CompileError, codes } from '../../compiler/diagnostics.js';
import { importOnnx } from '../../compiler/import/onnx.js';
import { decodeTensor } from '../../compiler/import/tensor-proto.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { runPasses } from '../../compiler/passes/pipeline.js';
import type { KernelStrategy } from '../../compiler/select/select-kernels.js';
import { supportedOps } from '../../runtime/kernels/ref/registry.js';
import { UnsupportedError } from '../../runtime/errors/errors.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { compareTensors } from '../support/compare.js';

const { onnx } = onnxProto;

export interface CaseResult {
  name: string;
  op: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail?: string;
}

/** Element types and features nncc states as unsupported (README); cases needing them are skipped. */
const skipCodes: ReadonlySet<string> = new Set([codes.unsupportedDType, codes.unsupportedFeature, codes.unsupportedOpset]);

export function listCases(root: string): { dir: string; name: string; op: string }[] {
  const nodeDir = join(root, 'node');
  if (!existsSync(nodeDir)) return [];
  const ops = new Set([...supportedOps(), 'Constant']);
  const opOf = new Map<string, string>();
  const cases: { dir: string; name: string; op: string }[] = [];
  const names = readdirSync(nodeDir).sort();
  for (const name of names.filter((n) => !n.endsWith('_expanded'))) {
    const model = onnx.ModelProto.decode(readFileSync(join(nodeDir, name, 'model.onnx')));
    const nodes = model.graph?.node ?? [];
    if (nodes.length === 1 && ops.has(nodes[0].opType ?? '')) {
      opOf.set(name, nodes[0].opType!);
      cases.push({ dir: join(nodeDir, name), name, op: nodes[0].opType! });
    }
  }
  for (const name of names.filter((n) => n.endsWith('_expanded'))) {
    const op = opOf.get(name.slice(0, -'_expanded'.length));
    if (op) cases.push({ dir: join(nodeDir, name), name, op });
  }
  return cases;
}

export function runCase(testCase: { dir: string; name: string; op: string }, kernels: KernelStrategy = 'reference'): CaseResult {
  const { dir, name, op } = testCase;
  const result = (outcome: CaseResult['outcome'], detail?: string): CaseResult => ({ name, op, outcome, detail });
  const dataDirs = readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort();
  let graph;
  try {
    graph = runPasses(importOnnx(readFileSync(join(dir, 'model.onnx')), { modelDir: dir, name, constantInputs: shapeInputs(dir, dataDirs) }));
  } catch (error) {
    if (error instanceof CompileError && (skipCodes.has(error.code) || (error.code === codes.unsupportedOperator && name.endsWith('_expanded')))) {
      return result('skipped', `${error.code} ${error.detail}`);
    }
    return result('failed', `compile: ${(error as Error).message}`);
  }
  for (const dataDir of dataDirs) {
    const inputs = loadTensors(join(dir, dataDir), 'input_');
    const expected = loadTensors(join(dir, dataDir), 'output_');
    const feeds = Object.fromEntries(graph.inputs.map((input) => [input.name, inputs.get(input.name)!]));
    let outputs;
    try {
      outputs = executeGraph(graph, feeds, kernels);
    } catch (error) {
      if (error instanceof UnsupportedError) return result('skipped', `run: ${error.message}`);
      return result('failed', `run: ${(error as Error).message}`);
    }
    for (let i = 0; i < expected.ordered.length; i++) {
      const mismatch = compareTensors(outputs[graph.outputs[i]], expected.ordered[i]);
      if (mismatch) return result('failed', `output ${i}: ${mismatch.reason} (max abs error ${mismatch.maxAbsError.toExponential(2)})`);
    }
  }
  return result('passed');
}

/** The test's tensors, by the name the TensorProto carries (input order by file index otherwise). */
function loadTensors(dir: string, prefix: string): Map<string, Tensor> & { ordered: Tensor[] } {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix)).sort((a, b) => indexOf(a) - indexOf(b));
  const ordered: Tensor[] = [];
  const byName = new Map<string, Tensor>() as Map<string, Tensor> & { ordered: Tensor[] };
  for (const file of files) {
    const proto = onnx.TensorProto.decode(readFileSync(join(dir, file)));
    const tensor = decodeTensor(proto, file);
    ordered.push(tensor);
    byName.set(proto.name ?? '', tensor);
  }
  byName.ordered = ordered;
  return byName;
}

/**
 * Integer inputs of a case (Reshape's shape, Slice's starts, Pad's pads…) and scalar inputs
 * (Range's start, limit and delta) decide output shapes, which nncc plans at compile time: they
 * are frozen to the test's values, as a user would with `constantInputs`. The first data set's
 * values serve every data set of the case.
 */
function shapeInputs(dir: string, dataDirs: readonly string[]): Record<string, Tensor> {
  if (dataDirs.length === 0) return {};
  let inputs;
  try {
    inputs = loadTensors(join(dir, dataDirs[0]), 'input_');
  } catch {
    return {}; // not tensors (sequences, optionals): the importer refuses the model with its own diagnostic
  }
  return Object.fromEntries([...inputs].filter(([, t]) => t.dtype === 'int64' || t.dims.length === 0));
}

function indexOf(file: string): number {
  return Number(/_(\d+)\.pb$/.exec(file)?.[1] ?? 0);
}

export interface OpSummary {
  op: string;
  passed: number;
  failed: CaseResult[];
  skipped: CaseResult[];
}

export function summarise(results: readonly CaseResult[]): OpSummary[] {
  const byOp = new Map<string, OpSummary>();
  for (const r of results) {
    const s = byOp.get(r.op) ?? { op: r.op, passed: 0, failed: [], skipped: [] };
    if (r.outcome === 'passed') s.passed++;
    else if (r.outcome === 'failed') s.failed.push(r);
    else s.skipped.push(r);
    byOp.set(r.op, s);
  }
  return [...byOp.values()].sort((a, b) => a.op.localeCompare(b.op));
}
