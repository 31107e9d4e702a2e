/**
 * ONNX GlobalAveragePool (opset 1 and later): X (N x C x D1..Dn, float32/float64) gives
 * Y (N x C x 1 x .. x 1), the mean of each channel's spatial plane, summed in double precision.
 */
import { allocData, sizeOf, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { expectDType, required, type ReferenceKernel } from '../kernel.js';
import { spatialDims } from './window.js';

type FloatArray = Float32Array | Float64Array;

function outputInfo(x: ValueInfo): ValueInfo {
  expectDType(x.dtype, ['float32', 'float64'], 'GlobalAveragePool input X');
  const spatial = spatialDims(x.dims, 'GlobalAveragePool input X');
  return { dtype: x.dtype, dims: [x.dims[0], x.dims[1], ...spatial.map(() => 1)] };
}

export const GlobalAveragePool: ReferenceKernel = {
  op: 'GlobalAveragePool',

  infer(inputs) {
    return [outputInfo(required(inputs, 0, 'X'))];
  },

  run(inputs) {
    const x = required(inputs, 0, 'X');
    const { dims } = outputInfo(x);
    const planeSize = sizeOf(x.dims.slice(2));
    const data = x.data as FloatArray;
    const y = allocData(x.dtype, x.dims[0] * x.dims[1]) as FloatArray;
    for (let plane = 0; plane < y.length; plane++) {
      let sum = 0;
      for (let i = plane * planeSize, end = i + planeSize; i < end; i++) sum += data[i];
      y[plane] = sum / planeSize;
    }
    const out: Tensor = { dtype: x.dtype, dims, data: y };
    return [out];
  },
};
