/**
 * The shared half of the comparisons (Equal, Less, Greater): two inputs of one dtype with numpy
 * broadcasting give a bool tensor. Number and bigint arrays compare alike in JavaScript, so one
 * pair of loops serves every dtype; Equal also takes bool.
 */
import { KernelError } from '../../errors/errors.js';
import type { InputInfo, ReferenceKernel } from '../kernel.js';
import { expectDType, required } from '../kernel.js';
import type { DType, ValueInfo } from '../../tensor/tensor.js';
import { arithmeticTypes, broadcastBinary, broadcastDims, type BinaryLoops } from './broadcast.js';

type Test = (a: number, b: number) => boolean;

function loopsOf(test: Test): BinaryLoops<Float64Array> {
  return {
    same(out, a, b, n) {
      for (let i = 0; i < n; i++) out[i] = test(a[i], b[i]) ? 1 : 0;
    },
    strided(out, a, b, o, ai, aStep, bi, bStep, n) {
      for (let i = 0; i < n; i++) out[o + i] = test(a[ai + i * aStep], b[bi + i * bStep]) ? 1 : 0;
    },
  };
}

export function comparisonKernel(op: string, test: Test, dtypes: readonly DType[] = arithmeticTypes): ReferenceKernel {
  const loops = loopsOf(test);
  const infer = (inputs: readonly (InputInfo | undefined)[]): ValueInfo[] => {
    const a = required(inputs, 0, 'A');
    const b = required(inputs, 1, 'B');
    expectDType(a.dtype, dtypes, `${op} input A`);
    if (b.dtype !== a.dtype) throw new KernelError(`${op} inputs have different dtypes: ${a.dtype} and ${b.dtype}`);
    return [{ dtype: 'bool', dims: broadcastDims(a.dims, b.dims) }];
  };
  return {
    op,
    infer,
    run(inputs) {
      infer(inputs);
      // Bigint arrays travel under the number type: the tests compare either kind correctly.
      return [broadcastBinary(required(inputs, 0, 'A'), required(inputs, 1, 'B'), loops as BinaryLoops<never>, 'bool')];
    },
  };
}
