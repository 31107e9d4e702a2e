/**
 * The layout conversion variants' shared half (`wasm.ToNC4HW4.simd`, `wasm.ToNCHW.simd`): a
 * float32 4-D value, any N and C, from one activation layout to the other, its logical dims
 * unchanged. Lanes split the (image, channel block) pairs, or each image's pixels (in multiples of
 * 4) when there are fewer blocks than lanes.
 */
import type { ActivationLayout, KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { band } from './conv-input.js';

function part(kernel: 'toNC4HW4' | 'toNCHW', memory: KernelMemory, args: StepArgs,
  lane: number, lanes: number): void {
  const [N, C, H, W] = args.shapes.inputs[0]!.dims;
  const P = H * W;
  const blocks = Math.ceil(C / 4);
  const nchwImageBytes = C * P * 4;
  const c4ImageBytes = blocks * P * 16;
  const [inImageBytes, outImageBytes] = kernel === 'toNC4HW4' ? [nchwImageBytes, c4ImageBytes] : [c4ImageBytes, nchwImageBytes];
  const convert = (n: number, blockStart: number, blockEnd: number, pStart: number, pEnd: number): void =>
    memory.wasm![kernel](args.inputs[0] + n * inImageBytes, C, P, args.outputs[0] + n * outImageBytes, blockStart, blockEnd, pStart, pEnd);
  if (N * blocks >= lanes) {
    const [start, end] = band(N * blocks, lane, lanes, 1);
    for (let unit = start; unit < end;) {
      const n = Math.floor(unit / blocks);
      const blockEnd = Math.min(blocks, end - n * blocks);
      convert(n, unit - n * blocks, blockEnd, 0, P);
      unit = n * blocks + blockEnd;
    }
    return;
  }
  const [pStart, pEnd] = band(P, lane, lanes, 4);
  if (pStart >= pEnd) return;
  for (let n = 0; n < N; n++) convert(n, 0, blocks, pStart, pEnd);
}

export function layoutConversionVariant(op: 'ToNC4HW4' | 'ToNCHW', from: ActivationLayout, to: ActivationLayout): KernelVariant {
  const kernel = op === 'ToNC4HW4' ? 'toNC4HW4' : 'toNCHW';
  const appliesTo = (shapes: StepShapes): boolean => {
    const x = shapes.inputs[0];
    const y = shapes.outputs[0];
    return !!x && !!y && shapes.inputs.length === 1 && shapes.outputs.length === 1 && x.dtype === 'float32'
      && x.dims.length === 4;
  };
  const run = (memory: KernelMemory, args: StepArgs, lane: number, lanes: number) => part(kernel, memory, args, lane, lanes);
  return {
    id: `wasm.${op}.simd`,
    op,
    layoutVersion: 1,
    layout: { input: from, output: to },
    fusesActivation: false,
    usesWasm: true,
    appliesTo,
    scratchBytes: () => 0,
    run: (memory, args) => run(memory, args, 0, 1),
    parallel: { prelude: () => {}, part: run },
  };
}
