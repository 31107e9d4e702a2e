/**
 * Cast: converts every element to the dtype named by attribute `to` (an ONNX TensorProto
 * DataType code). Floats become integers by truncation toward zero and then wrap to the target
 * width (as C casts do for in-range values; NaN becomes 0), anything becomes bool as `x != 0`,
 * bool becomes 0/1, and int64 beyond 2^53 keeps its exact value when staying integer.
 */
import { UnsupportedError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrInt, required } from '../kernel.js';
import { dtypeByOnnxType, unsupportedOnnxTypeNames } from '../../tensor/onnx-dtypes.js';
import { allocData, isBigIntType, isFloatType, type DType, type Tensor, type TypedArray } from '../../tensor/tensor.js';

function targetType(attrs: Attributes): DType {
  const code = attrInt(attrs, 'to');
  const dtype = dtypeByOnnxType[code];
  if (!dtype) throw new UnsupportedError(`Cast to element type ${unsupportedOnnxTypeNames[code] ?? code} is not supported`);
  return dtype;
}

export function castTensor(x: Tensor, to: DType): Tensor {
  const out = allocData(to, x.data.length);
  const src = x.data;
  if (to === 'bool') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] ? 1 : 0; // 0n, 0 and NaN are falsy; -0 too
  } else if (isBigIntType(to)) {
    const big = out as BigInt64Array | BigUint64Array;
    if (isBigIntType(x.dtype)) {
      for (let i = 0; i < src.length; i++) big[i] = src[i] as bigint; // the store wraps to 64 bits
    } else {
      for (let i = 0; i < src.length; i++) {
        const v = Math.trunc(src[i] as number);
        big[i] = Number.isFinite(v) ? BigInt(v) : 0n;
      }
    }
  } else if (isFloatType(to) || !isBigIntType(x.dtype)) {
    // Number stores into integer arrays truncate toward zero and wrap; into float arrays they round.
    const numbers = out as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < src.length; i++) numbers[i] = Number(src[i]);
  } else {
    // int64 to a narrower integer: wrap exactly in BigInt before the store.
    const numbers = out as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < src.length; i++) numbers[i] = Number(BigInt.asIntN(32, src[i] as bigint));
  }
  return { dtype: to, dims: [...x.dims], data: out };
}

export const Cast: ReferenceKernel = {
  op: 'Cast',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    return [{ dtype: targetType(attrs), dims: [...x.dims] }];
  },
  run(inputs, attrs) {
    return [castTensor(required(inputs, 0, 'input'), targetType(attrs))];
  },
};
