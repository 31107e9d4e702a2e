/**
 * Seeded mutations for the fuzz properties: of bytes (truncate, flip a byte, overwrite a run,
 * insert bytes), of decoded fixture models (drop or rewire a node, change a dim, an opset or an
 * attribute), and whole hostile models made with `OnnxModelBuilder` (absurd and negative dims,
 * huge attribute lists, cycles, missing inputs, unsupported operators and attributes). Every
 * mutation is a plain value that prints itself, so fast-check's counterexamples are readable.
 */
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { supportedOps } from '../../../runtime/kernels/ref/registry.js';
import { fromNumbers, type DType } from '../../../runtime/tensor/tensor.js';
import { OnnxModelBuilder, type BuilderAttribute } from '../../../fixtures/builder/onnx-builder.js';

const { onnx } = onnxProto;

export type ByteMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'overwrite'; at: number; bytes: number[] }
  | { kind: 'insert'; at: number; bytes: number[] };

/** A copy of `bytes` with `mutation` applied (offsets are taken modulo the length). */
export function applyByteMutation(bytes: Uint8Array, mutation: ByteMutation): Uint8Array {
  const length = bytes.length;
  const at = length === 0 ? 0 : mutation.at % (mutation.kind === 'insert' ? length + 1 : length);
  switch (mutation.kind) {
    case 'truncate': return bytes.slice(0, at);
    case 'flip': {
      const out = bytes.slice();
      if (length > 0) out[at] ^= mutation.mask;
      return out;
    }
    case 'overwrite': {
      const out = bytes.slice();
      mutation.bytes.forEach((b, i) => { if (at + i < length) out[at + i] = b; });
      return out;
    }
    case 'insert': {
      const out = new Uint8Array(length + mutation.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(mutation.bytes, at);
      out.set(bytes.subarray(at), at + mutation.bytes.length);
      return out;
    }
  }
}

const offset = fc.nat({ max: 1 << 24 });
const someBytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 });

export const truncateArb: fc.Arbitrary<ByteMutation> = offset.map((at) => ({ kind: 'truncate', at }));
export const flipArb: fc.Arbitrary<ByteMutation> =
  fc.record({ at: offset, mask: fc.integer({ min: 1, max: 255 }) }).map(({ at, mask }) => ({ kind: 'flip', at, mask }));
export const overwriteArb: fc.Arbitrary<ByteMutation> =
  fc.record({ at: offset, bytes: someBytes }).map(({ at, bytes }) => ({ kind: 'overwrite', at, bytes }));
export const insertArb: fc.Arbitrary<ByteMutation> =
  fc.record({ at: offset, bytes: someBytes }).map(({ at, bytes }) => ({ kind: 'insert', at, bytes }));

/** Any byte mutation, with 1 to 3 applied in a row. */
export const byteMutationsArb: fc.Arbitrary<ByteMutation[]> =
  fc.array(fc.oneof(truncateArb, flipArb, overwriteArb, insertArb), { minLength: 1, maxLength: 3 });

export function applyByteMutations(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  return mutations.reduce((b, m) => applyByteMutation(b, m), bytes);
}

/** A mutation of a decoded model, applied to a fresh decode of the fixture's bytes. */
export type ModelEdit =
  | { kind: 'drop-node'; node: number }
  | { kind: 'drop-initializer'; initializer: number }
  | { kind: 'rewire-input'; node: number; input: number; to: number }
  | { kind: 'self-loop'; node: number }
  | { kind: 'swap-nodes'; a: number; b: number }
  | { kind: 'input-dim'; input: number; axis: number; dim: number }
  | { kind: 'initializer-dims'; initializer: number; dims: number[] }
  | { kind: 'opset'; version: number }
  | { kind: 'op-type'; node: number; op: string }
  | { kind: 'attribute'; node: number; name: string; value: BuilderAttribute }
  | { kind: 'drop-attribute'; node: number; attribute: number }
  | { kind: 'elem-type'; input: number; elemType: number };

