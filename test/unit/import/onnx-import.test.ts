/**
 * Unit tests for ONNX import (`compiler/import/`): where tensor data comes from (raw_data, typed
 * fields, Constant nodes, external files), opset normalisation of attribute forms to input forms,
 * binding of symbolic dimensions, frozen inputs, and the diagnostics for models nncc refuses.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { importOnnx, importOnnxFile } from '../../../compiler/import/onnx.js';
import { executeGraph } from '../../../compiler/lower/execute-graph.js';
import type { Graph, Node } from '../../../compiler/ir/graph.js';
import { runPasses } from '../../../compiler/passes/pipeline.js';
import { float, OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import { fromNumbers, toNumbers, type Tensor } from '../../../runtime/tensor/tensor.js';
import { expectCompileError } from '../../support/diagnostics.js';

const { onnx } = onnxProto;

const f32 = (dims: number[], values: number[]): Tensor => fromNumbers('float32', dims, values);
const i64 = (values: number[]): Tensor => fromNumbers('int64', [values.length], values);
const iota = (dims: number[]): Tensor => f32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i));

/** Re-encodes a builder's model with extra initializers, for TensorProto forms the builder never writes. */
function withInitializers(b: OnnxModelBuilder, extra: onnxProto.onnx.ITensorProto[]): Uint8Array {
  const model = onnx.ModelProto.decode(b.toBytes());
  const graph = model.graph!;
  graph.initializer = [...(graph.initializer ?? []), ...extra.map((t) => onnx.TensorProto.create(t))];
  return onnx.ModelProto.encode(model).finish();
}

function onlyNode(graph: Graph, op: string): Node {
  const found = graph.nodes.filter((n) => n.op === op);
  assert.equal(found.length, 1, `expected one ${op} node, found ${found.length}`);
  return found[0];
}

/** The constant feeding input `index` of `node`, as numbers. */
function constantInput(graph: Graph, node: Node, index: number): number[] {
  const value = graph.constants.get(node.inputs[index]);
  assert.ok(value, `input ${index} of ${node.name} ('${node.inputs[index]}') is not a constant`);
  return toNumbers(value);
}

