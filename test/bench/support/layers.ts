/**
 * The representative convolution layers the kernel table measures (ResNet-50, MobileNetV2,
 * SqueezeNet 1.1 shapes at batch 1), their seeded inputs (weights scaled by 1/√fan-in, as
 * trained layers roughly are), and each as a single-op ONNX model for onnxruntime.
 */
import { OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import { randomTensor, seededRandom } from '../../../compiler/random.js';
import { flopsOf } from '../../../compiler/ir/flops.js';
import type { Attributes } from '../../../runtime/kernels/kernel.js';
import type { Tensor } from '../../../runtime/tensor/tensor.js';

export interface ConvLayer {
  name: string;
  /** Where the shape comes from, for the table's title. */
  description: string;
  C: number; H: number; W: number; M: number; K: number; stride: number; pad: number; group: number;
}

const layer = (name: string, description: string, C: number, HW: number, M: number, K: number, stride = 1, pad = (K - 1) / 2, group = 1): ConvLayer =>
  ({ name, description, C, H: HW, W: HW, M, K, stride, pad, group });

export const convLayers: readonly ConvLayer[] = [
  layer('r50-3x3-64', 'ResNet-50 conv 3×3 64→64 @56²', 64, 56, 64, 3),
  layer('r50-1x1-256-64', 'ResNet-50 conv 1×1 256→64 @56²', 256, 56, 64, 1),
  layer('r50-3x3s2-128', 'ResNet-50 conv 3×3 s2 128→128 @56²→28²', 128, 56, 128, 3, 2),
  layer('r50-3x3-256', 'ResNet-50 conv 3×3 256→256 @14²', 256, 14, 256, 3),
  layer('r50-1x1-1024-256', 'ResNet-50 conv 1×1 1024→256 @14²', 1024, 14, 256, 1),
  layer('mv2-dw3x3-144', 'MobileNetV2 depthwise 3×3 144ch @56²', 144, 56, 144, 3, 1, 1, 144),
  layer('mv2-dw3x3s2-144', 'MobileNetV2 depthwise 3×3 s2 144ch @56²→28²', 144, 56, 144, 3, 2, 1, 144),
  layer('mv2-1x1-24-144', 'MobileNetV2 pointwise 1×1 24→144 @56²', 24, 56, 144, 1),
  layer('mv2-1x1-960-160', 'MobileNetV2 pointwise 1×1 960→160 @7²', 960, 7, 160, 1),
  layer('sq-3x3-16-64', 'SqueezeNet fire expand 3×3 16→64 @55²', 16, 55, 64, 3),
  layer('sq-1x1-64-16', 'SqueezeNet fire squeeze 1×1 64→16 @55²', 64, 55, 16, 1),
  layer('sq-conv1-3-64', 'SqueezeNet first conv 3×3 s2 3→64 @224²→111²', 3, 224, 64, 3, 2, 0),
];

export function layerByName(name: string): ConvLayer {
  const found = convLayers.find((l) => l.name === name);
  if (!found) throw new Error(`unknown layer '${name}'; known: ${convLayers.map((l) => l.name).join(', ')}`);
  return found;
}

export function convAttrs(l: ConvLayer): Attributes {
  return { kernel_shape: [l.K, l.K], strides: [l.stride, l.stride], pads: [l.pad, l.pad, l.pad, l.pad], dilations: [1, 1], group: l.group };
}

/** X, W and B of the layer; the same on every call and in every process. */
export function convInputs(l: ConvLayer): [Tensor, Tensor, Tensor] {
  const random = seededRandom(l.C * 7919 + l.M * 31 + l.H);
  const fanIn = (l.C / l.group) * l.K * l.K;
  return [
    randomTensor(random, [1, l.C, l.H, l.W]),
    randomTensor(random, [l.M, l.C / l.group, l.K, l.K], 1 / Math.sqrt(fanIn)),
    randomTensor(random, [l.M], 0.1),
  ];
}

export function convOutputSize(l: ConvLayer): number {
  return Math.floor((l.H + 2 * l.pad - l.K) / l.stride) + 1;
}

export function convFlops(l: ConvLayer): number {
  const O = convOutputSize(l);
  const inputs = [[1, l.C, l.H, l.W], [l.M, l.C / l.group, l.K, l.K], [l.M]];
  return flopsOf({ op: 'Conv', attrs: convAttrs(l), inputs, outputs: [[1, l.M, O, O]] });
}

/** The layer as a one-node ONNX model: input X, weights and bias as initializers, output Y. */
export function convModelBytes(l: ConvLayer): Uint8Array {
  const [x, w, b] = convInputs(l);
  const builder = new OnnxModelBuilder(l.name, 13);
  builder.input('X', 'float32', x.dims);
  const y = builder.op('Conv', ['X', builder.initializer('W', w), builder.initializer('B', b)], convAttrs(l) as Record<string, number[] | number>, 'Y');
  builder.output(y, 'float32');
  return builder.toBytes();
}