const index = fc.nat({ max: 1000 });
const absurdDim = fc.oneof(
  fc.constantFrom(0, -1, -7, 1e9, 2 ** 31, 2 ** 53, 1e15),
  fc.integer({ min: -3, max: 64 }),
);
const opName = fc.oneof(fc.constantFrom(...supportedOps()), fc.constantFrom('Frobnicate', 'If', 'Loop', 'LSTM', '', 'conv'));
const attributeName = fc.constantFrom('kernel_shape', 'pads', 'strides', 'dilations', 'group', 'axis', 'axes', 'perm', 'transA', 'transB',
  'alpha', 'beta', 'epsilon', 'auto_pad', 'ceil_mode', 'keepdims', 'mode', 'value', 'to', 'frobnicate', 'split', 'num_outputs');
export const attributeValueArb: fc.Arbitrary<BuilderAttribute> = fc.oneof(
  fc.integer({ min: -5, max: 10 }),
  fc.constantFrom(1e9, -1e9, 2 ** 40),
  fc.double({ noNaN: false }),
  fc.constantFrom('SAME_UPPER', 'SAME_LOWER', 'VALID', 'NOTSET', 'constant', 'reflect', 'edge', ''),
  fc.array(fc.integer({ min: -4, max: 8 }), { maxLength: 8 }),
  fc.array(fc.constantFrom(1e9, -1, 0, 2 ** 31), { maxLength: 6 }),
  fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }),
);

export const modelEditArb: fc.Arbitrary<ModelEdit> = fc.oneof(
  index.map((node) => ({ kind: 'drop-node' as const, node })),
  index.map((initializer) => ({ kind: 'drop-initializer' as const, initializer })),
  fc.record({ node: index, input: fc.nat({ max: 5 }), to: index }).map((r) => ({ kind: 'rewire-input' as const, ...r })),
  index.map((node) => ({ kind: 'self-loop' as const, node })),
  fc.record({ a: index, b: index }).map((r) => ({ kind: 'swap-nodes' as const, ...r })),
  fc.record({ input: fc.nat({ max: 3 }), axis: fc.nat({ max: 5 }), dim: absurdDim }).map((r) => ({ kind: 'input-dim' as const, ...r })),
  fc.record({ initializer: index, dims: fc.array(absurdDim, { maxLength: 5 }) }).map((r) => ({ kind: 'initializer-dims' as const, ...r })),
  fc.integer({ min: -1, max: 25 }).map((version) => ({ kind: 'opset' as const, version })),
  fc.record({ node: index, op: opName }).map((r) => ({ kind: 'op-type' as const, ...r })),
  fc.record({ node: index, name: attributeName, value: attributeValueArb }).map((r) => ({ kind: 'attribute' as const, ...r })),
  fc.record({ node: index, attribute: fc.nat({ max: 10 }) }).map((r) => ({ kind: 'drop-attribute' as const, ...r })),
  fc.record({ input: fc.nat({ max: 3 }), elemType: fc.integer({ min: 0, max: 17 }) }).map((r) => ({ kind: 'elem-type' as const, ...r })),
);

export const modelEditsArb: fc.Arbitrary<ModelEdit[]> = fc.array(modelEditArb, { minLength: 1, maxLength: 3 });

/** Decodes `bytes`, applies the edits (indices modulo the list they index) and encodes again. */
export function applyModelEdits(bytes: Uint8Array, edits: readonly ModelEdit[]): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  for (const edit of edits) applyModelEdit(model, graph, edit);
  return onnx.ModelProto.encode(model).finish();
}