describe('import: tensor data', () => {
  it('reads initializers from raw_data', () => {
    const b = new OnnxModelBuilder('raw', 13);
    const x = b.input('x', 'float32', [2]);
    b.output(b.op('Add', [x, b.initializer('w', f32([2], [1.5, -2]))]));
    const graph = importOnnx(b.toBytes());
    assert.deepEqual(toNumbers(graph.constants.get('w')!), [1.5, -2]);
    assert.deepEqual(toNumbers(executeGraph(graph, { x: f32([2], [1, 1]) })[graph.outputs[0]]), [2.5, -1]);
  });

  it('reads initializers from float_data and int64_data', () => {
    const b = new OnnxModelBuilder('typed', 13);
    const x = b.input('x', 'float32', [2, 3]);
    const sum = b.op('Add', [x, 'w']);
    b.output(b.op('Reshape', [sum, 'shape']));
    const bytes = withInitializers(b, [
      { name: 'w', dataType: onnx.TensorProto.DataType.FLOAT, dims: [2, 3], floatData: [1, 2, 3, 4, 5, 6.5] },
      { name: 'shape', dataType: onnx.TensorProto.DataType.INT64, dims: [2], int64Data: [3, -1] },
    ]);
    const graph = importOnnx(bytes);
    assert.deepEqual(toNumbers(graph.constants.get('w')!), [1, 2, 3, 4, 5, 6.5]);
    assert.equal(graph.constants.get('shape')!.dtype, 'int64');
    assert.deepEqual(toNumbers(graph.constants.get('shape')!), [3, -1]);
    assert.deepEqual(graph.values.get(graph.outputs[0])!.dims, [3, 2]);
  });

  it('refuses typed fields whose length does not match the dims (NNCC101)', () => {
    const b = new OnnxModelBuilder('typed-short', 13);
    b.output(b.op('Add', [b.input('x', 'float32', [3]), 'w']));
    const bytes = withInitializers(b, [{ name: 'w', dataType: 1, dims: [3], floatData: [1, 2] }]);
    expectCompileError(() => importOnnx(bytes), 'NNCC101');
  });

  it('turns Constant nodes into constants, not nodes', () => {
    const b = new OnnxModelBuilder('constant', 13);
    const c = b.op('Constant', [], { value: f32([2], [3, 4]) }, 'c');
    b.output(b.op('Mul', [b.input('x', 'float32', [2]), c]));
    const graph = importOnnx(b.toBytes());
    assert.equal(graph.nodes.some((n) => n.op === 'Constant'), false);
    assert.deepEqual(toNumbers(graph.constants.get('c')!), [3, 4]);
  });

  it('folds ConstantOfShape on a constant shape into a constant of the right value', () => {
    const b = new OnnxModelBuilder('cos', 13);
    const filled = b.op('ConstantOfShape', [b.initializer('shape', i64([2, 3]))], { value: f32([1], [0.25]) });
    b.output(b.op('Add', [b.input('x', 'float32', [2, 3]), filled]));
    const graph = importOnnx(b.toBytes());
    assert.deepEqual(graph.values.get(filled)!.dims, [2, 3]);
    const optimised = runPasses(graph);
    assert.equal(optimised.nodes.some((n) => n.op === 'ConstantOfShape'), false);
    assert.deepEqual(toNumbers(optimised.constants.get(filled)!), [0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  });
});

describe('import: opset normalisation', () => {
  it('moves Clip opset 9 min/max attributes to scalar inputs', () => {
    const b = new OnnxModelBuilder('clip9', 9);
    b.output(b.op('Clip', [b.input('x', 'float32', [4])], { min: -0.5, max: float(2) }));
    const graph = importOnnx(b.toBytes());
    const clip = onlyNode(graph, 'Clip');
    assert.deepEqual([clip.attrs.min, clip.attrs.max], [undefined, undefined]);
    assert.deepEqual(graph.constants.get(clip.inputs[1])!.dims, []);
    assert.deepEqual([constantInput(graph, clip, 1), constantInput(graph, clip, 2)], [[-0.5], [2]]);
    const y = executeGraph(graph, { x: f32([4], [-3, 0, 1, 5]) })[graph.outputs[0]];
    assert.deepEqual(toNumbers(y), [-0.5, 0, 1, 2]);
  });

  it('leaves an omitted Clip min as an empty input', () => {
    const b = new OnnxModelBuilder('clip9-max', 9);
    b.output(b.op('Clip', [b.input('x', 'float32', [2])], { max: float(1) }));
    const graph = importOnnx(b.toBytes());
    const clip = onlyNode(graph, 'Clip');
    assert.equal(clip.inputs[1], '');
    assert.deepEqual(constantInput(graph, clip, 2), [1]);
  });

  it('moves the Split opset 11 `split` attribute to an input, and sets num_outputs without it', () => {
    const b = new OnnxModelBuilder('split11', 11);
    const x = b.input('x', 'float32', [1, 6]);
    const [p, q] = b.node('Split', [x], { axis: 1, split: [2, 4] }, { outputs: 2 });
    const [r, s, t] = b.node('Split', [x], { axis: 1 }, { outputs: 3 });
    [p, q, r, s, t].forEach((o) => b.output(o));
    const graph = importOnnx(b.toBytes());
    const [sized, equal] = graph.nodes;
    assert.deepEqual(constantInput(graph, sized, 1), [2, 4]);
    assert.equal(sized.attrs.split, undefined);
    assert.deepEqual([p, q].map((o) => graph.values.get(o)!.dims), [[1, 2], [1, 4]]);
    assert.equal(equal.attrs.num_outputs, 3);
    assert.deepEqual([r, s, t].map((o) => graph.values.get(o)!.dims), [[1, 2], [1, 2], [1, 2]]);
  });

  it('moves Squeeze and Unsqueeze opset 11 `axes` attributes to inputs', () => {
    const b = new OnnxModelBuilder('squeeze11', 11);
    const squeezed = b.op('Squeeze', [b.input('x', 'float32', [1, 3, 1, 2])], { axes: [0, -2] });
    b.output(b.op('Unsqueeze', [squeezed], { axes: [1] }));
    const graph = importOnnx(b.toBytes());
    const [squeeze, unsqueeze] = [onlyNode(graph, 'Squeeze'), onlyNode(graph, 'Unsqueeze')];
    assert.deepEqual(constantInput(graph, squeeze, 1), [0, -2]);
    assert.deepEqual(constantInput(graph, unsqueeze, 1), [1]);
    assert.deepEqual(graph.values.get(squeezed)!.dims, [3, 2]);
    assert.deepEqual(graph.values.get(graph.outputs[0])!.dims, [3, 1, 2]);
  });

  it('moves Pad opset 9 `pads` and `value` to inputs', () => {
    const b = new OnnxModelBuilder('pad9', 9);
    b.output(b.op('Pad', [b.input('x', 'float32', [1, 2])], { pads: [0, 1, 0, 0], value: 7.5 }));
    const graph = importOnnx(b.toBytes());
    const pad = onlyNode(graph, 'Pad');
    assert.deepEqual([constantInput(graph, pad, 1), constantInput(graph, pad, 2)], [[0, 1, 0, 0], [7.5]]);
    const y = executeGraph(graph, { x: f32([1, 2], [1, 2]) })[graph.outputs[0]];
    assert.deepEqual(y.dims, [1, 3]);
    assert.deepEqual(toNumbers(y), [7.5, 1, 2]);
  });

  it('moves Slice opset 9 `starts`/`ends`/`axes` to inputs', () => {
    const b = new OnnxModelBuilder('slice9', 9);
    b.output(b.op('Slice', [b.input('x', 'float32', [2, 4])], { starts: [1], ends: [100], axes: [1] }));
    const graph = importOnnx(b.toBytes());
    const slice = onlyNode(graph, 'Slice');
    assert.deepEqual([1, 2, 3].map((i) => constantInput(graph, slice, i)), [[1], [100], [1]]);
    assert.deepEqual(toNumbers(executeGraph(graph, { x: iota([2, 4]) })[graph.outputs[0]]), [1, 2, 3, 5, 6, 7]);
  });

  it('marks Softmax before opset 13 with coerce_2d, and not from 13', () => {
    const build = (opset: number): Graph => {
      const b = new OnnxModelBuilder('softmax', opset);
      b.output(b.op('Softmax', [b.input('x', 'float32', [2, 2, 3])]));
      return importOnnx(b.toBytes());
    };
    const old = onlyNode(build(11), 'Softmax');
    assert.deepEqual({ axis: old.attrs.axis, coerce_2d: old.attrs.coerce_2d }, { axis: 1, coerce_2d: 1 });
    assert.equal(onlyNode(build(13), 'Softmax').attrs.coerce_2d, undefined);
    // Opset 11 normalises over the last two axes together: each group of 6 sums to 1.
    const graph = build(11);
    const y = toNumbers(executeGraph(graph, { x: iota([2, 2, 3]) })[graph.outputs[0]]);
    assert.ok(Math.abs(y.slice(0, 6).reduce((a, v) => a + v, 0) - 1) < 1e-6);
  });

  it('does not let a generated constant replace an initializer of the same name', () => {
    const b = new OnnxModelBuilder('collide', 9);
    const x = b.input('x', 'float32', [2]);
    const clipped = b.op('Clip', [x], { min: float(0), max: float(1) }, 'c');
    b.output(b.op('Add', [clipped, b.initializer('c/min', f32([2], [10, 20]))]));
    const graph = importOnnx(b.toBytes());
    assert.deepEqual(toNumbers(graph.constants.get('c/min')!), [10, 20]);
    assert.deepEqual(toNumbers(executeGraph(graph, { x: f32([2], [-1, 0.5]) })[graph.outputs[0]]), [10, 20.5]);
  });
});

describe('import: inputs and dimensions', () => {
  const symbolic = (dims: (number | string)[]): Uint8Array => {
    const b = new OnnxModelBuilder('symbolic', 13);
    b.output(b.op('Relu', [b.input('x', 'float32', dims)]));
    return b.toBytes();
  };

  it('binds a symbolic batch dimension to 1 by default, or to `batch`', () => {
    assert.deepEqual(importOnnx(symbolic(['N', 3])).inputs[0].dims, [1, 3]);
    assert.deepEqual(importOnnx(symbolic(['N', 3]), { batch: 4 }).inputs[0].dims, [4, 3]);
  });

  it('binds a named dimension from `dims`', () => {
    const graph = importOnnx(symbolic(['N', 'height', 5]), { dims: { height: 7 } });
    assert.deepEqual(graph.inputs[0].dims, [1, 7, 5]);
    assert.deepEqual(graph.values.get(graph.outputs[0])!.dims, [1, 7, 5]);
  });

  it('refuses bindings nothing uses and batches that are no size (NNCC150)', () => {
    assert.match(expectCompileError(() => importOnnx(symbolic([1, 3]), { batch: 2 }), 'NNCC150').message, /--batch 2: no input has an unbound symbolic first dimension/);
    assert.deepEqual(importOnnx(symbolic([1, 3]), { batch: 1 }).inputs[0].dims, [1, 3]);
    assert.match(expectCompileError(() => importOnnx(symbolic(['N', 3]), { dims: { M: 4 } }), 'NNCC150').hint ?? '', /symbolic dimensions: N/);
    for (const batch of [0, -1, 2.5, Number.NaN]) expectCompileError(() => importOnnx(symbolic(['N', 3]), { batch }), 'NNCC150');
  });

  it('refuses an unbound non-batch symbolic dimension (NNCC120) with a --dim hint', () => {
    const error = expectCompileError(() => importOnnx(symbolic([1, 'height'])), 'NNCC120');
    assert.match(error.hint ?? '', /--dim height=/);
    assert.match(error.message, /'height'/);
  });

  it('drops graph inputs that are also initializers', () => {
    const b = new OnnxModelBuilder('init-input', 13);
    const x = b.input('x', 'float32', [2]);
    b.input('w', 'float32', [2]);
    b.output(b.op('Add', [x, b.initializer('w', f32([2], [1, 2]))]));
    assert.deepEqual(importOnnx(b.toBytes()).inputs.map((i) => i.name), ['x']);
  });

  it('freezes an input named in `constantInputs`', () => {
    const b = new OnnxModelBuilder('frozen', 13);
    b.output(b.op('Reshape', [b.input('x', 'float32', [2, 3]), b.input('shape', 'int64', [2])]));
    expectCompileError(() => importOnnx(b.toBytes()), 'NNCC111');
    const graph = importOnnx(b.toBytes(), { constantInputs: { shape: i64([3, 2]) } });
    assert.deepEqual(graph.inputs.map((i) => i.name), ['x']);
    assert.deepEqual(graph.values.get(graph.outputs[0])!.dims, [3, 2]);
  });
});

describe('import: refusals', () => {
  const relu = (opset: number): Uint8Array => {
    const b = new OnnxModelBuilder('relu', opset);
    b.output(b.op('Relu', [b.input('x', 'float32', [2])]));
    return b.toBytes();
  };

  it('refuses an unsupported operator (NNCC110) naming the node and the op', () => {
    const b = new OnnxModelBuilder('mystery', 13);
    b.output(b.op('Frobnicate', [b.input('x', 'float32', [2])], {}, 'frob1'));
    const error = expectCompileError(() => importOnnx(b.toBytes()), 'NNCC110');
    assert.deepEqual([error.where.node, error.where.op], ['frob1', 'Frobnicate']);
    assert.match(error.message, /frob1/);
    assert.match(error.message, /Frobnicate/);
  });

  it('refuses truncated model bytes (NNCC101)', () => {
    const bytes = relu(13);
    importOnnx(bytes);
    for (const length of [bytes.length - 1, Math.floor(bytes.length / 2), 3]) {
      expectCompileError(() => importOnnx(bytes.subarray(0, length)), 'NNCC101');
    }
  });

  it('refuses opset 21 (NNCC102) and accepts 20', () => {
    importOnnx(relu(20));
    const error = expectCompileError(() => importOnnx(relu(21)), 'NNCC102');
    assert.match(error.message, /21/);
  });

  it('reports a constant-only node that cannot run as NNCC111, naming the node', () => {
    const b = new OnnxModelBuilder('bad-gather', 13);
    const picked = b.op('Gather', [b.initializer('table', f32([2], [1, 2])), b.initializer('index', i64([5]))], {}, 'pick');
    b.output(b.op('Add', [b.input('x', 'float32', [1]), picked]));
    const error = expectCompileError(() => importOnnx(b.toBytes()), 'NNCC111');
    assert.deepEqual([error.where.node, error.where.op], ['pick', 'Gather']);
  });
});

describe('import: external data', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'nncc-import-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** Writes a model whose initializer 'w' (float32[3]) lives at `location`, offset 8. */
  function writeExternalModel(dir: string, location: string): string {
    mkdirSync(dir, { recursive: true });
    const b = new OnnxModelBuilder('external', 13);
    b.output(b.op('Add', [b.input('x', 'float32', [3]), 'w']));
    const bytes = withInitializers(b, [{
      name: 'w', dataType: 1, dims: [3], dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: 'location', value: location }, { key: 'offset', value: '8' }, { key: 'length', value: '12' }],
    }]);
    const path = join(dir, 'model.onnx');
    writeFileSync(path, bytes);
    return path;
  }

  const weightFile = (): Uint8Array => {
    const file = new Uint8Array(20).fill(0xff);
    file.set(new Uint8Array(new Float32Array([0.5, -1, 4]).buffer), 8);
    return file;
  };

  it('loads an initializer from a data file beside the model', () => {
    const dir = join(root, 'ok');
    const path = writeExternalModel(dir, 'weights.data');
    writeFileSync(join(dir, 'weights.data'), weightFile());
    assert.deepEqual(toNumbers(importOnnxFile(path).constants.get('w')!), [0.5, -1, 4]);
  });

  it('loads external data for a model given by a bare file name in the working directory', () => {
    const dir = join(root, 'cwd');
    writeExternalModel(dir, 'weights.data');
    writeFileSync(join(dir, 'weights.data'), weightFile());
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.deepEqual(toNumbers(importOnnxFile('model.onnx').constants.get('w')!), [0.5, -1, 4]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a location outside the model directory (NNCC103), even when the file exists', () => {
    writeFileSync(join(root, 'x'), weightFile());
    const path = writeExternalModel(join(root, 'escape'), '../x');
    expectCompileError(() => importOnnxFile(path), 'NNCC103');
  });

  it('refuses external data when importing bytes with no model directory (NNCC103)', () => {
    const dir = join(root, 'bytes');
    const path = writeExternalModel(dir, 'weights.data');
    writeFileSync(join(dir, 'weights.data'), weightFile());
    expectCompileError(() => importOnnx(readFileSync(path)), 'NNCC103');
  });
});
