/**
 * Dropout at inference: the output is the data unchanged and the optional mask output is all true
 * (bool, data's shape). Inputs: data, optional `ratio`, optional bool `training_mode`. Training
 * with a non-zero ratio draws a random mask, which a reference kernel cannot reproduce, so it is a
 * KernelError. Both outputs are always given; the executor binds those the node names.
 */
import { KernelError, UnsupportedError } from '../../errors/errors.js';
import type { ReferenceKernel } from '../kernel.js';
import { required } from '../kernel.js';
import type { Tensor } from '../../tensor/tensor.js';
import { numberAt } from '../../tensor/tensor.js';

const defaultRatio = 0.5;

/** Throws if these ratio and training_mode values would drop elements at random. */
function checkDeterministic(ratio: Tensor | undefined, trainingMode: Tensor | undefined): void {
  const training = trainingMode !== undefined && numberAt(trainingMode, 0) !== 0;
  const dropRatio = ratio === undefined ? defaultRatio : numberAt(ratio, 0);
  if (training && dropRatio !== 0) {
    throw new UnsupportedError(`training-mode Dropout with ratio ${dropRatio} needs a random mask`,
      'export the model for inference, or set training_mode to false');
  }
}

export const Dropout: ReferenceKernel = {
  op: 'Dropout',
  infer(inputs) {
    const x = required(inputs, 0, 'data');
    const ratio = inputs[1];
    const trainingMode = inputs[2];
    if (trainingMode?.value !== undefined && (ratio === undefined || ratio.value !== undefined)) {
      checkDeterministic(ratio?.value, trainingMode.value);
    }
    return [{ dtype: x.dtype, dims: [...x.dims] }, { dtype: 'bool', dims: [...x.dims] }];
  },
  run(inputs) {
    const x = required(inputs, 0, 'data');
    checkDeterministic(inputs[1], inputs[2]);
    const mask = new Uint8Array(x.data.length).fill(1);
    return [x, { dtype: 'bool', dims: [...x.dims], data: mask }];
  },
};
