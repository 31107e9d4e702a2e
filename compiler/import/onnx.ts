/**
 * ONNX import: reads a model file (protobuf), and gives the IR graph with static shapes.
 * Initializers and Constant nodes become constants, older-opset node forms are normalised
 * (`normalise-opsets.ts`), symbolic input dimensions are bound (batch defaults to 1, others by
 * `dims`), and shapes are inferred (`ir/infer-shapes.ts`). Next stage: `passes/`.
 */
import { readFileSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import onnxProto from 'onnx-proto';
import { referenceKernel } from '../../runtime/kernels/ref/registry.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { CompileError, codes } from '../diagnostics.js';
import type { Graph, NamedValueInfo, Node } from '../ir/graph.js';
import { asDiagnostic, inferShapes } from '../ir/infer-shapes.js';
import { decodeAttributes } from './attributes.js';
import { normaliseNode } from './normalise-opsets.js';
import { implementedSince } from './op-versions.js';
import { decodeTensor, dtypeOf, toNumber, type TensorSource } from './tensor-proto.js';

const { onnx } = onnxProto;

export const supportedOpsets = { min: 1, max: 20 } as const;

export interface ImportOptions {
  /** Values for symbolic dimensions, by dim_param name (e.g. { batch_size: 1 }). */
  dims?: Record<string, number>;
  /** Value for an unbound symbolic first dimension of an input. Default 1. */
  batch?: number;
  /**
   * Inputs frozen to a value at compile time; they become constants. Needed where an input
   * decides a shape (Reshape's shape, Slice's starts…), since nncc plans static shapes.
   */
  constantInputs?: Record<string, Tensor>;
}

export function importOnnxFile(path: string, options: ImportOptions = {}): Graph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CompileError(codes.modelUnreadable, `cannot read the model: ${(error as Error).message}`, { file: path },
      'check the path and the file permissions');
  }
  try {
    return importOnnx(bytes, { ...options, modelDir: dirname(path), name: basename(path).replace(/\.onnx$/i, '') });
  } catch (error) {
    if (error instanceof CompileError && !error.where.file) {
      throw new CompileError(error.code, error.detail, { file: path, ...error.where }, error.hint);
    }
    throw error;
  }
}

export function importOnnx(bytes: Uint8Array, options: ImportOptions & TensorSource & { name?: string } = {}): Graph {
  const model = decodeModel(bytes);
  const opset = defaultOpset(model);
  const protoGraph = model.graph!;
  const source: TensorSource = { modelDir: options.modelDir };
  const constants = new Map<string, Tensor>();
  for (const init of protoGraph.initializer ?? []) {
    constants.set(init.name ?? '', decodeTensor(init, `initializer '${init.name}'`, source));
  }
  for (const [name, tensor] of Object.entries(options.constantInputs ?? {})) constants.set(name, tensor);
  const graph: Graph = {
    name: options.name || protoGraph.name || 'model',
    opset,
    inputs: bindInputs((protoGraph.input ?? []).filter((i) => !constants.has(i.name ?? '')), options),
    outputs: (protoGraph.output ?? []).map((o) => o.name ?? ''),
    nodes: [],
    constants,
    values: new Map(),
  };
  importNodes(graph, protoGraph.node ?? [], source);
  inferShapes(graph);
  return graph;
}

function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new CompileError(codes.modelCorrupt, `not a valid ONNX model (${(error as Error).message})`, {},
      'the file is truncated or is not an ONNX protobuf; export it again');
  }
  if (!model.graph || (model.graph.node ?? []).length === 0 || (model.graph.output ?? []).length === 0) {
    throw new CompileError(codes.modelCorrupt, 'not a valid ONNX model (no graph, nodes or outputs)', {},
      'the file is truncated or is not an ONNX protobuf; export it again');
  }
  return model;
}

function defaultOpset(model: onnxProto.onnx.ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = entry ? toNumber(entry.version ?? 0) : 0;
  if (opset < supportedOpsets.min || opset > supportedOpsets.max) {
    throw new CompileError(codes.unsupportedOpset, `the model uses ONNX opset ${opset || 'none'}`, {},
      `nncc supports opsets ${supportedOpsets.min} to ${supportedOpsets.max}; convert the model (onnx.version_converter)`);
  }
  return opset;
}

/**
 * The graph inputs with their symbolic dimensions bound. A binding nothing uses is refused: a
 * `--dim` name the inputs do not have, or a `--batch` other than 1 when no input has an unbound
 * symbolic first dimension (a fixed batch would silently stay what the export made it).
 */
