/**
 * The oldest opset at which each supported operator has the semantics nncc implements. A model
 * may declare any opset from 1 to 20; a node whose operator changed meaning after the model's
 * opset (Add's legacy `broadcast` attribute before 7, say) is refused by name.
 */
export const implementedSince: Readonly<Record<string, number>> = {
  Add: 7, Sub: 7, Mul: 7, Div: 7, Sum: 6, Gemm: 7, MatMul: 1,
  Conv: 1, BatchNormalization: 7, MaxPool: 1, AveragePool: 7, GlobalAveragePool: 1, GlobalMaxPool: 1, LRN: 1,
  Relu: 6, LeakyRelu: 6, Sigmoid: 6, Tanh: 6, HardSigmoid: 6, HardSwish: 14, Clip: 6, Softmax: 1,
  Flatten: 1, Reshape: 5, Transpose: 1, Concat: 4, Split: 2, Slice: 1, Pad: 2, Gather: 1, Shape: 1,
  Squeeze: 1, Unsqueeze: 1, ReduceMean: 1, Identity: 1, Dropout: 7, Constant: 1, ConstantOfShape: 9,
  Cast: 6, Range: 11, Pow: 7, Sqrt: 6, Exp: 6, Neg: 6, Reciprocal: 6, Erf: 9, Equal: 11, Less: 9, Greater: 9,
  Where: 9, Expand: 8, ReduceSum: 1, ReduceMax: 1, LayerNormalization: 17, Gelu: 20,
  Size: 1, Ceil: 6,
};
