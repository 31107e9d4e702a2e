/**
 * The shared half of the float activations (Relu, LeakyRelu, Sigmoid, HardSigmoid, HardSwish,
 * Tanh): `inferFloatUnary` checks the input is float32/float64 and gives its type and shape back;
 * `mapFloat` allocates the output and runs the operator's whole-array loop once, so the per-element
 * work is a plain loop in the operator's own file.
 */
import type { Attributes, InputInfo } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import type { DType, Tensor, ValueInfo } from '../../tensor/tensor.js';
import { allocData } from '../../tensor/tensor.js';

export type FloatArray = Float32Array | Float64Array;

/** Writes f(src[i]) to dst[i] for every i; both arrays have the same length. */
export type FloatLoop = (src: FloatArray, dst: FloatArray, attrs: Attributes) => void;

export const floatTypes: readonly DType[] = ['float32', 'float64'];

export function inferFloatUnary(inputs: readonly (InputInfo | undefined)[]): ValueInfo[] {
  const x = required(inputs, 0, 'X');
  expectDType(x.dtype, floatTypes, 'input X');
  return [{ dtype: x.dtype, dims: [...x.dims] }];
}

export function mapFloat(inputs: readonly (Tensor | undefined)[], attrs: Attributes, loop: FloatLoop): Tensor[] {
  const x = required(inputs, 0, 'X');
  expectDType(x.dtype, floatTypes, 'input X');
  const out = allocData(x.dtype, x.data.length) as FloatArray;
  loop(x.data as FloatArray, out, attrs);
  return [{ dtype: x.dtype, dims: [...x.dims], data: out }];
}
