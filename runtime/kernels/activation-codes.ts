/**
 * Fused activations as an epilogue code plus two parameters, the form wasm kernels take
 * (codes match wasm/assembly/activation.ts). The compiler computes them once, from the
 * activation's attributes and constant inputs, and stores them in the plan.
 */
import type { Attributes } from './kernel.js';
import type { ActivationArgs } from './variant.js';
import { UnsupportedError } from '../errors/errors.js';

export const noActivation: ActivationArgs = { code: 0, p0: 0, p1: 0 };

const float32Max = 3.4028234663852886e38;

/** `clipBounds`: Clip's min and max input values when they are given. */
export function activationArgs(op: string | undefined, attrs: Attributes, clipBounds: { min?: number; max?: number } = {}): ActivationArgs {
  const number = (name: string, fallback: number): number => (typeof attrs[name] === 'number' ? (attrs[name] as number) : fallback);
  switch (op) {
    case undefined: return noActivation;
    case 'Relu': return { code: 1, p0: 0, p1: 0 };
    case 'Clip': return { code: 2, p0: clipBounds.min ?? -float32Max, p1: clipBounds.max ?? float32Max };
    case 'LeakyRelu': return { code: 3, p0: number('alpha', 0.01), p1: 0 };
    case 'HardSigmoid': return { code: 4, p0: number('alpha', 0.2), p1: number('beta', 0.5) };
    case 'HardSwish': return { code: 5, p0: 0, p1: 0 };
    case 'Sigmoid': return { code: 6, p0: 0, p1: 0 };
    case 'Tanh': return { code: 7, p0: 0, p1: 0 };
    case 'Silu': return { code: 8, p0: 0, p1: 0 };
    case 'Gelu': return { code: attrs.approximate === 'tanh' ? 10 : 9, p0: 0, p1: 0 };
    default: throw new UnsupportedError(`no epilogue code for activation '${op}'`, 'fuse only the activations activation-codes.ts lists');
  }
}
