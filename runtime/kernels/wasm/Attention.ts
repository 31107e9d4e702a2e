/**
 * `wasm.ScaledDotProductAttention.tiles`: float32 Y = softmax(scale · Q·Kᵀ + mask) · V per batch
 * (Q [..., Sq, D], Kᵀ [..., D, Skv], V [..., Skv, Dv] of one batch shape; the mask broadcasting to
 * [..., Sq, Skv], its last dim Skv or 1 is left to the reference, rows Sq or 1). Each batch packs Kᵀ
 * and Q for Gemm's 6×8 tiles, writes the scores into scratch, scales, masks and normalises them
 * row by row there (assembly/normalization.ts softmaxRows), then packs V and the probabilities and
 * multiplies: the scores never become a value of the plan.
 */
import { attrFloat } from '../kernel.js';
import type { KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';
import { packedBytes } from './Gemm.js';
import { batchOffsets } from './MatMulBatched.js';

const tileM = 6;

interface AttentionShape {
  batches: number; Sq: number; D: number; Skv: number; Dv: number;
  /** Per batch, the mask's element offset, and the bytes between its rows (0: one row for all). */
  maskOffsets?: number[];
  maskRowBytes: number;
}

function attentionShape(shapes: StepShapes): AttentionShape | undefined {
  const [q, kt, v, mask] = shapes.inputs;
  if (!q || !kt || !v || [q, kt, v].some((t) => t.dtype !== 'float32' || t.dims.length < 2) || shapes.outputs.length !== 1) return undefined;
  const batch = q.dims.slice(0, -2);
  if (kt.dims.slice(0, -2).join() !== batch.join() || v.dims.slice(0, -2).join() !== batch.join()) return undefined;
  const [Sq, D] = q.dims.slice(-2);
  const [Dk, Skv] = kt.dims.slice(-2);
  const [Skv2, Dv] = v.dims.slice(-2);
  if (D !== Dk || Skv !== Skv2 || [Sq, D, Skv, Dv].some((n) => n === 0)) return undefined;
  const shape = { batches: sizeOf(batch), Sq, D, Skv, Dv, maskRowBytes: 0 };
  if (!mask) return shape;
  if (mask.dtype !== 'float32' || mask.dims.length > q.dims.length) return undefined;
  const aligned = [...new Array<number>(q.dims.length - mask.dims.length).fill(1), ...mask.dims];
  const [rows, cols] = aligned.slice(-2);
  const maskBatch = aligned.slice(0, -2);
  if (cols !== Skv || (rows !== 1 && rows !== Sq) || maskBatch.some((d, i) => d !== 1 && d !== batch[i])) return undefined;
  return { ...shape, maskOffsets: batchOffsets(maskBatch, batch, rows * cols), maskRowBytes: rows === 1 ? 0 : cols * 4 };
}

function layout(s: AttentionShape): { packedB: number; packedA: number; scores: number; total: number } {
  const packedB = Math.max(packedBytes({ K: s.D, N: s.Skv }), packedBytes({ K: s.Skv, N: s.Dv }));
  const packedA = Math.ceil(s.Sq / tileM) * tileM * Math.max(s.D, s.Skv) * 4;
  const scores = s.Sq * s.Skv * 4;
  return { packedB, packedA, scores, total: packedB + packedA + scores };
}

export const attentionTiles: KernelVariant = {
  id: 'wasm.ScaledDotProductAttention.tiles',
  op: 'ScaledDotProductAttention',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: false,
  usesWasm: true,
  appliesTo: (shapes) => attentionShape(shapes) !== undefined,
  scratchBytes: (shapes) => layout(attentionShape(shapes)!).total,
  run(memory: KernelMemory, args: StepArgs) {
    const wasm = memory.wasm!;
    const s = attentionShape(args.shapes)!;
    const { packedB, packedA } = layout(s);
    const packB = args.scratch;
    const packA = packB + packedB;
    const scores = packA + packedA;
    const scale = attrFloat(args.shapes.attrs, 'scale', 1);
    const [q, kt, v, mask] = args.inputs;
    for (let b = 0; b < s.batches; b++) {
      wasm.gemmPackB(kt + b * s.D * s.Skv * 4, s.D, s.Skv, 0, packB);
      wasm.gemmPackA(q + b * s.Sq * s.D * 4, s.D * 4, 4, s.Sq, s.D, packA);
      wasm.gemmTiles(packA, packB, s.D, s.Sq, s.Skv, scores);
      const maskAt = s.maskOffsets && mask !== undefined && mask >= 0 ? mask + s.maskOffsets[b] * 4 : 0;
      wasm.softmaxRows(scores, s.Sq, s.Skv, scale, maskAt, s.maskRowBytes, scores);
      wasm.gemmPackB(v + b * s.Skv * s.Dv * 4, s.Skv, s.Dv, 0, packB);
      wasm.gemmPackA(scores, s.Skv * 4, 4, s.Sq, s.Skv, packA);
      wasm.gemmTiles(packA, packB, s.Skv, s.Sq, s.Dv, args.outputs[0] + b * s.Sq * s.Dv * 4);
    }
  },
};
