/**
 * What GlobalAveragePool and GlobalMaxPool share: X (N x C x D1..Dn, float32/float64) gives
 * Y (N x C x 1 x .. x 1), one value per channel plane, reduced by the op's own function.
 */
import { allocData, sizeOf, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { expectDType, required, type ReferenceKernel } from '../kernel.js';
import { spatialDims } from './window.js';

export type FloatArray = Float32Array | Float64Array;

/** `reducePlane` gives the value of data[start, end). */
export function globalPoolKernel(op: string, reducePlane: (data: FloatArray, start: number, end: number) => number): ReferenceKernel {
  const outputInfo = (x: ValueInfo): ValueInfo => {
    expectDType(x.dtype, ['float32', 'float64'], `${op} input X`);
    const spatial = spatialDims(x.dims, `${op} input X`);
    return { dtype: x.dtype, dims: [x.dims[0], x.dims[1], ...spatial.map(() => 1)] };
  };
  return {
    op,
    infer: (inputs) => [outputInfo(required(inputs, 0, 'X'))],
    run(inputs) {
      const x = required(inputs, 0, 'X');
      const { dims } = outputInfo(x);
      const planeSize = sizeOf(x.dims.slice(2));
      const y = allocData(x.dtype, x.dims[0] * x.dims[1]) as FloatArray;
      for (let plane = 0; plane < y.length; plane++) y[plane] = reducePlane(x.data as FloatArray, plane * planeSize, (plane + 1) * planeSize);
      const out: Tensor = { dtype: x.dtype, dims, data: y };
      return [out];
    },
  };
}
