/**
 * NC4HW4's pad lanes (the last block's lanes past C) hold any finite values. The test harness
 * packs them as zeros; `padLanesChecked` makes a variant see large finite garbage there instead,
 * and checks that the pad lanes it writes stay finite — so a kernel that lets an input's pad
 * lanes into a real channel, or writes NaN or Infinity where a consumer multiplies by zero, fails.
 */
import assert from 'node:assert/strict';
import type { KernelVariant } from '../../runtime/kernels/variant.js';
import type { ValueInfo } from '../../runtime/tensor/tensor.js';

/** Byte offsets of every pad lane of an NC4HW4 float32 value at `at` (none when C is a multiple of 4). */
function padLaneOffsets(info: ValueInfo, at: number): number[] {
  const [N, C, H, W] = info.dims;
  const blocks = Math.ceil(C / 4);
  const plane = H * W;
  const offsets: number[] = [];
  for (let n = 0; n < N; n++) {
    const last = (n * blocks + blocks - 1) * plane * 16;
    for (let p = 0; p < plane; p++) {
      for (let lane = C % 4 || 4; lane < 4; lane++) offsets.push(at + last + p * 16 + lane * 4);
    }
  }
  return offsets;
}

export function padLanesChecked(variant: KernelVariant): KernelVariant {
  return {
    ...variant,
    run: (memory, args) => {
      const floats = new DataView(memory.buffer);
      args.shapes.inputs.forEach((info, i) => {
        if (info?.layout !== 'NC4HW4' || args.inputs[i] < 0) return;
        padLaneOffsets(info, args.inputs[i]).forEach((at, k) => floats.setFloat32(at, (k % 2 ? -3e30 : 7e29) + k, true));
      });
      variant.run(memory, args);
      args.shapes.outputs.forEach((info, i) => {
        if (info.layout !== 'NC4HW4') return;
        for (const at of padLaneOffsets(info, args.outputs[i])) {
          assert.ok(Number.isFinite(floats.getFloat32(at, true)), `${variant.id} wrote ${floats.getFloat32(at, true)} in a pad lane, at ${at}`);
        }
      });
    },
  };
}
