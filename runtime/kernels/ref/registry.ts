/**
 * The one list of reference kernels, keyed by ONNX op type. Adding an operator means adding its
 * file under `ref/`, one line here, and a test. Registering an op twice throws.
 */
import type { ReferenceKernel } from '../kernel.js';
import { Add } from './Add.js';
import { AveragePool } from './AveragePool.js';
import { BatchNormalization } from './BatchNormalization.js';
import { Cast } from './Cast.js';
import { Ceil } from './Ceil.js';
import { Clip } from './Clip.js';
import { Concat } from './Concat.js';
import { Constant } from './Constant.js';
import { ConstantOfShape } from './ConstantOfShape.js';
import { Conv } from './Conv.js';
import { Div } from './Div.js';
import { Dropout } from './Dropout.js';
import { Equal } from './Equal.js';
import { Erf } from './Erf.js';
import { Exp } from './Exp.js';
import { Expand } from './Expand.js';
import { Flatten } from './Flatten.js';
import { Gather } from './Gather.js';
import { Gelu } from './Gelu.js';
import { Gemm } from './Gemm.js';
import { GlobalAveragePool } from './GlobalAveragePool.js';
import { GlobalMaxPool } from './GlobalMaxPool.js';
import { Greater } from './Greater.js';
import { HardSigmoid } from './HardSigmoid.js';
import { HardSwish } from './HardSwish.js';
import { Identity } from './Identity.js';
import { LayerNormalization } from './LayerNormalization.js';
import { LeakyRelu } from './LeakyRelu.js';
import { Less } from './Less.js';
import { LRN } from './LRN.js';
import { MatMul } from './MatMul.js';
import { MaxPool } from './MaxPool.js';
import { Mul } from './Mul.js';
import { Neg } from './Neg.js';
import { Pad } from './Pad.js';
import { Pow } from './Pow.js';
import { Range } from './Range.js';
import { Reciprocal } from './Reciprocal.js';
import { ReduceMax } from './ReduceMax.js';
import { ReduceMean } from './ReduceMean.js';
import { ReduceSum } from './ReduceSum.js';
import { Relu } from './Relu.js';
import { Reshape } from './Reshape.js';
import { ScaledDotProductAttention } from './ScaledDotProductAttention.js';
import { Shape } from './Shape.js';
import { Sigmoid } from './Sigmoid.js';
import { Size } from './Size.js';
import { Silu } from './Silu.js';
import { Slice } from './Slice.js';
import { Softmax } from './Softmax.js';
import { Split } from './Split.js';
import { Sqrt } from './Sqrt.js';
import { Squeeze } from './Squeeze.js';
import { Sub } from './Sub.js';
import { Sum } from './Sum.js';
import { Tanh } from './Tanh.js';
import { Transpose } from './Transpose.js';
import { Unsqueeze } from './Unsqueeze.js';
import { Where } from './Where.js';
import { KernelError } from '../../errors/errors.js';

const kernels: ReferenceKernel[] = [
  Add,
  AveragePool,
  BatchNormalization,
  Cast,
  Ceil,
  Clip,
  Concat,
  Constant,
  ConstantOfShape,
  Conv,
  Div,
  Dropout,
  Equal,
  Erf,
  Exp,
  Expand,
  Flatten,
  Gather,
  Gelu,
  Gemm,
  GlobalAveragePool,
  GlobalMaxPool,
  Greater,
  HardSigmoid,
  HardSwish,
  Identity,
  LayerNormalization,
  LeakyRelu,
  Less,
  LRN,
  MatMul,
  MaxPool,
  Mul,
  Neg,
  Pad,
  Pow,
  Range,
  Reciprocal,
  ReduceMax,
  ReduceMean,
  ReduceSum,
  Relu,
  Reshape,
  ScaledDotProductAttention,
  Shape,
  Sigmoid,
  Silu,
  Size,
  Slice,
  Softmax,
  Split,
  Sqrt,
  Squeeze,
  Sub,
  Sum,
  Tanh,
  Transpose,
  Unsqueeze,
  Where,
];

const byOp = new Map<string, ReferenceKernel>();
for (const kernel of kernels) {
  if (byOp.has(kernel.op)) throw new KernelError(`reference kernel for '${kernel.op}' registered twice`, 'register one reference kernel per op');
  byOp.set(kernel.op, kernel);
}

export function referenceKernel(op: string): ReferenceKernel | undefined {
  return byOp.get(op);
}

export function supportedOps(): string[] {
  return [...byOp.keys()].sort();
}
