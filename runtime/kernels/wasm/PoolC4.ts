/**
 * `wasm.GlobalAveragePool.simd-c4`: GlobalAveragePool of a 4-D float32 NC4HW4 activation (any N
 * and C) into an NCHW [N, C, 1, 1] output, four channels a vector (assembly/pool-c4.ts); only
 * the C real channels are written. One lane: it reads the input once and writes little.
 */
import type { KernelVariant } from '../variant.js';

export const globalAveragePoolSimdC4: KernelVariant = {
  id: 'wasm.GlobalAveragePool.simd-c4',
  op: 'GlobalAveragePool',
  layoutVersion: 1,
  layout: { input: 'NC4HW4', output: 'NCHW' },
  fusesActivation: false,
  usesWasm: true,
  appliesTo: (shapes) => {
    const x = shapes.inputs[0];
    const y = shapes.outputs[0];
    return !!x && !!y && x.dtype === 'float32' && x.dims.length === 4 && shapes.outputs.length === 1;
  },
  scratchBytes: () => 0,
  run(memory, args) {
    const [N, C, H, W] = args.shapes.inputs[0]!.dims;
    const P = H * W;
    for (let n = 0; n < N; n++) {
      memory.wasm!.globalAveragePoolC4(args.inputs[0] + n * Math.ceil(C / 4) * P * 16, C, P, args.outputs[0] + n * C * 4);
    }
  },
};