function applyModelEdit(model: onnxProto.onnx.ModelProto, graph: onnxProto.onnx.IGraphProto, edit: ModelEdit): void {
  const nodes = graph.node ?? [];
  const inits = graph.initializer ?? [];
  const inputs = graph.input ?? [];
  const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
  switch (edit.kind) {
    case 'drop-node': if (nodes.length) nodes.splice(edit.node % nodes.length, 1); return;
    case 'drop-initializer': if (inits.length) inits.splice(edit.initializer % inits.length, 1); return;
    case 'rewire-input': {
      const node = pick(nodes, edit.node);
      const names = [...inputs.map((i) => i.name ?? ''), ...inits.map((i) => i.name ?? ''), ...nodes.flatMap((n) => n.output ?? [])];
      if (node?.input?.length && names.length) node.input[edit.input % node.input.length] = names[edit.to % names.length];
      return;
    }
    case 'self-loop': {
      const node = pick(nodes, edit.node);
      if (node?.input?.length && node.output?.length) node.input[0] = node.output[0];
      return;
    }
    case 'swap-nodes': {
      if (nodes.length < 2) return;
      const a = edit.a % nodes.length;
      const b = edit.b % nodes.length;
      [nodes[a], nodes[b]] = [nodes[b], nodes[a]];
      return;
    }
    case 'input-dim': {
      const dims = pick(inputs, edit.input)?.type?.tensorType?.shape?.dim;
      if (dims?.length) dims[edit.axis % dims.length] = { dimValue: edit.dim };
      return;
    }
    case 'initializer-dims': { const init = pick(inits, edit.initializer); if (init) init.dims = edit.dims; return; }
    case 'opset': model.opsetImport = [{ domain: '', version: edit.version }]; return;
    case 'op-type': { const node = pick(nodes, edit.node); if (node) node.opType = edit.op; return; }
    case 'attribute': {
      const node = pick(nodes, edit.node);
      if (!node) return;
      const attr = builtAttribute(edit.name, edit.value);
      node.attribute = [...(node.attribute ?? []).filter((a) => a.name !== edit.name), attr];
      return;
    }
    case 'drop-attribute': {
      const attrs = pick(nodes, edit.node)?.attribute;
      if (attrs?.length) attrs.splice(edit.attribute % attrs.length, 1);
      return;
    }
    case 'elem-type': {
      const type = pick(inputs, edit.input)?.type?.tensorType;
      if (type) type.elemType = edit.elemType;
      return;
    }
  }
}

/** The AttributeProto the builder writes for `value` (taken from a one-node model). */
function builtAttribute(name: string, value: BuilderAttribute): onnxProto.onnx.IAttributeProto {
  const b = new OnnxModelBuilder('attr', 13);
  b.node('Relu', ['x'], { [name]: value });
  return onnx.ModelProto.decode(b.toBytes()).graph!.node![0].attribute![0];
}

/** A hostile model built from scratch, with what the importer must say about it (if it is certain). */
export interface HostileModel {
  label: string;
  bytes: Uint8Array;
  /** The one code the importer must answer with, where the model leaves no choice. */
  expectedCode?: string;
}

/** A float input of absurd dims into Relu: must be refused by the element limit, never allocated. */
export function absurdDimsModel(dims: readonly number[]): HostileModel {
  const b = new OnnxModelBuilder('absurd-dims', 13);
  b.output(b.op('Relu', [b.input('x', 'float32', dims)]));
  return { label: `input [${dims.join(',')}]`, bytes: b.toBytes(), expectedCode: 'NNCC111' };
}

/** An initializer claiming absurd dims with no data behind them: must be refused before allocating. */
export function absurdInitializerModel(dims: readonly number[]): HostileModel {
  const b = new OnnxModelBuilder('absurd-initializer', 13);
  const w = b.initializer('w', fromNumbers('float32', [1], [1]));
  b.output(b.op('Add', [b.input('x', 'float32', [1]), w]));
  const model = onnx.ModelProto.decode(b.toBytes());
  model.graph!.initializer![0].dims = [...dims];
  model.graph!.initializer![0].rawData = new Uint8Array(0);
  return { label: `initializer [${dims.join(',')}]`, bytes: onnx.ModelProto.encode(model).finish() };
}

/** A Conv whose kernel_shape (or pads, strides…) lists `length` numbers. */
export function hugeAttributeModel(attribute: string, length: number, value: number): HostileModel {
  const b = new OnnxModelBuilder('huge-attribute', 13);
  const x = b.input('x', 'float32', [1, 1, 4, 4]);
  const w = b.initializer('w', fromNumbers('float32', [1, 1, 1, 1], [1]));
  b.output(b.op('Conv', [x, w], { [attribute]: new Array<number>(length).fill(value) }));
  return { label: `Conv ${attribute} × ${length}`, bytes: b.toBytes() };
}

