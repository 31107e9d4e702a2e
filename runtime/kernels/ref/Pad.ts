/**
 * Pad: grows (or, with negative pads, crops) each axis. Inputs: data, int64 `pads` laid out as
 * [begin_0, ..., begin_k, end_0, ..., end_k], optional scalar `constant_value` (default 0) and
 * optional `axes` (opset 18; default all axes, negative allowed). Attribute `mode` is constant,
 * reflect, edge or wrap. `infer` needs pads and axes to be constants. Any dtype.
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo, ReferenceKernel } from '../kernel.js';
import { attrString, normaliseAxis, required } from '../kernel.js';
import type { Tensor, TypedArray } from '../../tensor/tensor.js';
import { allocData, formatDims, isBigIntType, sizeOf, stridesOf, toNumbers } from '../../tensor/tensor.js';

type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';
const modes: readonly PadMode[] = ['constant', 'reflect', 'edge', 'wrap'];

/** Begin and end pad of every axis, from the pads and axes inputs. */
function padsPerAxis(rank: number, pads: Tensor, axes: Tensor | undefined): { begin: number[]; end: number[] } {
  const values = toNumbers(pads);
  const axisList = axes ? toNumbers(axes).map((a) => normaliseAxis(a, rank, 'pad axis')) : Array.from({ length: rank }, (_, i) => i);
  if (values.length !== 2 * axisList.length) {
    throw new KernelError(`pads has ${values.length} values; expected ${2 * axisList.length} (two per padded axis)`);
  }
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axisList.forEach((axis, i) => {
    begin[axis] = values[i];
    end[axis] = values[i + axisList.length];
  });
  return { begin, end };
}

function paddedDims(inDims: readonly number[], begin: number[], end: number[]): number[] {
  const dims = inDims.map((d, i) => d + begin[i] + end[i]);
  if (dims.some((d) => d < 0)) throw new KernelError(`pads crop ${formatDims(inDims)} below zero size`);
  return dims;
}

function padMode(mode: string): PadMode {
  if (!(modes as readonly string[]).includes(mode)) throw new KernelError(`mode '${mode}' is not one of ${modes.join(', ')}`);
  return mode as PadMode;
}

/** For each output index along one axis, the input index it copies, or -1 for the constant. */
function sourceIndices(inDim: number, outDim: number, begin: number, mode: PadMode): Int32Array {
  const table = new Int32Array(outDim);
  const period = 2 * (inDim - 1);
  for (let i = 0; i < outDim; i++) {
    const j = i - begin;
    if (j >= 0 && j < inDim) table[i] = j;
    else if (mode === 'constant') table[i] = -1;
    else if (inDim === 0) throw new KernelError(`mode '${mode}' cannot pad an empty axis`);
    else if (mode === 'edge') table[i] = j < 0 ? 0 : inDim - 1;
    else if (mode === 'wrap') table[i] = ((j % inDim) + inDim) % inDim;
    else if (inDim === 1) table[i] = 0;
    else {
      const k = ((j % period) + period) % period;
      table[i] = k < inDim ? k : period - k;
    }
  }
  return table;
}

function constantValue(x: Tensor, value: Tensor | undefined): number | bigint {
  if (value === undefined) return isBigIntType(x.dtype) ? 0n : 0;
  if (value.dtype !== x.dtype) throw new KernelError(`constant_value has dtype ${value.dtype} but data has ${x.dtype}`);
  if (value.data.length !== 1) throw new KernelError(`constant_value must be a scalar, got ${value.data.length} elements`);
  return value.data[0];
}

/** Fills `out` row by row (rows run along the last axis) from the per-axis index tables. */
function gatherRows(x: Tensor, tables: Int32Array[], dims: readonly number[], out: TypedArray): void {
  const rank = dims.length;
  const inStrides = stridesOf(x.dims);
  const inner = tables[rank - 1];
  const rowLength = dims[rank - 1];
  const rows = rowLength === 0 ? 0 : out.length / rowLength;
  const counters = new Array<number>(rank - 1).fill(0);
  // Copies never look at values, so bigint data may travel under a number type.
  const src = x.data as Float64Array;
  const dst = out as Float64Array;
  for (let row = 0; row < rows; row++) {
    let rowStart = 0;
    for (let d = 0; d < rank - 1 && rowStart >= 0; d++) {
      const j = tables[d][counters[d]];
      rowStart = j < 0 ? -1 : rowStart + j * inStrides[d];
    }
    if (rowStart >= 0) {
      const o = row * rowLength;
      for (let i = 0; i < rowLength; i++) {
        const j = inner[i];
        if (j >= 0) dst[o + i] = src[rowStart + j];
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++counters[d] < dims[d]) break;
      counters[d] = 0;
    }
  }
}

function constantPadInputs(inputs: readonly (InputInfo | undefined)[]): { pads: Tensor; axes: Tensor | undefined } {
  const pads = required(inputs, 1, 'pads').value;
  if (pads === undefined) throw new KernelError('input 1 (pads) must be a constant to infer the output shape');
  const axes = inputs[3];
  if (axes !== undefined && axes.value === undefined) throw new KernelError('input 3 (axes) must be a constant to infer the output shape');
  return { pads, axes: axes?.value };
}

export const Pad: ReferenceKernel = {
  op: 'Pad',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    padMode(attrString(attrs, 'mode', 'constant'));
    const { pads, axes } = constantPadInputs(inputs);
    const { begin, end } = padsPerAxis(x.dims.length, pads, axes);
    return [{ dtype: x.dtype, dims: paddedDims(x.dims, begin, end) }];
  },
  run(inputs, attrs) {
    const x = required(inputs, 0, 'data');
    const mode = padMode(attrString(attrs, 'mode', 'constant'));
    const { begin, end } = padsPerAxis(x.dims.length, required(inputs, 1, 'pads'), inputs[3]);
    const dims = paddedDims(x.dims, begin, end);
    const out = allocData(x.dtype, sizeOf(dims));
    if (dims.length === 0) {
      (out as Float64Array).set(x.data as Float64Array);
      return [{ dtype: x.dtype, dims, data: out }];
    }
    const fill = constantValue(x, inputs[2]);
    if (mode === 'constant' && fill !== 0 && fill !== 0n) (out as Float64Array).fill(fill as number);
    const tables = dims.map((d, axis) => sourceIndices(x.dims[axis], d, begin[axis], mode));
    gatherRows(x, tables, dims, out);
    return [{ dtype: x.dtype, dims, data: out }];
  },
};