function bindInputs(protos: readonly onnxProto.onnx.IValueInfoProto[], options: ImportOptions): NamedValueInfo[] {
  const batch = options.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch <= 0) {
    throw new CompileError(codes.badOption, `--batch ${batch} is not a positive integer`, {}, 'e.g. --batch 1');
  }
  const used = new Set<string>();
  const inputs = protos.map((proto) => bindInput(proto, options, used));
  const symbolic = protos.flatMap((p) => (p.type?.tensorType?.shape?.dim ?? []).flatMap((d) => (d.dimParam ? [d.dimParam] : [])));
  const shapes = inputs.map((i) => `${i.name} [${i.dims.join(', ')}]`).join(', ');
  for (const name of Object.keys(options.dims ?? {})) {
    if (!symbolic.includes(name)) {
      throw new CompileError(codes.badOption, `--dim ${name}: the model's inputs have no symbolic dimension '${name}'`, {},
        symbolic.length ? `its symbolic dimensions: ${[...new Set(symbolic)].join(', ')}` : `its inputs are static: ${shapes}`);
    }
  }
  if (batch !== 1 && !used.has(batchKey)) {
    throw new CompileError(codes.badOption, `--batch ${batch}: no input has an unbound symbolic first dimension, so the batch is fixed`, {},
      `the inputs: ${shapes}; export the model with a dynamic batch dimension, or bind a named one with --dim`);
  }
  return inputs;
}

/** Marks, in bindInput's `used`, that --batch gave a first dimension. */
const batchKey = '--batch';

function bindInput(proto: onnxProto.onnx.IValueInfoProto, options: ImportOptions, used: Set<string>): NamedValueInfo {
  const name = proto.name ?? '';
  const tensorType = proto.type?.tensorType;
  if (!tensorType) {
    throw new CompileError(codes.unsupportedDType, `input '${name}' is not a tensor`, {}, 'nncc takes tensor inputs only');
  }
  const dtype = dtypeOf(tensorType.elemType ?? 0, `input '${name}'`);
  const dims = (tensorType.shape?.dim ?? []).map((dim, axis) => {
    if ((dim as onnxProto.onnx.TensorShapeProto.Dimension).value === 'dimValue') return toNumber(dim.dimValue!);
    const param = dim.dimParam || undefined;
    const bound = param !== undefined ? options.dims?.[param] : undefined;
    if (bound !== undefined) return bound;
    if (axis === 0) {
      used.add(batchKey);
      return options.batch ?? 1;
    }
    throw new CompileError(codes.dynamicDimension,
      `input '${name}' has a dynamic dimension ${param ? `'${param}'` : '(unnamed)'} at axis ${axis}`, {},
      param ? `bind it: --dim ${param}=<size>` : 'export the model with static shapes for this input');
  });
  return { name, dtype, dims };
}

function importNodes(graph: Graph, protos: readonly onnxProto.onnx.INodeProto[], source: TensorSource): void {
  const usedNames = new Set<string>();
  // Constants made from old-opset attributes must not take the name of any value of the model.
  const valueNames = new Set<string>([...graph.constants.keys(), ...graph.inputs.map((i) => i.name)]);
  for (const proto of protos) for (const name of [...(proto.input ?? []), ...(proto.output ?? [])]) valueNames.add(name);
  protos.forEach((proto, index) => {
    const op = proto.opType ?? '';
    const name = uniqueName(proto.name || `${op}_${index}`, usedNames);
    const where = { node: name, op };
    if (proto.domain && proto.domain !== 'ai.onnx') {
      throw new CompileError(codes.unsupportedOperator, `operator domain '${proto.domain}' is not supported`, where,
        'nncc implements the default ONNX domain only');
    }
    // Operators the passes make (Silu) have kernels but are no ONNX operator a model may name.
    // Checked before the attributes, so that control flow (Loop, If) is refused by name.
    if (!referenceKernel(op) || implementedSince[op] === undefined) {
      throw new CompileError(codes.unsupportedOperator, `operator '${op}' is not supported`, where,
        'see the README for the supported operators, or replace it when exporting');
    }
    const attrs = decodeAttributes(proto.attribute ?? [], where, source);
    const outputs = [...(proto.output ?? [])];
    if (op === 'Constant') {
      graph.constants.set(outputs[0], constantValue(attrs, where));
      return;
    }
    if (graph.opset < implementedSince[op]) {
      throw new CompileError(codes.unsupportedOpset, `nncc implements ${op} from opset ${implementedSince[op]}; the model uses opset ${graph.opset}`,
        where, 'convert the model to a newer opset (onnx.version_converter)');
    }
    const addConstant = (suffix: string, tensor: Tensor): string => {
      const constName = uniqueName(`${name}/${suffix}`, valueNames);
      graph.constants.set(constName, tensor);
      return constName;
    };
    const form = asDiagnostic({ name, op, inputs: [], outputs: [], attrs },
      () => normaliseNode({ op, inputs: [...(proto.input ?? [])], attrs }, graph.opset, addConstant, outputs.length));
    const node: Node = { name, op, inputs: form.inputs, outputs, attrs: form.attrs };
    graph.nodes.push(node);
  });
}

function constantValue(attrs: Record<string, unknown>, where: { node: string; op: string }): Tensor {
  const kernel = referenceKernel('Constant');
  if (!kernel) throw new CompileError(codes.unsupportedOperator, 'Constant kernel missing', where);
  try {
    return kernel.run([], attrs as never)[0];
  } catch (error) {
    throw new CompileError(codes.invalidNode, (error as Error).message, where, 'a Constant needs one of value, value_float(s), value_int(s)');
  }
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}
