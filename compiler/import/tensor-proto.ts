/**
 * Decodes ONNX TensorProto messages (initializers, Constant values, test data) into tensors.
 * Data may sit in raw_data, in the typed fields (float_data, int64_data…), or in an external
 * file next to the model. Used by `import/onnx.ts` and by the conformance runner.
 */
import { existsSync, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import onnxProto from 'onnx-proto';
import { allocData, bytesPerElement, sizeOf, type DType, type Tensor, type TypedArray } from '../../runtime/tensor/tensor.js';
import { dtypeByOnnxType, unsupportedOnnxTypeNames } from '../../runtime/tensor/onnx-dtypes.js';
import { CompileError, codes } from '../diagnostics.js';
import { maxTensorElements } from '../ir/infer-shapes.js';

const { onnx } = onnxProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type LongLike = number | { toNumber(): number; toString(): string };


export function toNumber(v: LongLike): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** The nncc dtype of an ONNX TensorProto.DataType, or a diagnostic naming what is unsupported. */
export function dtypeOf(onnxType: number, where: string): DType {
  const dtype = dtypeByOnnxType[onnxType];
  if (!dtype) {
    throw new CompileError(codes.unsupportedDType,
      `${where} has element type ${unsupportedOnnxTypeNames[onnxType] ?? onnxType}, which nncc does not support`,
      {}, 'supported element types: float32, float64, (u)int8/16/32/64 and bool');
  }
  return dtype;
}

export interface TensorSource {
  /** Directory of the model file, for external data; undefined refuses external data. */
  modelDir?: string;
}

export function decodeTensor(proto: TensorProto, where: string, source: TensorSource = {}): Tensor {
  const dtype = dtypeOf(proto.dataType ?? 0, where);
  const dims = (proto.dims ?? []).map(toNumber);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new CompileError(codes.modelCorrupt, `${where} has invalid dims [${dims.join(',')}]`);
  }
  const count = sizeOf(dims);
  if (count > maxTensorElements) {
    throw new CompileError(codes.invalidNode, `${where} has dims [${dims.join(',')}], too large`,
      {}, `tensors are limited to ${maxTensorElements} elements`);
  }
  // Sizes are checked against the data actually present before allocating, so dims a file
  // merely claims never cost memory.
  const bytes = count * bytesPerElement(dtype);
  if (proto.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    return { dtype, dims, data: readExternal(proto, where, source, dtype, count) };
  }
  if (proto.rawData && proto.rawData.length > 0) {
    if (proto.rawData.length !== bytes) {
      throw new CompileError(codes.modelCorrupt,
        `${where} raw_data holds ${proto.rawData.length} bytes, but ${dtype}[${dims.join(',')}] needs ${bytes}`);
    }
    const data = allocData(dtype, count);
    new Uint8Array(data.buffer).set(proto.rawData);
    return { dtype, dims, data };
  }
  return { dtype, dims, data: fromTypedFields(proto, dtype, count, where) };
}

function fromTypedFields(proto: TensorProto, dtype: DType, count: number, where: string): TypedArray {
  const field = typedField(proto, dtype);
  if (field.length !== count) {
    throw new CompileError(codes.modelCorrupt,
      `${where} holds ${field.length} values, but its dims need ${count}`);
  }
  const data = allocData(dtype, count);
  if (dtype === 'int64' || dtype === 'uint64') {
    const big = data as BigInt64Array;
    for (let i = 0; i < count; i++) big[i] = BigInt((field[i] as LongLike).toString());
  } else {
    const out = data as Float64Array;
    for (let i = 0; i < count; i++) out[i] = toNumber(field[i] as LongLike);
  }
  return data;
}

function typedField(proto: TensorProto, dtype: DType): readonly unknown[] {
  switch (dtype) {
    case 'float32': return proto.floatData ?? [];
    case 'float64': return proto.doubleData ?? [];
    case 'int64': return proto.int64Data ?? [];
    case 'uint32': case 'uint64': return proto.uint64Data ?? [];
    default: return proto.int32Data ?? [];
  }
}

function readExternal(proto: TensorProto, where: string, source: TensorSource, dtype: DType, count: number): TypedArray {
  const bytes = count * bytesPerElement(dtype);
  const entries = new Map((proto.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (source.modelDir === undefined || !location) {
    throw new CompileError(codes.externalData, `${where} keeps its data in an external file${location ? ` '${location}'` : ''}`,
      {}, 'compile from the model file on disk, with its external data files beside it');
  }
  const path = resolve(source.modelDir, location);
  const inside = relative(resolve(source.modelDir), path);
  if (isAbsolute(location) || inside.startsWith('..') || isAbsolute(inside) || !existsSync(path)) {
    throw new CompileError(codes.externalData, `${where} names external data '${location}', which is not a file beside the model`,
      { file: path }, 'keep external data files in the model\'s directory, with relative names');
  }
  const offset = Number(entries.get('offset') ?? 0);
  const length = Number(entries.get('length') ?? bytes);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (!Number.isSafeInteger(offset) || offset < 0 || length !== bytes || offset + length > size) {
      throw new CompileError(codes.externalData,
        `${where}: external data '${location}' offset ${offset} length ${length} does not fit the file (${size} bytes) or the tensor (${bytes} bytes)`,
        { file: path });
    }
    const data = allocData(dtype, count);
    const target = new Uint8Array(data.buffer);
    let done = 0;
    while (done < bytes) {
      const read = readSync(fd, target, done, bytes - done, offset + done);
      if (read === 0) throw new CompileError(codes.externalData, `${where}: external data '${location}' ended early`, { file: path });
      done += read;
    }
    return data;
  } finally {
    closeSync(fd);
  }
}
