/**
 * Constant: no inputs; one output holding the value of whichever attribute is set: `value` (a
 * tensor), `value_float` / `value_int` (float32 / int64 scalars) or `value_floats` / `value_ints`
 * (float32 / int64 1-D). String and sparse values are not supported.
 */
import { KernelError, UnsupportedError } from '../../errors/errors.js';
import type { AttributeValue, Attributes, ReferenceKernel } from '../kernel.js';
import { attrFloat, attrInt, attrInts } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fromNumbers } from '../../tensor/tensor.js';

const supported = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'];
const unsupported = ['value_string', 'value_strings', 'sparse_value'];

/** Whether an attribute holds a tensor (as `value` does), rather than numbers or strings. */
export function isTensorAttribute(v: AttributeValue): v is Tensor {
  return typeof v === 'object' && !Array.isArray(v) && 'dtype' in v;
}

function constantValue(attrs: Attributes): Tensor {
  const present = Object.keys(attrs).filter((name) => supported.includes(name) || unsupported.includes(name));
  if (present.length !== 1) {
    throw new KernelError(`Constant needs exactly one value attribute, got ${present.length ? present.join(', ') : 'none'}`);
  }
  const name = present[0];
  switch (name) {
    case 'value': {
      const v = attrs.value;
      if (!isTensorAttribute(v)) throw new KernelError(`attribute 'value' must be a tensor`);
      return v;
    }
    case 'value_float': return fromNumbers('float32', [], [attrFloat(attrs, name)]);
    case 'value_int': return fromNumbers('int64', [], [attrInt(attrs, name)]);
    case 'value_floats': {
      const values = attrInts(attrs, name);
      return fromNumbers('float32', [values.length], values);
    }
    case 'value_ints': {
      const values = attrInts(attrs, name);
      return fromNumbers('int64', [values.length], values);
    }
    default: throw new UnsupportedError(`attribute '${name}' (string or sparse constants) is not supported`);
  }
}

export const Constant: ReferenceKernel = {
  op: 'Constant',
  infer(_inputs, attrs) {
    const v = constantValue(attrs);
    return [{ dtype: v.dtype, dims: [...v.dims] }];
  },
  run: (_inputs, attrs) => [constantValue(attrs)],
};
