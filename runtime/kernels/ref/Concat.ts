/**
 * Concat: joins one or more inputs of one dtype and rank along attribute `axis` (negative counts
 * from the end); all other dims must match. Any dtype. Each input is copied as blocks of
 * dims[axis:] elements, so concatenating NCHW activations on channels is one copy per input per
 * batch item.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, InputInfo, ReferenceKernel } from '../kernel.js';
import { attrInt, normaliseAxis } from '../kernel.js';
import type { Tensor, ValueInfo } from '../../tensor/tensor.js';
import { allocData, formatDims, sizeOf } from '../../tensor/tensor.js';

function concatInfo(inputs: readonly (InputInfo | Tensor | undefined)[], attrs: Attributes): { info: ValueInfo; axis: number } {
  const present = inputs.filter((t): t is InputInfo | Tensor => t !== undefined);
  if (present.length === 0) throw new KernelError('Concat needs at least one input');
  const first = present[0];
  const axis = normaliseAxis(attrInt(attrs, 'axis'), first.dims.length);
  const dims = [...first.dims];
  dims[axis] = 0;
  for (const t of present) {
    const matches = t.dims.length === dims.length && t.dims.every((d, i) => i === axis || d === dims[i]);
    if (t.dtype !== first.dtype) throw new KernelError(`inputs have different dtypes: ${first.dtype} and ${t.dtype}`);
    if (!matches) throw new KernelError(`cannot concatenate ${formatDims(first.dims)} and ${formatDims(t.dims)} on axis ${axis}`);
    dims[axis] += t.dims[axis];
  }
  return { info: { dtype: first.dtype, dims }, axis };
}

export const Concat: ReferenceKernel = {
  op: 'Concat',
  infer: (inputs, attrs) => [concatInfo(inputs, attrs).info],
  run(inputs, attrs) {
    const { info, axis } = concatInfo(inputs, attrs);
    const out = allocData(info.dtype, sizeOf(info.dims));
    const outer = sizeOf(info.dims.slice(0, axis));
    const outBlock = sizeOf(info.dims.slice(axis));
    let offset = 0;
    for (const t of inputs) {
      if (t === undefined) continue;
      const block = sizeOf(t.dims.slice(axis));
      // Typed-array set needs matching element kinds, which equal dtypes guarantee.
      const src = t.data as Float64Array;
      for (let o = 0; o < outer; o++) (out as Float64Array).set(src.subarray(o * block, (o + 1) * block), o * outBlock + offset);
      offset += block;
    }
    return [{ ...info, data: out }];
  },
};
