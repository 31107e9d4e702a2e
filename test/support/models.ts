/**
 * Small models tests build in code: three 3×3 convolutions of 32 channels with Relu — on the
 * synthetic Pixel 5 Winograd is too slow to transform cold but fastest warm (continuous
 * inference), and at 56² they are large enough to split across lanes.
 */
import { randomTensor, seededRandom } from '../../compiler/random.js';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';

export interface ThreeConvsOptions {
  name: string;
  seed: number;
  /** Height and width of the input (default 28). */
  size?: number;
  /** Scale of the seeded random weights (default 0.05). */
  weightScale?: number;
}

/** ONNX bytes of x [1, 32, size, size] → (Conv 3×3 pad 1 → Relu) × 3, nodes named a, b, c. */
export function threeConvsModel({ name, seed, size = 28, weightScale = 0.05 }: ThreeConvsOptions): Uint8Array {
  const b = new OnnxModelBuilder(name, 13);
  const random = seededRandom(seed);
  let h = b.input('x', 'float32', [1, 32, size, size]);
  for (const node of ['a', 'b', 'c']) {
    const w = b.initializer(`${node}.w`, randomTensor(random, [32, 32, 3, 3], weightScale));
    h = b.op('Relu', [b.op('Conv', [h, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, node)]);
  }
  b.output(h);
  return b.toBytes();
}
