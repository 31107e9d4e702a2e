/**
 * ScaledDotProductAttention (no ONNX operator: passes/fuse-attention makes it from the exporters'
 * MatMul → scale → mask → Softmax → MatMul): Y = softmax(scale · Q·Kᵀ + mask) · V over the last
 * axis, with Q [..., Sq, D], K already transposed as the exporters feed it (Kᵀ [..., D, Skv]),
 * V [..., Skv, Dv] and an optional additive mask broadcasting to [..., Sq, Skv]. The specification
 * is the decomposed form itself: this kernel composes the reference MatMul, Mul, Add and Softmax.
 */
import type { ReferenceKernel } from '../kernel.js';
import { attrFloat, expectDType, required } from '../kernel.js';
import { fromNumbers, type Tensor } from '../../tensor/tensor.js';
import { Add } from './Add.js';
import { MatMul } from './MatMul.js';
import { Mul } from './Mul.js';
import { Softmax } from './Softmax.js';

export const ScaledDotProductAttention: ReferenceKernel = {
  op: 'ScaledDotProductAttention',
  infer(inputs, attrs) {
    const [q, kt, v] = [0, 1, 2].map((i) => required(inputs, i, ['Q', 'K', 'V'][i]));
    expectDType(q.dtype, ['float32', 'float64'], 'ScaledDotProductAttention Q');
    const scores = MatMul.infer([q, kt], {})[0];
    const masked = inputs[3] ? Add.infer([scores, inputs[3]], {})[0] : scores;
    attrFloat(attrs, 'scale', 1);
    return MatMul.infer([masked, v], {});
  },
  run(inputs, attrs) {
    const [q, kt, v] = [0, 1, 2].map((i) => required(inputs, i, ['Q', 'K', 'V'][i])) as Tensor[];
    let scores = Mul.run([MatMul.run([q, kt], {})[0], fromNumbers(q.dtype, [], [attrFloat(attrs, 'scale', 1)])], {})[0];
    if (inputs[3]) scores = Add.run([scores, inputs[3]], {})[0];
    return MatMul.run([Softmax.run([scores], { axis: -1 })[0], v], {});
  },
};
