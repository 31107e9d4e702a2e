/**
 * The transformer pattern passes: fuse-layer-norm and fuse-gelu fold the decomposed forms the
 * exporters write into one node each, keep the reference executor's outputs, and leave look-alikes
 * that compute something else.
 */
import assert from 'node:assert/strict';
import { importOnnx } from '../../../compiler/import/onnx.js';
import { executeGraph } from '../../../compiler/lower/execute-graph.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import { passes, runPasses } from '../../../compiler/passes/pipeline.js';
import { OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import { randomTensor, seededRandom, uniformTensor } from '../../../compiler/random.js';
import { fromNumbers, type Tensor } from '../../../runtime/tensor/tensor.js';
import { compareTensors } from '../../support/compare.js';

const only = (name: string) => ({ skip: passes.map((p) => p.name).filter((n) => n !== name) });
const opsOf = (graph: Graph): string[] => graph.nodes.map((n) => n.op);
const scalar = (value: number): Tensor => fromNumbers('float32', [], [value]);

function assertSameOutputs(after: Graph, before: Graph, feeds: Record<string, Tensor>): void {
  const expected = executeGraph(before, feeds);
  const actual = executeGraph(after, feeds);
  for (const [name, tensor] of Object.entries(expected)) {
    const mismatch = compareTensors(actual[name], tensor, 1e-5, 1e-6);
    assert.equal(mismatch, undefined, `output '${name}': ${mismatch?.reason}`);
  }
}

interface LayerNormForm {
  opset?: number;
  /** Pow(d, 2) (PyTorch) or Mul(d, d). */
  square?: 'Pow' | 'Mul';
  affine?: boolean;
  axes?: number[];
  /** Axes of the variance's ReduceMean when they differ from the mean's. */
  varianceAxes?: number[];
  /** γ all ones (PyTorch's initial LayerNorm weight). */
  onesScale?: boolean;
}

/** x [2, 3, 8] → the decomposed layer normalisation over `axes` → y. */
function layerNormModel(form: LayerNormForm = {}): Graph {
  const { opset = 13, square = 'Pow', affine = true, axes = [-1] } = form;
  const random = seededRandom(31);
  const b = new OnnxModelBuilder('layer-norm', opset);
  const x = b.input('x', 'float32', [2, 3, 8]);
  const reduce = (input: string, over: number[], name: string): string => (opset >= 18
    ? b.op('ReduceMean', [input, b.initializer(`${name}.axes`, fromNumbers('int64', [over.length], over))], {}, name)
    : b.op('ReduceMean', [input], { axes: over }, name));
  const mean = reduce(x, axes, 'mean');
  const d = b.op('Sub', [x, mean], {}, 'sub');
  const squared = square === 'Pow' ? b.op('Pow', [d, b.initializer('two', scalar(2))], {}, 'pow') : b.op('Mul', [d, d], {}, 'square');
  const variance = reduce(squared, form.varianceAxes ?? axes, 'variance');
  const std = b.op('Sqrt', [b.op('Add', [variance, b.initializer('eps', scalar(1e-5))], {}, 'add_eps')], {}, 'sqrt');
  let y = b.op('Div', [d, std], {}, affine ? 'div' : 'y');
  if (affine) {
    const normalised = [2, 3, 8].slice(axes.length === 1 ? 2 : 1);
    const gamma = form.onesScale ? fromNumbers('float32', normalised, new Array(normalised.reduce((n, d) => n * d, 1)).fill(1))
      : uniformTensor(random, normalised, 0.5, 1.5);
    y = b.op('Mul', [y, b.initializer('gamma', gamma)], {}, 'scale');
    y = b.op('Add', [y, b.initializer('beta', randomTensor(random, normalised, 0.3))], {}, 'y');
  }
  b.output(y);
  return importOnnx(b.toBytes());
}

describe('fuse-layer-norm', () => {
  const feeds = { x: randomTensor(seededRandom(32), [2, 3, 8], 2) };

  const forms: [string, LayerNormForm][] = [
    ['PyTorch\'s form (Pow, scale and bias)', {}],
    ['a square as Mul(d, d)', { square: 'Mul' }],
    ['no scale or bias (scale of ones)', { affine: false }],
    ['opset 18 axes inputs', { opset: 18 }],
    ['two trailing axes', { axes: [1, 2] }],
  ];
  for (const [what, form] of forms) {
    it(`makes one LayerNormalization of ${what}`, () => {
      const imported = layerNormModel(form);
      const graph = runPasses(imported, only('fuse-layer-norm'));
      assert.deepEqual(opsOf(graph), ['LayerNormalization']);
      assert.deepEqual(graph.nodes[0].attrs, { axis: form.axes?.length === 2 ? 1 : 2, epsilon: Math.fround(1e-5) });
      assert.deepEqual(graph.outputs, ['y']);
      assertSameOutputs(graph, imported, feeds);
    });
  }

  it('leaves a normalisation whose mean and variance reduce different axes, or leading ones', () => {
    assert.equal(opsOf(runPasses(layerNormModel({ varianceAxes: [1, 2], affine: false }), only('fuse-layer-norm'))).includes('LayerNormalization'), false);
    const leading = runPasses(layerNormModel({ axes: [0], affine: false }), only('fuse-layer-norm'));
    assert.equal(opsOf(leading).includes('LayerNormalization'), false);
  });

  it('is one step after the whole pipeline, also when remove-identities dropped a scale of ones before it', () => {
    assert.deepEqual(opsOf(runPasses(layerNormModel())), ['LayerNormalization']);
    const imported = layerNormModel({ onesScale: true });
    const graph = runPasses(imported);
    assert.deepEqual(opsOf(graph), ['LayerNormalization']);
    assert.equal(graph.nodes[0].inputs.length, 3, 'the bias is fused too');
    assertSameOutputs(graph, imported, feeds);
  });
});

type GeluForm = 'pytorch' | 'bert' | 'mul-by-inverse-sqrt2';

/** x [2, 16] → MatMul + bias → the decomposed GELU → y. */
function geluModel(form: GeluForm, options: { sqrt2?: number } = {}): Graph {
  const random = seededRandom(41);
  const b = new OnnxModelBuilder('gelu', 13);
  const x = b.input('x', 'float32', [2, 16]);
  const h = b.op('Add', [b.op('MatMul', [x, b.initializer('W', randomTensor(random, [16, 8], 0.5))], {}, 'matmul'),
    b.initializer('b', randomTensor(random, [8], 0.2))], {}, 'bias');
  const scaled = form === 'mul-by-inverse-sqrt2'
    ? b.op('Mul', [h, b.initializer('inv_sqrt2', scalar(Math.SQRT1_2))], {}, 'scaled')
    : b.op('Div', [h, b.initializer('sqrt2', scalar(options.sqrt2 ?? Math.SQRT2))], {}, 'scaled');
  const onePlusErf = b.op('Add', [b.op('Erf', [scaled], {}, 'erf'), b.initializer('one', scalar(1))], {}, 'plus_one');
  const half = b.initializer('half', scalar(0.5));
  const y = form === 'bert'
    ? b.op('Mul', [b.op('Mul', [h, half], {}, 'half_x'), onePlusErf], {}, 'y')
    : b.op('Mul', [b.op('Mul', [h, onePlusErf], {}, 'x_gate'), half], {}, 'y');
  b.output(y);
  return importOnnx(b.toBytes());
}

describe('fuse-gelu', () => {
  const feeds = { x: uniformTensor(seededRandom(42), [2, 16], -3, 3) };

  for (const form of ['pytorch', 'bert', 'mul-by-inverse-sqrt2'] as const) {
    it(`makes one Gelu of the ${form} form, fused into the bias Add by the pipeline`, () => {
      const imported = geluModel(form);
      const alone = runPasses(imported, only('fuse-gelu'));
      assert.deepEqual(opsOf(alone), ['MatMul', 'Add', 'Gelu']);
      assertSameOutputs(alone, imported, feeds);
      const graph = runPasses(imported);
      assert.deepEqual(opsOf(graph), ['MatMul', 'Add']);
      assert.equal(graph.nodes[1].fused?.op, 'Gelu');
      assert.deepEqual(graph.outputs, ['y']);
      assertSameOutputs(graph, imported, feeds);
    });
  }

  it('leaves an erf of x/2, which is no GELU', () => {
    assert.equal(opsOf(runPasses(geluModel('pytorch', { sqrt2: 2 }), only('fuse-gelu'))).includes('Gelu'), false);
  });
});
