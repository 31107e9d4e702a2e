/**
 * Layout assignment on small models: which values become NC4HW4, where conversions go, which
 * regions stay (costs, or none needing a conversion), that every step keeps a kernel that takes
 * its layouts, and that `nchw` changes nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOnnx } from '../../../compiler/import/onnx.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import { assignLayouts } from '../../../compiler/layout/assign-layouts.js';
import { runPasses } from '../../../compiler/passes/pipeline.js';
import { fittingVariants } from '../../../compiler/select/select-kernels.js';
import { layoutConversionOps } from '../../../runtime/kernels/variant.js';
import { invertedResidualModel } from '../../support/models.js';
import { fixtureModelDir } from '../../support/paths.js';

const optimised = (bytes: Uint8Array): Graph => runPasses(importOnnx(bytes, { batch: 1 }));
const layoutOf = (graph: Graph, name: string) => graph.values.get(name)?.layout ?? 'NCHW';
const outputOf = (graph: Graph, node: string): string => graph.nodes.find((n) => n.name === node)!.outputs[0];
const conversions = (graph: Graph) => graph.nodes.filter((n) => n.op === layoutConversionOps.toNC4HW4 || n.op === layoutConversionOps.toNCHW);

function assertRunnable(graph: Graph): void {
  for (const node of graph.nodes) assert.ok(fittingVariants(graph, node).length > 0, `no kernel takes the layouts of '${node.name}' (${node.op})`);
  for (const name of graph.outputs) assert.equal(layoutOf(graph, name), 'NCHW', `graph output '${name}'`);
  for (const input of graph.inputs) assert.equal(layoutOf(graph, input.name), 'NCHW', `graph input '${input.name}'`);
}

describe('layout assignment', () => {
  it('runs a MobileNetV2-style chain in NC4HW4 from the first convolution to the pooling, with no conversion', () => {
    const graph = assignLayouts(optimised(invertedResidualModel({ name: 'ir', seed: 3 })));
    assertRunnable(graph);
    for (const node of ['stem', 'expand', 'depthwise', 'project', 'residual', 'ragged', 'down']) {
      assert.equal(layoutOf(graph, outputOf(graph, node)), 'NC4HW4', node);
    }
    assert.equal(layoutOf(graph, outputOf(graph, 'pool')), 'NCHW');
    assert.deepEqual(conversions(graph), []);
  });

  it('converts back to NCHW once, before the first reader without an NC4HW4 kernel (tiny-cnn: MaxPool)', () => {
    const graph = assignLayouts(optimised(readFileSync(join(fixtureModelDir, 'tiny-cnn.onnx'))), 'auto', { keepEveryRegion: true });
    assertRunnable(graph);
    for (const node of ['stem', 'dw', 'pw', 'residual']) assert.equal(layoutOf(graph, outputOf(graph, node)), 'NC4HW4', node);
    const converted = conversions(graph);
    assert.deepEqual(converted.map((n) => [n.op, n.inputs[0]]), [[layoutConversionOps.toNCHW, outputOf(graph, 'residual')]]);
    const pool = graph.nodes.find((n) => n.op === 'MaxPool')!;
    assert.deepEqual(pool.inputs, converted[0].outputs);
    assert.ok(graph.nodes.indexOf(converted[0]) < graph.nodes.indexOf(pool));
    assert.equal(layoutOf(graph, outputOf(graph, 'expand')), 'NCHW', 'a 3×3 convolution has no NC4HW4 kernel');
  });

  it('keeps a region that needs a conversion only when costs say it pays (none given: never)', () => {
    const tinyCnn = optimised(readFileSync(join(fixtureModelDir, 'tiny-cnn.onnx')));
    const packedCount = (g: Graph) => [...g.values.values()].filter((v) => v.layout === 'NC4HW4').length;
    const noCosts = assignLayouts(tinyCnn);
    assertRunnable(noCosts);
    assert.deepEqual([packedCount(noCosts), conversions(noCosts).length], [0, 0]);
    // Costs where NC4HW4 steps are cheap and conversions cheaper still: the region stays.
    const usesNC4HW4 = (g: Graph, n: Graph['nodes'][number]) => [...n.inputs, ...n.outputs].some((v) => g.values.get(v)?.layout === 'NC4HW4');
    const cheap = assignLayouts(tinyCnn, 'auto', { warmMs: (g, n) => (n.op === layoutConversionOps.toNCHW ? 0.01 : usesNC4HW4(g, n) ? 0.5 : 1) });
    assertRunnable(cheap);
    assert.ok(packedCount(cheap) >= 4 && conversions(cheap).length === 1);
    // Conversions dearer than what the region saves: it goes.
    const dear = assignLayouts(tinyCnn, 'auto', { warmMs: (g, n) => (n.op === layoutConversionOps.toNCHW ? 10 : usesNC4HW4(g, n) ? 0.5 : 1) });
    assert.deepEqual([packedCount(dear), conversions(dear).length], [0, 0]);
    // A cost the profile does not know: the region goes too.
    assert.equal(packedCount(assignLayouts(tinyCnn, 'auto', { warmMs: () => undefined })), 0);
  });

  it('leaves a value NCHW when no reader takes NC4HW4 (ResNet-style stem into MaxPool)', () => {
    const bytes = invertedResidualModel({ name: 'ir', seed: 4 });
    const graph = optimised(bytes);
    // The stem alone, read by a MaxPool: the stem could write NC4HW4, but nothing would read it.
    const stem = graph.nodes.find((n) => n.name === 'stem')!;
    graph.nodes = [stem, { name: 'pool', op: 'MaxPool', inputs: [stem.outputs[0]], outputs: ['pooled'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }];
    const stemInfo = graph.values.get(stem.outputs[0])!;
    graph.values.set('pooled', { dtype: 'float32', dims: [1, 16, stemInfo.dims[2] / 2, stemInfo.dims[3] / 2] });
    graph.outputs = ['pooled'];
    const laidOut = assignLayouts(graph);
    assertRunnable(laidOut);
    assert.equal(layoutOf(laidOut, stem.outputs[0]), 'NCHW');
    assert.deepEqual(conversions(laidOut), []);
  });

  it('nchw leaves the graph as it is; auto leaves its input graph untouched', () => {
    const graph = optimised(invertedResidualModel({ name: 'ir', seed: 5 }));
    const before = JSON.stringify([...graph.values], (_, v) => (ArrayBuffer.isView(v) ? undefined : v));
    assert.equal(assignLayouts(graph, 'nchw'), graph);
    assignLayouts(graph, 'auto');
    assert.equal(JSON.stringify([...graph.values], (_, v) => (ArrayBuffer.isView(v) ? undefined : v)), before);
    assert.ok([...graph.values.values()].every((v) => v.layout === undefined));
  });

  it('is deterministic', () => {
    const bytes = invertedResidualModel({ name: 'ir', seed: 6 });
    const render = (g: Graph) => JSON.stringify([g.nodes.map((n) => [n.name, n.op, n.inputs]), [...g.values].map(([k, v]) => [k, v.layout])]);
    assert.equal(render(assignLayouts(optimised(bytes))), render(assignLayouts(optimised(bytes))));
  });
});
