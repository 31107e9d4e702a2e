/**
 * ONNX TensorProto.DataType codes and the nncc dtypes they name. The importer decodes tensors
 * with it; Cast reads its `to` attribute with it.
 */
import type { DType } from './tensor.js';

export const dtypeByOnnxType: Readonly<Record<number, DType | undefined>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  9: 'bool', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

/** Names of the ONNX element types nncc does not hold, for diagnostics. */
export const unsupportedOnnxTypeNames: Readonly<Record<number, string>> = {
  0: 'UNDEFINED', 8: 'STRING', 10: 'FLOAT16', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ', 19: 'FLOAT8E5M2', 20: 'FLOAT8E5M2FNUZ', 21: 'UINT4', 22: 'INT4',
};
