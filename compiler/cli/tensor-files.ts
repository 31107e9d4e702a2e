/**
 * Tensor files for `nncc run`: raw little-endian data whose extension names the dtype (`.f32`,
 * `.f64`, `.i32`, `.i64`, `.u8`, `.bool`; any other extension is read as float32), shape taken
 * from the model, and NumPy `.npy` (version 1–3, C order, little-endian
 * float32/float64/int32/int64/int8/uint8/bool). Reads
 * check the element count against the expected shape and name the file on any mismatch.
 */
import { readFileSync } from 'node:fs';
import { writeOutputFile } from '../write-failure.js';
import { bytesPerElement, sizeOf, type DType, type Tensor, type TypedArray } from '../../runtime/tensor/tensor.js';
import { CompileError, codes } from '../diagnostics.js';

const npyDescr: Partial<Record<DType, string>> = {
  float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1', int8: '|i1', bool: '|b1',
};

export function readTensorFile(path: string, expected: { dtype: DType; dims: readonly number[] }): Tensor {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CompileError(codes.badInputFile, `cannot read (${(error as Error).message})`, { file: path });
  }
  const tensor = path.endsWith('.npy') ? parseNpy(bytes, path) : rawTensor(bytes, path, expected);
  if (sizeOf(tensor.dims) !== sizeOf(expected.dims) || tensor.dtype !== expected.dtype) {
    throw new CompileError(codes.badInputFile,
      `holds ${tensor.dtype}[${tensor.dims.join(',')}], the model expects ${expected.dtype}[${expected.dims.join(',')}]`, { file: path });
  }
  return { dtype: tensor.dtype, dims: [...expected.dims], data: tensor.data };
}

/**
 * The size along `axis` of the tensor a file holds, the other dims being `expected`'s (a bucket
 * set's input of any length): from a .npy's shape, or a raw file's byte count.
 */
export function lengthInTensorFile(path: string, expected: { dtype: DType; dims: readonly number[] }, axis: number): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CompileError(codes.badInputFile, `cannot read (${(error as Error).message})`, { file: path });
  }
  const others = sizeOf(expected.dims.filter((_, i) => i !== axis));
  const elements = path.endsWith('.npy') ? sizeOf(parseNpy(bytes, path).dims) : bytes.length / bytesPerElement(expected.dtype);
  const length = elements / others;
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new CompileError(codes.badInputFile, `holds ${elements} elements, not a whole number of [${expected.dims.map((d, i) => (i === axis ? '?' : d)).join(',')}] ${expected.dtype}`, { file: path });
  }
  return length;
}

/** The dtype a raw file's extension names. */
const rawExtensions: Readonly<Record<string, DType>> = {
  '.f32': 'float32', '.f64': 'float64', '.i32': 'int32', '.i64': 'int64', '.u8': 'uint8', '.bool': 'bool',
};

/** The raw-file extension that names `dtype` (`.i64` for int64), if one does. */
export function rawExtension(dtype: DType): string | undefined {
  return Object.entries(rawExtensions).find(([, d]) => d === dtype)?.[0];
}

function rawDType(path: string): { dtype: DType; named: boolean } {
  const extension = /\.[^./]+$/.exec(path)?.[0].toLowerCase() ?? '';
  const dtype = rawExtensions[extension];
  return dtype ? { dtype, named: true } : { dtype: 'float32', named: false };
}

function rawTensor(bytes: Buffer, path: string, expected: { dtype: DType; dims: readonly number[] }): Tensor {
  const { dtype, named } = rawDType(path);
  if (dtype !== expected.dtype) {
    const hint = `save it as raw ${rawExtension(expected.dtype) ?? '.npy'} or as .npy`;
    throw new CompileError(codes.badInputFile,
      `${named ? `its extension says ${dtype}` : `raw files without a dtype extension are float32`}, the model expects ${expected.dtype}`, { file: path }, hint);
  }
  const elementBytes = bytesPerElement(dtype);
  if (bytes.length !== sizeOf(expected.dims) * elementBytes) {
    throw new CompileError(codes.badInputFile, `holds ${bytes.length} bytes, expected ${sizeOf(expected.dims) * elementBytes} for ${dtype}[${expected.dims.join(',')}]`, { file: path });
  }
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return { dtype, dims: [...expected.dims], data: typedView(dtype, copy.buffer) };
}

function parseNpy(bytes: Buffer, path: string): Tensor {
  const fail = (why: string): never => { throw new CompileError(codes.badInputFile, `not a supported .npy file: ${why}`, { file: path }); };
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== '\x93NUMPY') fail('bad magic');
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) return fail('header lacks descr or shape');
  if (fortran) fail('Fortran order is not supported; save with C order');
  const dtype = (Object.keys(npyDescr) as DType[]).find((k) => npyDescr[k] === descr.replace('=', '<'));
  if (!dtype) return fail(`dtype ${descr} is not supported`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const dataStart = headerStart + headerLength;
  const elementBytes = bytesPerElement(dtype);
  if (bytes.length - dataStart !== sizeOf(dims) * elementBytes) fail('data length does not match its shape');
  const copy = new Uint8Array(bytes.length - dataStart);
  copy.set(bytes.subarray(dataStart));
  const data = typedView(dtype, copy.buffer);
  return { dtype, dims, data };
}

function typedView(dtype: DType, buffer: ArrayBuffer): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'int8': return new Int8Array(buffer);
    default: return new Uint8Array(buffer);
  }
}

export function writeTensorFile(path: string, tensor: Tensor): void {
  const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  if (!path.endsWith('.npy')) {
    writeOutputFile(path, raw);
    return;
  }
  const descr = npyDescr[tensor.dtype];
  if (!descr) throw new CompileError(codes.badInputFile, `cannot write dtype ${tensor.dtype} as .npy`, { file: path });
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  writeOutputFile(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), raw]));
}
