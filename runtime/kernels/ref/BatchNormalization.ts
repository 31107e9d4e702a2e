/**
 * ONNX BatchNormalization in inference mode (opsets 9-15): X (N x C x D1..Dn, or N x C) with
 * per-channel scale, B, mean and var of length C gives
 * Y = (X - mean) / sqrt(var + epsilon) * scale + B. Float32/float64; the per-channel inputs may
 * be either float type (opset 15 allows them to differ from X). Only Y is produced: training mode
 * (opset 14+ `training_mode`, or the running-statistics outputs of older opsets) is not supported.
 */
import { KernelError, UnsupportedError } from '../../errors/errors.js';
import { allocData, formatDims, sizeOf, type Tensor, type ValueInfo } from '../../tensor/tensor.js';
import { attrFloat, attrInt, expectDType, required, type Attributes, type ReferenceKernel } from '../kernel.js';

const channelInputs = ['scale', 'B', 'input_mean', 'input_var'] as const;

function check(inputs: readonly (ValueInfo | undefined)[], attrs: Attributes): ValueInfo {
  if (attrInt(attrs, 'training_mode', 0) !== 0) {
    throw new UnsupportedError(
      'BatchNormalization with training_mode=1 is not supported',
      'export the model in inference (eval) mode',
    );
  }
  if (attrInt(attrs, 'spatial', 1) !== 1) {
    throw new UnsupportedError('BatchNormalization with spatial=0 (opset 7-8 per-activation statistics) is not supported');
  }
  const x = required(inputs, 0, 'X');
  expectDType(x.dtype, ['float32', 'float64'], 'BatchNormalization input X');
  if (x.dims.length < 2) throw new UnsupportedError(`BatchNormalization input X must have rank >= 2, got ${formatDims(x.dims)}`);
  const channels = x.dims[1];
  channelInputs.forEach((name, i) => {
    const info = required(inputs, i + 1, name);
    expectDType(info.dtype, ['float32', 'float64'], `BatchNormalization input ${name}`);
    if (info.dims.length !== 1 || info.dims[0] !== channels) {
      throw new UnsupportedError(`BatchNormalization input ${name} has dims ${formatDims(info.dims)}; expected [${channels}]`);
    }
  });
  return x;
}

export const BatchNormalization: ReferenceKernel = {
  op: 'BatchNormalization',

  infer(inputs, attrs) {
    const x = check(inputs, attrs);
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },

  run(inputs, attrs) {
    check(inputs, attrs);
    const x = required(inputs, 0, 'X');
    const [scale, bias, mean, variance] = channelInputs.map((name, i) => required(inputs, i + 1, name).data);
    const epsilon = attrFloat(attrs, 'epsilon', 1e-5);
    const channels = x.dims[1];
    const spatial = sizeOf(x.dims.slice(2));
    const y = allocData(x.dtype, x.data.length) as Float32Array | Float64Array;
    const xData = x.data as Float32Array | Float64Array;
    for (let start = 0, c = 0; start < xData.length; start += spatial, c = (c + 1) % channels) {
      const mu = Number(mean[c]);
      const factor = Number(scale[c]) / Math.sqrt(Number(variance[c]) + epsilon);
      const shift = Number(bias[c]);
      for (let i = start; i < start + spatial; i++) y[i] = (xData[i] - mu) * factor + shift;
    }
    const out: Tensor = { dtype: x.dtype, dims: [...x.dims], data: y };
    return [out];
  },
};
