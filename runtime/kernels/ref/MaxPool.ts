/**
 * ONNX MaxPool (opsets 8-12 and later, same semantics): X (N x C x D1..Dn, 1 to 3 spatial axes)
 * gives Y, the maximum over each window (padding never wins), and Indices (int64), the flat
 * position in X of that maximum — row-major, or with `storage_order` = 1 column-major over the
 * spatial axes. Supports kernel_shape, strides, dilations, pads, auto_pad and ceil_mode; X may be
 * float32, float64, int8 or uint8. Window arithmetic lives in `window.ts`.
 *
 * `infer` always reports both outputs; a node that asks only for Y ignores the second.
 */
import { allocData, type DType, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { attrInt, attrInts, expectDType, required, type Attributes, type ReferenceKernel } from '../kernel.js';
import { axisWindows, spatialDims, widenTo3d, windowGeometry, type WindowGeometry } from './window.js';

type PoolArray = Float32Array | Float64Array | Int8Array | Uint8Array;

function geometryOf(x: ValueInfo, attrs: Attributes): WindowGeometry {
  expectDType(x.dtype, ['float32', 'float64', 'int8', 'uint8'], 'MaxPool input X');
  return windowGeometry(spatialDims(x.dims, 'MaxPool input X'), attrInts(attrs, 'kernel_shape'), attrs);
}

export const MaxPool: ReferenceKernel = {
  op: 'MaxPool',

  infer(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    const dims = [x.dims[0], x.dims[1], ...geometryOf(x, attrs).outputSize];
    return [{ dtype: x.dtype, dims }, { dtype: 'int64', dims: [...dims] }];
  },

  run(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    const geometry = geometryOf(x, attrs);
    const dims = [x.dims[0], x.dims[1], ...geometry.outputSize];
    const planes = x.dims[0] * x.dims[1];
    const columnMajor = attrInt(attrs, 'storage_order', 0) === 1;
    const { values, indices } = maxPool(x.data as PoolArray, x.dtype, planes, widenTo3d(geometry), columnMajor);
    const y: Tensor = { dtype: x.dtype, dims, data: values };
    const argmax: Tensor = { dtype: 'int64', dims: [...dims], data: toInt64(indices) };
    return [y, argmax];
  },
};

function maxPool(
  x: PoolArray, dtype: DType, planes: number, g: WindowGeometry, columnMajor: boolean,
): { values: PoolArray; indices: Float64Array } {
  const [inD, inH, inW] = g.inputSize;
  const [outD, outH, outW] = g.outputSize;
  const [dilD, dilH, dilW] = g.dilations;
  const [depth, height, width] = [0, 1, 2].map((axis) => axisWindows(g, axis));
  const inPlane = inD * inH * inW;
  // Flat index of spatial position (d, h, w) within a plane, in the requested storage order.
  const [stepD, stepH, stepW] = columnMajor ? [1, inD, inD * inH] : [inH * inW, inW, 1];
  const values = allocData(dtype, planes * outD * outH * outW) as PoolArray;
  const indices = new Float64Array(values.length);
  const lowest = lowestValue(dtype);

  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inPlane;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++, o++) {
          let best = lowest;
          let bestAt = -1;
          for (let td = 0, d = depth.firstInput[od]; td < depth.taps[od]; td++, d += dilD) {
            for (let th = 0, h = height.firstInput[oh]; th < height.taps[oh]; th++, h += dilH) {
              for (let tw = 0, w = width.firstInput[ow]; tw < width.taps[ow]; tw++, w += dilW) {
                const value = x[base + (d * inH + h) * inW + w];
                if (value > best || bestAt < 0) {
                  best = value;
                  bestAt = d * stepD + h * stepH + w * stepW;
                }
              }
            }
          }
          values[o] = best;
          indices[o] = bestAt < 0 ? -1 : base + bestAt;
        }
      }
    }
  }
  return { values, indices };
}

/** What a window lying wholly in padding yields (onnxruntime uses the type's lowest value). */
function lowestValue(dtype: DType): number {
  if (dtype === 'int8') return -128;
  if (dtype === 'uint8') return 0;
  return -Infinity;
}

function toInt64(values: Float64Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}
