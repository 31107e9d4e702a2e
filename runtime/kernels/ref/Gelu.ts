/**
 * Gelu (ONNX opset 20; also what passes/fuse-gelu makes of the exporter's Div-Erf-Add-Mul-Mul):
 * y = x/2 * (1 + erf(x/sqrt(2))), or with `approximate = "tanh"`
 * y = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))). Float32/float64, in double precision.
 */
import { KernelError } from '../../errors/errors.js';
import type { Attributes, ReferenceKernel } from '../kernel.js';
import { attrString } from '../kernel.js';
import { erf } from './Erf.js';
import type { FloatArray } from './unary.js';
import { inferFloatUnary, mapFloat } from './unary.js';

const sqrtHalf = Math.SQRT1_2;
const sqrtTwoOverPi = Math.sqrt(2 / Math.PI);

export function geluApproximation(attrs: Attributes): 'none' | 'tanh' {
  const approximate = attrString(attrs, 'approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new KernelError(`Gelu approximate '${approximate}' is not one of 'none', 'tanh'`);
  }
  return approximate;
}

function gelu(src: FloatArray, dst: FloatArray, attrs: Attributes): void {
  if (geluApproximation(attrs) === 'tanh') {
    for (let i = 0; i < src.length; i++) {
      const x = src[i];
      dst[i] = 0.5 * x * (1 + Math.tanh(sqrtTwoOverPi * (x + 0.044715 * x * x * x)));
    }
  } else {
    for (let i = 0; i < src.length; i++) dst[i] = 0.5 * src[i] * (1 + erf(src[i] * sqrtHalf));
  }
}

export const Gelu: ReferenceKernel = {
  op: 'Gelu',
  infer(inputs, attrs) {
    geluApproximation(attrs);
    return inferFloatUnary(inputs);
  },
  run: (inputs, attrs) => mapFloat(inputs, attrs, gelu),
};
