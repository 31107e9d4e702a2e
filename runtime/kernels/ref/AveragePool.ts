/**
 * ONNX AveragePool (opsets 7-11 and later, same semantics): X (N x C x D1..Dn, 1 to 3 spatial
 * axes, float32/float64) gives Y, the mean over each window. With count_include_pad = 0 (the
 * default) the divisor counts only input elements; with 1 it also counts explicit or auto_pad
 * padding, but never the extra end cells that ceil_mode adds (as onnxruntime and PyTorch do).
 * Window arithmetic, including dilations (opset 19), lives in `window.ts`.
 */
import { allocData, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { attrInt, attrInts, expectDType, required, type Attributes, type ReferenceKernel } from '../kernel.js';
import { axisWindows, spatialDims, widenTo3d, windowGeometry, type WindowGeometry } from './window.js';

type FloatArray = Float32Array | Float64Array;

function geometryOf(x: ValueInfo, attrs: Attributes): WindowGeometry {
  expectDType(x.dtype, ['float32', 'float64'], 'AveragePool input X');
  return windowGeometry(spatialDims(x.dims, 'AveragePool input X'), attrInts(attrs, 'kernel_shape'), attrs);
}

export const AveragePool: ReferenceKernel = {
  op: 'AveragePool',

  infer(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    return [{ dtype: x.dtype, dims: [x.dims[0], x.dims[1], ...geometryOf(x, attrs).outputSize] }];
  },

  run(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    const geometry = geometryOf(x, attrs);
    const dims = [x.dims[0], x.dims[1], ...geometry.outputSize];
    const y = allocData(x.dtype, dims.reduce((a, b) => a * b, 1)) as FloatArray;
    const countPads = attrInt(attrs, 'count_include_pad', 0) !== 0;
    averagePool(x.data as FloatArray, y, x.dims[0] * x.dims[1], widenTo3d(geometry), countPads);
    const out: Tensor = { dtype: x.dtype, dims, data: y };
    return [out];
  },
};

function averagePool(x: FloatArray, y: FloatArray, planes: number, g: WindowGeometry, countPads: boolean): void {
  const [inD, inH, inW] = g.inputSize;
  const [outD, outH, outW] = g.outputSize;
  const [dilD, dilH, dilW] = g.dilations;
  const [depth, height, width] = [0, 1, 2].map((axis) => axisWindows(g, axis));
  const divisorTaps = countPads
    ? [depth.tapsWithPads, height.tapsWithPads, width.tapsWithPads]
    : [depth.taps, height.taps, width.taps];
  const inPlane = inD * inH * inW;

  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++, o++) {
          let sum = 0;
          for (let td = 0, d = depth.firstInput[od]; td < depth.taps[od]; td++, d += dilD) {
            for (let th = 0, h = height.firstInput[oh]; th < height.taps[oh]; th++, h += dilH) {
              for (let tw = 0, w = width.firstInput[ow]; tw < width.taps[ow]; tw++, w += dilW) {
                sum += x[base + (d * inH + h) * inW + w];
              }
            }
          }
          y[o] = sum / (divisorTaps[0][od] * divisorTaps[1][oh] * divisorTaps[2][ow]);
        }
      }
    }
  }
}
