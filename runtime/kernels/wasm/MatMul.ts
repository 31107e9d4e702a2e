/**
 * MatMul in WebAssembly SIMD for float32 when B is one matrix (rank 2, or leading dims of 1):
 * A's leading dims fold into rows (A [..., M, K] · B [K, N] is one [M', K] · [K, N] product),
 * with a fused activation in the epilogue. `wasm.MatMul.packed` packs a constant B into panels
 * (the compiler picks it only then; lanes split its rows); `wasm.MatMul.naive` reads B as it is. Batched B (a distinct
 * matrix per batch) is left to the reference. The product kernels are Gemm's (Gemm.ts).
 */
import type { KernelVariant, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';
import { packTransform, packedParallel, productScratchBytes, runProduct, type MatrixProduct } from './Gemm.js';

function matMulProduct(shapes: StepShapes): MatrixProduct | undefined {
  const [a, b] = shapes.inputs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.dims.length < 1 || b.dims.length < 2) return undefined;
  if (shapes.outputs.length !== 1 || shapes.outputs[0].dtype !== 'float32') return undefined;
  if (b.dims.slice(0, -2).some((d) => d !== 1)) return undefined;
  const [K, N] = b.dims.slice(-2);
  if (a.dims[a.dims.length - 1] !== K || K === 0) return undefined;
  const M = sizeOf(a.dims) / K;
  return { M, K, N, aRowStride: K * 4, aColStride: 4, transB: false, alpha: 1, beta: 0 };
}

function matMulVariant(packed: boolean): KernelVariant {
  return {
    id: packed ? 'wasm.MatMul.packed' : 'wasm.MatMul.naive',
    op: 'MatMul',
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: true,
    usesWasm: true,
    appliesTo: (shapes) => matMulProduct(shapes) !== undefined,
    scratchBytes: (shapes) => productScratchBytes(matMulProduct(shapes)!, packed),
    ...(packed ? { transform: packTransform(matMulProduct) } : {}),
    run(memory, args) {
      runProduct(memory, args, matMulProduct(args.shapes)!, packed, args.inputs[0], args.inputs[1], -1);
    },
    ...(packed ? { parallel: packedParallel((shapes) => matMulProduct(shapes)!, (args) => [args.inputs[0], args.inputs[1], -1]) } : {}),
  };
}

export const matMulNaive = matMulVariant(false);
export const matMulPacked = matMulVariant(true);