/** A node with `count` attributes of made-up names. */
export function manyAttributesModel(count: number): HostileModel {
  const b = new OnnxModelBuilder('many-attributes', 13);
  const attrs: Record<string, BuilderAttribute> = {};
  for (let i = 0; i < count; i++) attrs[`attr_${i}`] = [i, i + 1];
  b.output(b.op('Relu', [b.input('x', 'float32', [2])], attrs));
  return { label: `Relu with ${count} attributes`, bytes: b.toBytes() };
}

/** A node reading its own output, or an earlier node reading a later one's. */
export function cycleModel(kind: 'self' | 'later'): HostileModel {
  const b = new OnnxModelBuilder('cycle', 13);
  const x = b.input('x', 'float32', [2]);
  if (kind === 'self') {
    b.node('Add', [x, 'loop'], {}, { outputs: ['loop'] });
    b.output('loop');
  } else {
    b.node('Relu', ['later'], {}, { outputs: ['first'] });
    b.node('Relu', ['first'], {}, { outputs: ['later'] });
    b.output('later');
  }
  return { label: `cycle (${kind})`, bytes: b.toBytes(), expectedCode: 'NNCC130' };
}

/** Op and how many inputs it may be given (0 to its full arity), some of them '' (omitted). */
export const missingInputsArb = fc.record({
  op: fc.constantFrom(...supportedOps().filter((op) => op !== 'Constant')),
  count: fc.nat({ max: 5 }),
  omit: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  rank: fc.integer({ min: 0, max: 5 }),
});

/** A single node of `op` with the given number of inputs, some omitted; the rest are graph inputs. */
export function missingInputsModel(spec: { op: string; count: number; omit: boolean[]; rank: number }): HostileModel {
  const b = new OnnxModelBuilder('missing-inputs', 13);
  const dims = [1, 2, 4, 4, 3].slice(0, spec.rank);
  const inputs = Array.from({ length: spec.count }, (_, i) => (spec.omit[i] ? '' : b.input(`in${i}`, 'float32', dims)));
  b.output(b.op(spec.op, inputs));
  return { label: `${spec.op} with inputs [${inputs.join(',')}] of rank ${spec.rank}`, bytes: b.toBytes() };
}

/** A random small graph: supported (and some unsupported) ops over the values made so far, random attributes. */
export const randomGraphArb = fc.record({
  opset: fc.constantFrom(7, 9, 11, 13, 14, 17),
  inputDims: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 }),
  inputDType: fc.constantFrom<DType>('float32', 'float32', 'int64', 'float64', 'int32', 'bool'),
  nodes: fc.array(fc.record({
    op: opName,
    inputs: fc.array(index, { maxLength: 4 }),
    attrs: fc.dictionary(attributeName, attributeValueArb, { maxKeys: 3 }),
    outputs: fc.integer({ min: 1, max: 3 }),
  }), { minLength: 1, maxLength: 5 }),
  constants: fc.array(fc.array(fc.integer({ min: -3, max: 8 }), { maxLength: 5 }), { maxLength: 3 }),
});

export function randomGraphModel(spec: typeof randomGraphArb extends fc.Arbitrary<infer T> ? T : never): HostileModel {
  const b = new OnnxModelBuilder('random-graph', spec.opset);
  const values = [b.input('x', spec.inputDType, spec.inputDims)];
  spec.constants.forEach((numbers, i) => values.push(b.initializer(`c${i}`, fromNumbers('int64', [numbers.length], numbers))));
  spec.nodes.forEach((node, i) => {
    const inputs = node.inputs.map((v) => values[v % values.length]);
    values.push(...b.node(node.op, inputs, node.attrs, { name: `n${i}`, outputs: node.outputs }));
  });
  b.output(values[values.length - 1]);
  return { label: `random graph: ${spec.nodes.map((n) => n.op).join(' → ')}`, bytes: b.toBytes() };
}
