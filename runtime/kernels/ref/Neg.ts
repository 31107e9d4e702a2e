/**
 * Neg: y = -x over float32/float64 (in double precision) and the signed integers (shape
 * arithmetic: int64 stays exact as BigInt).
 */
import type { ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import { allocData, isBigIntType, type DType } from '../../tensor/tensor.js';

const negatable: readonly DType[] = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64'];

export const Neg: ReferenceKernel = {
  op: 'Neg',
  infer(inputs) {
    const x = required(inputs, 0, 'X');
    expectDType(x.dtype, negatable, 'input X');
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },
  run(inputs) {
    const x = required(inputs, 0, 'X');
    expectDType(x.dtype, negatable, 'input X');
    const out = allocData(x.dtype, x.data.length);
    if (isBigIntType(x.dtype)) {
      const src = x.data as BigInt64Array, dst = out as BigInt64Array;
      for (let i = 0; i < src.length; i++) dst[i] = -src[i];
    } else {
      const src = x.data as Float64Array, dst = out as Float64Array;
      for (let i = 0; i < src.length; i++) dst[i] = -src[i];
    }
    return [{ dtype: x.dtype, dims: [...x.dims], data: out }];
  },
};
