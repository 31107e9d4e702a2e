/**
 * Gather: picks slices of `data` along attribute `axis` (default 0) at the int32/int64 `indices`
 * (negative counts from the end). Output dims are data[:axis] + indices + data[axis+1:]. Any data
 * dtype; each picked slice is one block copy.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrInt, expectDType, normaliseAxis, required } from '../kernel.js';
import type { ValueInfo } from '../../tensor/tensor.js';
import { allocData, sizeOf, toNumbers } from '../../tensor/tensor.js';

function gatherInfo(data: ValueInfo, indices: ValueInfo, attrs: Attributes): { info: ValueInfo; axis: number } {
  expectDType(indices.dtype, ['int32', 'int64'], 'indices');
  const axis = normaliseAxis(attrInt(attrs, 'axis', 0), data.dims.length);
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  return { info: { dtype: data.dtype, dims }, axis };
}

export const Gather: ReferenceKernel = {
  op: 'Gather',
  infer: (inputs, attrs) => [gatherInfo(required(inputs, 0, 'data'), required(inputs, 1, 'indices'), attrs).info],
  run(inputs, attrs) {
    const data = required(inputs, 0, 'data');
    const indices = required(inputs, 1, 'indices');
    const { info, axis } = gatherInfo(data, indices, attrs);
    const axisLength = data.dims[axis];
    const picks = toNumbers(indices).map((index) => {
      if (index < -axisLength || index >= axisLength) throw new KernelError(`index ${index} is out of range for axis ${axis} of length ${axisLength}`);
      return index < 0 ? index + axisLength : index;
    });
    const outer = sizeOf(data.dims.slice(0, axis));
    const block = sizeOf(data.dims.slice(axis + 1));
    const out = allocData(data.dtype, sizeOf(info.dims)) as Float64Array;
    const src = data.data as Float64Array; // element kind is irrelevant to copying
    let o = 0;
    for (let outerIndex = 0; outerIndex < outer; outerIndex++) {
      const base = outerIndex * axisLength * block;
      for (const pick of picks) {
        out.set(src.subarray(base + pick * block, base + (pick + 1) * block), o);
        o += block;
      }
    }
    return [{ ...info, data: out }];
  },
};
