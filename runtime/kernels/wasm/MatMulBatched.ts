/**
 * `wasm.MatMul.batched`: float32 MatMul of A [..., M, K] and B [..., K, N] (both rank ≥ 2) whose
 * batch dims broadcast (numpy rules), as attention writes Q·Kᵀ and P·V. Neither side is known
 * before the run, so each batch packs its B into 16-column panels and its A into 6-row panels in
 * scratch and runs Gemm's 6×8 tiles (Gemm.ts); a B shared by every batch is packed once. Packing
 * costs O(K·(M + N)) against the product's O(M·K·N). A fused activation runs in Gemm's epilogue.
 */
import type { KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { sizeOf, stridesOf } from '../../tensor/tensor.js';
import { broadcastDims } from '../ref/broadcast.js';
import { packedBytes } from './Gemm.js';

const tileM = 6;

interface BatchedProduct {
  M: number; K: number; N: number;
  /** For every output batch, the element offset of its A and B matrices. */
  aOffsets: number[];
  bOffsets: number[];
  /** Every batch reads the same B (packed once). */
  bShared: boolean;
}

/** Element offsets, in a tensor of batch dims `dims`, of each batch of the broadcast `outDims` (also Attention.ts's masks). */
export function batchOffsets(dims: readonly number[], outDims: readonly number[], matrixElements: number): number[] {
  const padded = [...new Array<number>(outDims.length - dims.length).fill(1), ...dims];
  const strides = stridesOf(padded).map((s, i) => (padded[i] === 1 ? 0 : s * matrixElements));
  const outStrides = stridesOf(outDims);
  return Array.from({ length: sizeOf(outDims) }, (_, batch) =>
    outDims.reduce((offset, _d, axis) => offset + Math.floor(batch / outStrides[axis]) % outDims[axis] * strides[axis], 0));
}

function batchedProduct(shapes: StepShapes): BatchedProduct | undefined {
  const [a, b] = shapes.inputs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.dims.length < 2 || b.dims.length < 2) return undefined;
  if (shapes.outputs.length !== 1 || shapes.outputs[0].dtype !== 'float32') return undefined;
  const [M, K] = a.dims.slice(-2);
  const [Kb, N] = b.dims.slice(-2);
  if (K !== Kb || K === 0 || M === 0 || N === 0) return undefined;
  const aBatch = a.dims.slice(0, -2), bBatch = b.dims.slice(0, -2);
  let outBatch: number[];
  try {
    outBatch = broadcastDims(aBatch, bBatch);
  } catch {
    return undefined;
  }
  return {
    M, K, N,
    aOffsets: batchOffsets(aBatch, outBatch, M * K),
    bOffsets: batchOffsets(bBatch, outBatch, K * N),
    bShared: sizeOf(bBatch) === 1,
  };
}

function scratchBytes(p: BatchedProduct): number {
  return packedBytes(p) + Math.ceil(p.M / tileM) * tileM * p.K * 4;
}

export const matMulBatched: KernelVariant = {
  id: 'wasm.MatMul.batched',
  op: 'MatMul',
  layoutVersion: 1,
  layout: { input: 'NCHW', output: 'NCHW' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: (shapes) => batchedProduct(shapes) !== undefined,
  scratchBytes: (shapes) => scratchBytes(batchedProduct(shapes)!),
  run(memory: KernelMemory, args: StepArgs) {
    const wasm = memory.wasm!;
    const { M, K, N, aOffsets, bOffsets, bShared } = batchedProduct(args.shapes)!;
    const packedB = args.scratch;
    const packedA = packedB + packedBytes({ K, N });
    const { code, p0, p1 } = args.activation;
    aOffsets.forEach((aOffset, batch) => {
      if (batch === 0 || !bShared) wasm.gemmPackB(args.inputs[1] + bOffsets[batch] * 4, K, N, 0, packedB);
      wasm.gemmPackA(args.inputs[0] + aOffset * 4, K * 4, 4, M, K, packedA);
      const out = args.outputs[0] + batch * M * N * 4;
      wasm.gemmTiles(packedA, packedB, K, M, N, out);
      if (code !== 0) wasm.gemmEpilogue(out, M, N, 1, 0, 0, 0, 0, code, p0, p1);
    });
  },
};
