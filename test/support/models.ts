/**
 * Small models tests build in code: three 3×3 convolutions of 32 channels with Relu — on the
 * synthetic Pixel 5 Winograd is too slow to transform cold but fastest warm (continuous
 * inference), and at 56² they are large enough to split across lanes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importOnnxFile, lowerGraph, runPasses, writeBundle } from '../../compiler/compile.js';
import { assignLayouts } from '../../compiler/layout/assign-layouts.js';
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { fromNumbers } from '../../runtime/tensor/tensor.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import { selectKernels } from '../../compiler/select/select-kernels.js';

export interface ThreeConvsOptions {
  name: string;
  seed: number;
  /** Height and width of the input (default 28). */
  size?: number;
  /** Scale of the seeded random weights (default 0.05). */
  weightScale?: number;
}

/** ONNX bytes of x [1, 32, size, size] → (Conv 3×3 pad 1 → Relu) × 3, nodes named a, b, c. */
export function threeConvsModel({ name, seed, size = 28, weightScale = 0.05 }: ThreeConvsOptions): Uint8Array {
  const b = new OnnxModelBuilder(name, 13);
  const random = seededRandom(seed);
  let h = b.input('x', 'float32', [1, 32, size, size]);
  for (const node of ['a', 'b', 'c']) {
    const w = b.initializer(`${node}.w`, randomTensor(random, [32, 32, 3, 3], weightScale));
    h = b.op('Relu', [b.op('Conv', [h, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, node)]);
  }
  b.output(h);
  return b.toBytes();
}

/**
 * ONNX bytes of a MobileNetV2-style model in which every step between the image and the pooling
 * has an NC4HW4 kernel: x [1, 3, size, size] → stem (Conv 3×3 s2 3→16, Clip 0–6) → inverted
 * residual (1×1 16→36 Clip, depthwise 3×3 Clip, 1×1 36→16, Add) → 1×1 16→18 (ragged: 18 is not
 * a multiple of 4) Relu → depthwise 3×3 s2 → GlobalAveragePool → Flatten → Gemm 18→5.
 */
export function invertedResidualModel({ name, seed, size = 20, weightScale = 0.3 }: ThreeConvsOptions): Uint8Array {
  const b = new OnnxModelBuilder(name, 13);
  const random = seededRandom(seed);
  const zero = b.initializer('clip.min', fromNumbers('float32', [], [0]));
  const six = b.initializer('clip.max', fromNumbers('float32', [], [6]));
  const conv = (x: string, node: string, cin: number, cout: number, k: number, attrs: Record<string, number | number[]> = {}, group = 1): string => {
    const w = b.initializer(`${node}.w`, randomTensor(random, [cout, cin / group, k, k], weightScale));
    const bias = b.initializer(`${node}.b`, randomTensor(random, [cout], 0.1));
    return b.op('Conv', [x, w, bias], { kernel_shape: [k, k], group, ...attrs }, node);
  };
  const clip = (x: string): string => b.op('Clip', [x, zero, six]);
  const x = b.input('x', 'float32', [1, 3, size, size]);
  const stem = clip(conv(x, 'stem', 3, 16, 3, { strides: [2, 2], pads: [1, 1, 1, 1] }));
  const expand = clip(conv(stem, 'expand', 16, 36, 1));
  const depthwise = clip(conv(expand, 'depthwise', 36, 36, 3, { pads: [1, 1, 1, 1] }, 36));
  const residual = b.op('Add', [stem, conv(depthwise, 'project', 36, 16, 1)], {}, 'residual');
  const ragged = b.op('Relu', [conv(residual, 'ragged', 16, 18, 1)]);
  const down = conv(ragged, 'down', 18, 18, 3, { strides: [2, 2], pads: [1, 1, 1, 1] }, 18);
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [down], {}, 'pool')], {}, 'flatten');
  const fc = b.op('Gemm', [pooled, b.initializer('fc.w', randomTensor(random, [5, 18], weightScale)), b.initializer('fc.b', randomTensor(random, [5], 0.1))], { transB: 1 }, 'fc');
  b.output(fc);
  return b.toBytes();
}

/**
 * Compiles `modelPath` with every NC4HW4 region kept, conversions and all (as the profiler plans
 * them), through the staged API: without a device profile the compiler keeps only regions that
 * need no conversion, so this is how tests reach the conversion steps.
 */
export function compileKeepingEveryRegion(modelPath: string, outDir: string, lanes = 1): void {
  const graph = assignLayouts(runPasses(importOnnxFile(modelPath, { batch: 1 })), 'auto', { keepEveryRegion: true });
  const modelSha256 = createHash('sha256').update(readFileSync(modelPath)).digest('hex');
  writeBundle(outDir, lowerGraph(graph, selectKernels(graph), { lanes }), { modelName: graph.name, modelSha256, opset: graph.opset });
}

/**
 * ONNX bytes of an EfficientNet-style block as PyTorch exports it: x [1, 3, size, size] → stem
 * (Conv 3×3 s2 3→16, SiLU as Sigmoid + Mul) → expand 1×1 16→32 SiLU → depthwise 5×5 SiLU →
 * squeeze-excitation (GlobalAveragePool → 1×1 32→8 SiLU → 1×1 8→32 → Sigmoid → Mul) → project
 * 1×1 32→16 → Add with the stem → GlobalAveragePool → Flatten → Gemm 16→5.
 */
export function squeezeExcitationModel({ name, seed, size = 24, weightScale = 0.3 }: ThreeConvsOptions): Uint8Array {
  const b = new OnnxModelBuilder(name, 13);
  const random = seededRandom(seed);
  const conv = (x: string, node: string, cin: number, cout: number, k: number, attrs: Record<string, number | number[]> = {}, group = 1): string => {
    const w = b.initializer(`${node}.w`, randomTensor(random, [cout, cin / group, k, k], weightScale));
    const bias = b.initializer(`${node}.b`, randomTensor(random, [cout], 0.1));
    return b.op('Conv', [x, w, bias], { kernel_shape: [k, k], group, ...attrs }, node);
  };
  const silu = (x: string): string => b.op('Mul', [x, b.op('Sigmoid', [x])]);
  const x = b.input('x', 'float32', [1, 3, size, size]);
  const stem = silu(conv(x, 'stem', 3, 16, 3, { strides: [2, 2], pads: [1, 1, 1, 1] }));
  const expand = silu(conv(stem, 'expand', 16, 32, 1));
  const depthwise = silu(conv(expand, 'depthwise', 32, 32, 5, { pads: [2, 2, 2, 2] }, 32));
  const squeezed = silu(conv(b.op('GlobalAveragePool', [depthwise], {}, 'se.pool'), 'se.reduce', 32, 8, 1));
  const gate = b.op('Sigmoid', [conv(squeezed, 'se.expand', 8, 32, 1)], {}, 'se.gate');
  const excited = b.op('Mul', [depthwise, gate], {}, 'se.scale');
  const residual = b.op('Add', [stem, conv(excited, 'project', 32, 16, 1)], {}, 'residual');
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [residual], {}, 'pool')], {}, 'flatten');
  b.output(b.op('Gemm', [pooled, b.initializer('fc.w', randomTensor(random, [5, 16], weightScale)), b.initializer('fc.b', randomTensor(random, [5], 0.1))], { transB: 1 }, 'fc'));
  return b.toBytes();
}
