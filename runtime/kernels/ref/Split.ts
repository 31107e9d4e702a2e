/**
 * Split: cuts the input along attribute `axis` (default 0) into parts whose sizes come from the
 * optional int64 input 1 (`split`), or else into `num_outputs` equal parts (the last one smaller if
 * the dim does not divide; the importer sets `num_outputs` from the node's output count when an
 * older opset split equally). `infer` needs `split` to be a constant. Any dtype.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, InputInfo, ReferenceKernel } from '../kernel.js';
import { attrInt, normaliseAxis, required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { allocData, formatDims, sizeOf, toNumbers } from '../../tensor/tensor.js';

function partSizes(dim: number, split: Tensor | undefined, attrs: Attributes): number[] {
  if (split !== undefined) {
    const sizes = toNumbers(split);
    if (sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== dim) {
      throw new KernelError(`split sizes ${formatDims(sizes)} do not add up to the axis length ${dim}`);
    }
    return sizes;
  }
  const count = attrInt(attrs, 'num_outputs', 0);
  if (count < 1) {
    throw new KernelError('Split needs input 1 (split) or attribute num_outputs',
      'the importer sets num_outputs from the node\'s output count');
  }
  const size = Math.ceil(dim / count);
  return Array.from({ length: count }, (_, i) => Math.max(0, Math.min(size, dim - i * size)));
}

function splitValue(inputs: readonly (InputInfo | undefined)[]): Tensor | undefined {
  const split = inputs[1];
  if (split === undefined) return undefined;
  if (split.value === undefined) throw new KernelError('input 1 (split) must be a constant to infer the output shapes');
  return split.value;
}

export const Split: ReferenceKernel = {
  op: 'Split',
  infer(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    const axis = normaliseAxis(attrInt(attrs, 'axis', 0), x.dims.length);
    return partSizes(x.dims[axis], splitValue(inputs), attrs).map((size) => {
      const dims = [...x.dims];
      dims[axis] = size;
      return { dtype: x.dtype, dims };
    });
  },
  run(inputs, attrs) {
    const x = required(inputs, 0, 'input');
    const axis = normaliseAxis(attrInt(attrs, 'axis', 0), x.dims.length);
    const outer = sizeOf(x.dims.slice(0, axis));
    const inner = sizeOf(x.dims.slice(axis + 1));
    const inBlock = x.dims[axis] * inner;
    const src = x.data as Float64Array; // element kind is irrelevant to copying
    let offset = 0;
    return partSizes(x.dims[axis], inputs[1], attrs).map((size) => {
      const dims = [...x.dims];
      dims[axis] = size;
      const block = size * inner;
      const out = allocData(x.dtype, outer * block) as Float64Array;
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * inBlock + offset, o * inBlock + offset + block), o * block);
      offset += block;
      return { dtype: x.dtype, dims, data: out };
    });
  },
};
