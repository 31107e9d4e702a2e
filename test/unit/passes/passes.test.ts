/**
 * Unit tests for the graph passes (`compiler/passes/`): on every fixture model, each pass (in the
 * pipeline, and alone) keeps the reference executor's outputs; then targeted tests of what each
 * pass rewrites and what it must leave alone.
 */
import assert from 'node:assert/strict';
import { importOnnx } from '../../../compiler/import/onnx.js';
import { executeGraph } from '../../../compiler/lower/execute-graph.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import { passes, runPasses } from '../../../compiler/passes/pipeline.js';
import { OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import { randomTensor, seededRandom, uniformTensor } from '../../../compiler/random.js';
import { fixtureModels } from '../../../fixtures/models/definitions.js';
import { toNumbers, type Tensor } from '../../../runtime/tensor/tensor.js';
import { compareTensors } from '../../support/compare.js';

const rtol = 1e-5;
const atol = 1e-6;

/** Pipeline options that run only the pass named `name`. */
const only = (name: string) => ({ skip: passes.map((p) => p.name).filter((n) => n !== name) });

function assertSameOutputs(actual: Record<string, Tensor>, expected: Record<string, Tensor>, context: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${context}: output names`);
  for (const [name, tensor] of Object.entries(expected)) {
    const mismatch = compareTensors(actual[name], tensor, rtol, atol);
    assert.equal(mismatch, undefined, `${context}: output '${name}': ${mismatch?.reason}`);
  }
}

const opsOf = (graph: Graph): string[] => graph.nodes.map((n) => n.op);

describe('passes keep outputs on every fixture model', () => {
  for (const fixture of fixtureModels) {
    describe(fixture.name, () => {
      let imported: Graph;
      let feeds: Record<string, Tensor>;
      let expected: Record<string, Tensor>;
      let importedNodes: number;
      before(() => {
        imported = importOnnx(fixture.build().toBytes());
        feeds = fixture.inputs();
        expected = executeGraph(imported, feeds);
        importedNodes = imported.nodes.length;
      });

      it('after each pass of the pipeline', () => {
        const seen: string[] = [];
        const final = runPasses(imported, {
          onPass: (name, graph) => {
            seen.push(name);
            assertSameOutputs(executeGraph(graph, feeds), expected, `after ${name}`);
          },
        });
        assert.deepEqual(seen, passes.map((p) => p.name));
        assert.ok(final.nodes.length < importedNodes, `the pipeline removed no node (${importedNodes})`);
        assert.equal(imported.nodes.length, importedNodes, 'the pipeline changed its input graph');
      });

      for (const pass of passes) {
        it(`with ${pass.name} alone`, () => {
          assertSameOutputs(executeGraph(runPasses(imported, only(pass.name)), feeds), expected, pass.name);
        });
      }
    });
  }
});

describe('fold-batchnorm', () => {
  /** x → Conv(W, B) → BatchNormalization → a, and x → Conv(W, B) → b: W and B are shared. */
  function sharedWeightModel(): Graph {
    const random = seededRandom(7);
    const b = new OnnxModelBuilder('shared', 13);
    const x = b.input('x', 'float32', [1, 2, 4, 4]);
    const w = b.initializer('W', randomTensor(random, [3, 2, 3, 3]));
    const bias = b.initializer('B', randomTensor(random, [3]));
    const bn = ['scale', 'bias', 'mean', 'var'].map((p, i) =>
      b.initializer(`bn.${p}`, i % 3 === 0 ? uniformTensor(random, [3], 0.5, 1.5) : randomTensor(random, [3], 0.3)));
    b.output(b.op('BatchNormalization', [b.op('Conv', [x, w, bias], { kernel_shape: [3, 3] }, 'conv_a'), ...bn], {}, 'a'));
    b.output(b.op('Conv', [x, w, bias], { kernel_shape: [3, 3] }, 'b'));
    return importOnnx(b.toBytes());
  }

  it('removes the BatchNormalization and leaves a shared weight and bias unchanged', () => {
    const graph = sharedWeightModel();
    const weightBefore = Float32Array.from(graph.constants.get('W')!.data as Float32Array);
    const biasBefore = Float32Array.from(graph.constants.get('B')!.data as Float32Array);
    const feeds = { x: randomTensor(seededRandom(8), [1, 2, 4, 4]) };
    const expected = executeGraph(graph, feeds);
    const folded = runPasses(graph, only('fold-batchnorm'));
    assert.deepEqual(opsOf(folded), ['Conv', 'Conv']);
    const [convA, convB] = folded.nodes;
    assert.deepEqual([convA.outputs, convB.inputs], [['a'], ['x', 'W', 'B']]);
    assert.equal(convA.inputs.includes('W') || convA.inputs.includes('B'), false);
    assert.deepEqual(folded.constants.get('W')!.data, weightBefore);
    assert.deepEqual(folded.constants.get('B')!.data, biasBefore);
    assert.deepEqual(graph.constants.get('W')!.data, weightBefore);
    assertSameOutputs(executeGraph(folded, feeds), expected, 'fold-batchnorm');
  });

  it('leaves a BatchNormalization whose Conv output has another reader', () => {
    const random = seededRandom(9);
    const b = new OnnxModelBuilder('two-readers', 13);
    const conv = b.op('Conv', [b.input('x', 'float32', [1, 1, 3, 3]), b.initializer('W', randomTensor(random, [2, 1, 1, 1]))],
      { kernel_shape: [1, 1] }, 'conv');
    const bn = ['scale', 'bias', 'mean', 'var'].map((p) => b.initializer(`bn.${p}`, uniformTensor(random, [2], 0.5, 1)));
    b.output(b.op('Add', [b.op('BatchNormalization', [conv, ...bn]), conv]));
    const folded = runPasses(importOnnx(b.toBytes()), only('fold-batchnorm'));
    assert.ok(opsOf(folded).includes('BatchNormalization'));
  });
});

describe('fuse-activations', () => {
  /** Conv → Relu; with `extraReader` the Conv output also feeds an Add, with `convIsOutput` it is a graph output. */
  function convRelu(options: { extraReader?: boolean; convIsOutput?: boolean } = {}): Graph {
    const b = new OnnxModelBuilder('conv-relu', 13);
    const x = b.input('x', 'float32', [1, 1, 3, 3]);
    const conv = b.op('Conv', [x, b.initializer('W', randomTensor(seededRandom(10), [2, 1, 1, 1]))], { kernel_shape: [1, 1] }, 'conv');
    const relu = b.op('Relu', [conv], {}, 'relu');
    b.output(options.extraReader ? b.op('Add', [relu, conv], {}, 'sum') : relu);
    if (options.convIsOutput) b.output(conv);
    return importOnnx(b.toBytes());
  }

  it('fuses Relu into the Conv that produces its input', () => {
    const fused = runPasses(convRelu(), only('fuse-activations'));
    assert.deepEqual(opsOf(fused), ['Conv']);
    assert.equal(fused.nodes[0].fused?.op, 'Relu');
    assert.deepEqual(fused.nodes[0].outputs, ['relu']);
  });

  it('does not fuse when the Conv output has a second reader', () => {
    const graph = runPasses(convRelu({ extraReader: true }), only('fuse-activations'));
    assert.deepEqual(opsOf(graph), ['Conv', 'Relu', 'Add']);
    assert.equal(graph.nodes[0].fused, undefined);
  });

  it('does not fuse when the Conv output is a graph output', () => {
    const graph = runPasses(convRelu({ convIsOutput: true }), only('fuse-activations'));
    assert.deepEqual(opsOf(graph), ['Conv', 'Relu']);
    assert.deepEqual(graph.outputs, ['relu', 'conv']);
  });
});

describe('fuse-gated-activations', () => {
  /** Conv → gate(conv) → Mul(conv, gate) (the operands in `order`), as exporters write SiLU and HardSwish. */
  function convGated(gate: 'Sigmoid' | 'HardSigmoid', options: { alpha?: number; gateIsOutput?: boolean; swapped?: boolean } = {}): Graph {
    const b = new OnnxModelBuilder('conv-gated', 13);
    const x = b.input('x', 'float32', [1, 2, 4, 4]);
    const conv = b.op('Conv', [x, b.initializer('W', randomTensor(seededRandom(11), [3, 2, 3, 3]))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv');
    const g = b.op(gate, [conv], gate === 'HardSigmoid' ? { alpha: options.alpha ?? 1 / 6, beta: 0.5 } : {}, 'gate');
    b.output(b.op('Mul', options.swapped ? [g, conv] : [conv, g], {}, 'mul'));
    if (options.gateIsOutput) b.output(g);
    return importOnnx(b.toBytes());
  }
  const feeds = { x: uniformTensor(seededRandom(12), [1, 2, 4, 4], -4, 4) };

  for (const [gate, activation] of [['Sigmoid', 'Silu'], ['HardSigmoid', 'HardSwish']] as const) {
    for (const swapped of [false, true]) {
      it(`makes Mul(x, ${gate}(x)) one ${activation}, fused into the Conv (gate ${swapped ? 'first' : 'second'})`, () => {
        const imported = convGated(gate, { swapped });
        const graph = runPasses(imported);
        assert.deepEqual(opsOf(graph), ['Conv']);
        assert.equal(graph.nodes[0].fused?.op, activation);
        assert.deepEqual(graph.outputs, ['mul']);
        assertSameOutputs(executeGraph(graph, feeds), executeGraph(imported, feeds), activation);
      });
    }
  }

  it('leaves a HardSigmoid gate that is not HardSwish (alpha 0.2)', () => {
    assert.deepEqual(opsOf(runPasses(convGated('HardSigmoid', { alpha: 0.2 }), only('fuse-gated-activations'))), ['Conv', 'HardSigmoid', 'Mul']);
  });

  it('leaves a gate that is also a graph output', () => {
    assert.deepEqual(opsOf(runPasses(convGated('Sigmoid', { gateIsOutput: true }), only('fuse-gated-activations'))), ['Conv', 'Sigmoid', 'Mul']);
  });

  it('refuses Silu in a model: it is no ONNX operator', () => {
    const b = new OnnxModelBuilder('silu', 13);
    b.output(b.op('Silu', [b.input('x', 'float32', [1, 4])], {}, 'y'));
    assert.throws(() => importOnnx(b.toBytes()), /NNCC110.*'Silu' is not supported/);
  });
});

describe('batchnorm-to-scale-shift', () => {
  /** DenseNet's layer: Concat(x, Conv(x)) → BatchNormalization → Relu → Conv 1×1. */
  function denseLayer(): Graph {
    const b = new OnnxModelBuilder('dense-layer', 13);
    const random = seededRandom(40);
    const x = b.input('x', 'float32', [1, 4, 5, 5]);
    const grown = b.op('Conv', [x, b.initializer('g.w', randomTensor(random, [4, 4, 3, 3]))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'grow');
    const joined = b.op('Concat', [x, grown], { axis: 1 }, 'concat');
    const param = (name: string, low: number, high: number) => b.initializer(name, uniformTensor(random, [8], low, high));
    const normed = b.op('BatchNormalization', [joined, param('bn.scale', 0.5, 2), param('bn.b', -1, 1), param('bn.mean', -1, 1), param('bn.var', 0.1, 3)], { epsilon: 1e-3 }, 'bn');
    b.output(b.op('Conv', [b.op('Relu', [normed], {}, 'relu'), b.initializer('c.w', randomTensor(random, [3, 8, 1, 1]))], { kernel_shape: [1, 1] }, 'conv'));
    return importOnnx(b.toBytes());
  }

  it('makes a BatchNormalization after a Concat a per-channel Mul and Add, with the Relu fused into the Add', () => {
    const imported = denseLayer();
    const graph = runPasses(imported);
    assert.deepEqual(opsOf(graph), ['Conv', 'Concat', 'Mul', 'Add', 'Conv']);
    assert.equal(graph.nodes[3].fused?.op, 'Relu');
    assert.deepEqual(graph.constants.get(graph.nodes[2].inputs[1])?.dims, [8, 1, 1]);
    const feeds = { x: uniformTensor(seededRandom(41), [1, 4, 5, 5], -2, 2) };
    assertSameOutputs(executeGraph(graph, feeds), executeGraph(imported, feeds), 'dense layer');
  });
});

describe('remove-identities', () => {
  it('removes Identity and Dropout but keeps the graph output names', () => {
    const b = new OnnxModelBuilder('identities', 13);
    const relu = b.op('Relu', [b.input('x', 'float32', [2])], {}, 'relu');
    const dropped = b.op('Dropout', [b.op('Identity', [relu], {}, 'inner')], {}, 'dropped');
    b.output(b.op('Identity', [dropped], {}, 'y'));
    const graph = importOnnx(b.toBytes());
    const cleaned = runPasses(graph, only('remove-identities'));
    assert.deepEqual(opsOf(cleaned), ['Relu']);
    assert.deepEqual(cleaned.outputs, ['y']);
    assert.deepEqual(cleaned.nodes[0].outputs, ['y']);
    const x = { x: randomTensor(seededRandom(11), [2]) };
    assertSameOutputs(executeGraph(cleaned, x), executeGraph(graph, x), 'remove-identities');
  });

  it('keeps an Identity between a graph input, or another graph output, and a graph output', () => {
    const b = new OnnxModelBuilder('boundary', 13);
    const x = b.input('x', 'float32', [2]);
    b.output(b.op('Identity', [x], {}, 'copy_of_x'));
    const relu = b.op('Relu', [x], {}, 'relu');
    b.output(relu);
    b.output(b.op('Identity', [relu], {}, 'copy_of_relu'));
    const cleaned = runPasses(importOnnx(b.toBytes()), only('remove-identities'));
    assert.deepEqual(opsOf(cleaned), ['Identity', 'Relu', 'Identity']);
    const y = executeGraph(cleaned, { x: { dtype: 'float32', dims: [2], data: new Float32Array([-1, 2]) } });
    assert.deepEqual(Object.fromEntries(Object.entries(y).map(([k, v]) => [k, toNumbers(v)])),
      { copy_of_x: [-1, 2], relu: [0, 2], copy_of_relu: [0, 2] });
  });
});

describe('fold-constants', () => {
  it("collapses tiny-cnn's Shape → Gather → Unsqueeze → Concat chain into Reshape's shape constant", () => {
    const tinyCnn = fixtureModels.find((m) => m.name === 'tiny-cnn')!;
    const graph = importOnnx(tinyCnn.build().toBytes());
    const chain = ['Shape', 'Gather', 'Unsqueeze', 'Concat'];
    assert.deepEqual(chain.filter((op) => opsOf(graph).includes(op)), chain);
    const folded = runPasses(graph, only('fold-constants'));
    assert.deepEqual(chain.filter((op) => opsOf(folded).includes(op)), []);
    const reshape = folded.nodes.find((n) => n.op === 'Reshape')!;
    assert.deepEqual(toNumbers(folded.constants.get(reshape.inputs[1])!), [1, -1]);
  });

  it('does not fold a node that produces a graph output', () => {
    const b = new OnnxModelBuilder('const-output', 13);
    b.output(b.op('Relu', [b.input('x', 'float32', [1])]));
    b.output(b.op('Shape', [b.input('y', 'float32', [2, 3])], {}, 'shape'), 'int64');
    const folded = runPasses(importOnnx(b.toBytes()), only('fold-constants'));
    assert.deepEqual(opsOf(folded), ['Relu', 'Shape']);
  });
});

describe('eliminate-dead-code', () => {
  it('drops an unused branch and the initializers only it read', () => {
    const b = new OnnxModelBuilder('dead', 13);
    const x = b.input('x', 'float32', [2]);
    const kept = b.initializer('kept', randomTensor(seededRandom(12), [2]));
    const dead = b.op('Mul', [b.op('Add', [x, b.initializer('dead.a', randomTensor(seededRandom(13), [2]))], {}, 'dead_add'),
      b.initializer('dead.b', randomTensor(seededRandom(14), [2]))], {}, 'dead_mul');
    b.output(b.op('Add', [x, kept], {}, 'y'));
    const graph = importOnnx(b.toBytes());
    assert.ok(graph.constants.has('dead.a') && graph.values.has(dead));
    const cleaned = runPasses(graph, only('eliminate-dead-code'));
    assert.deepEqual(cleaned.nodes.map((n) => n.name), ['y']);
    assert.deepEqual([...cleaned.constants.keys()], ['kept']);
    assert.equal(cleaned.values.has(dead) || cleaned.values.has('dead_add'), false);
    assert.deepEqual(cleaned.inputs.map((i) => i.name), ['x']);
  });
});
