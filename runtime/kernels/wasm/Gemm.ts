/**
 * Gemm in WebAssembly SIMD for float32: Y = act(alpha·A'·B' + beta·C), any transA/transB, C
 * broadcast (scalar, [N], [1, N], [M, 1], [M, N]) or omitted, a fused activation in the epilogue.
 *
 * - `wasm.Gemm.naive`: raw B, no transform. With transB (the usual classifier layout, B [N, K])
 *   each output is a SIMD dot product over a contiguous row of B; without, SIMD over 16 columns.
 * - `wasm.Gemm.packed`: B packed into 16-column panels interleaved over K (the transform), so a
 *   matrix-vector product reads B as one stream; with M > 1 the 6×8 tile runs over the panels,
 *   and lanes split the rows in bands of 6.
 *
 * `MatrixProduct` and `runProduct` are shared with MatMul.ts.
 */
import { attrFloat, attrInt } from '../kernel.js';
import type { KernelMemory, KernelVariant, ParallelRun, StepArgs, StepShapes, WeightTransform } from '../variant.js';
import { band } from './conv-input.js';
import type { ValueInfo } from '../../tensor/tensor.js';

const panelN = 16;
const tileM = 6;

/** Y[M, N] = A'[M, K] · B'[K, N] as the kernels read it. */
export interface MatrixProduct {
  M: number; K: number; N: number;
  /** A'[m, k] is at byte a + m·aRowStride + k·aColStride. */
  aRowStride: number; aColStride: number;
  /** Raw B is stored [N, K] (read transposed). */
  transB: boolean;
  alpha: number;
  beta: number;
  /** C's element strides (floats) over [M, N], 0 along broadcast axes; absent without C. */
  c?: { rowStride: number; colStride: number };
}

/** C's strides when it broadcasts one way to [M, N] (float32, rank ≤ 2), else undefined. */
function biasStrides(c: ValueInfo, M: number, N: number): { rowStride: number; colStride: number } | undefined {
  if (c.dtype !== 'float32' || c.dims.length > 2) return undefined;
  const rows = c.dims.length === 2 ? c.dims[0] : 1;
  const cols = c.dims.length >= 1 ? c.dims[c.dims.length - 1] : 1;
  if ((rows !== 1 && rows !== M) || (cols !== 1 && cols !== N)) return undefined;
  return { rowStride: rows === 1 ? 0 : cols, colStride: cols === 1 ? 0 : 1 };
}

function gemmProduct(shapes: StepShapes): MatrixProduct | undefined {
  const [a, b, c] = shapes.inputs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.dims.length !== 2 || b.dims.length !== 2) return undefined;
  if (shapes.outputs.length !== 1 || shapes.outputs[0].dtype !== 'float32') return undefined;
  const transA = attrInt(shapes.attrs, 'transA', 0) !== 0;
  const transB = attrInt(shapes.attrs, 'transB', 0) !== 0;
  const [M, K] = transA ? [a.dims[1], a.dims[0]] : a.dims;
  const [Kb, N] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (K !== Kb) return undefined;
  const bias = c === undefined ? undefined : biasStrides(c, M, N);
  if (c !== undefined && !bias) return undefined;
  return {
    M, K, N,
    aRowStride: transA ? 4 : K * 4, aColStride: transA ? M * 4 : 4,
    transB,
    alpha: attrFloat(shapes.attrs, 'alpha', 1),
    beta: attrFloat(shapes.attrs, 'beta', 1),
    c: bias,
  };
}

/** Bytes of B packed into panels (the transform's output). */
export function packedBytes(p: Pick<MatrixProduct, 'K' | 'N'>): number {
  return Math.ceil(p.N / panelN) * panelN * p.K * 4;
}

export function packTransform(productOf: (shapes: StepShapes) => MatrixProduct | undefined): WeightTransform {
  return {
    input: 1,
    packedBytes: (shapes) => packedBytes(productOf(shapes)!),
    run(memory, shapes, raw, packed) {
      const p = productOf(shapes)!;
      memory.wasm!.gemmPackB(raw, p.K, p.N, p.transB ? 1 : 0, packed);
    },
  };
}

/** Scratch of the naive path (A' transposed to rows for the dot products) or of the packed tile path. */
export function productScratchBytes(p: MatrixProduct, packed: boolean): number {
  if (!packed) return p.transB && p.M > 1 && p.aColStride !== 4 ? p.M * p.K * 4 : 0;
  return p.M > 1 ? Math.ceil(p.M / tileM) * tileM * p.K * 4 : 0;
}

/**
 * Rows [m0, m1) of the packed product (m0 a multiple of the tile's 6 rows): each lane packs its
 * own rows of A into its part of the scratch, runs the tiles over all of B, then the epilogue on
 * its rows. A one-row product (gemv) runs whole in the lane given row 0.
 */
function packedRows(memory: KernelMemory, args: StepArgs, p: MatrixProduct, a: number, b: number, c: number, m0: number, m1: number): void {
  if (m0 >= m1) return;
  const wasm = memory.wasm!;
  const rows = m1 - m0;
  const out = args.outputs[0] + m0 * p.N * 4;
  const rowsA = a + m0 * p.aRowStride;
  if (p.M > 1) {
    const panel = args.scratch + m0 * p.K * 4;
    wasm.gemmPackA(rowsA, p.aRowStride, p.aColStride, rows, p.K, panel);
    wasm.gemmTiles(panel, b, p.K, rows, p.N, out);
  } else {
    wasm.gemvPacked(rowsA, p.aRowStride, p.aColStride, rows, b, p.K, p.N, out);
  }
  epilogue(memory, args, p, out, rows, c < 0 || !p.c ? -1 : c + m0 * p.c.rowStride * 4);
}

function epilogue(memory: KernelMemory, args: StepArgs, p: MatrixProduct, out: number, rows: number, c: number): void {
  const { code, p0, p1 } = args.activation;
  const withC = p.c !== undefined && c >= 0;
  if (p.alpha !== 1 || withC || code !== 0) {
    memory.wasm!.gemmEpilogue(out, rows, p.N, p.alpha, withC ? c : 0, p.c?.rowStride ?? 0, p.c?.colStride ?? 0, p.beta, code, p0, p1);
  }
}

/** The packed product split across lanes by bands of 6-row tiles. */
export function packedParallel(productOf: (shapes: StepShapes) => MatrixProduct, inputsOf: (args: StepArgs) => [number, number, number]): ParallelRun {
  return {
    prelude: () => {},
    part(memory, args, lane, lanes) {
      const p = productOf(args.shapes);
      const [a, b, c] = inputsOf(args);
      const [m0, m1] = band(p.M, lane, lanes, tileM);
      packedRows(memory, args, p, a, b, c, m0, m1);
    },
  };
}

/** Runs the product on A at `a`, B (raw or packed) at `b`, C at `c` (-1: none), into `out`. */
export function runProduct(memory: KernelMemory, args: StepArgs, p: MatrixProduct, packed: boolean, a: number, b: number, c: number): void {
  if (packed) {
    packedRows(memory, args, p, a, b, c, 0, p.M);
    return;
  }
  const wasm = memory.wasm!;
  const out = args.outputs[0];
  if (p.transB) {
    // The dot products want A's rows contiguous; a transposed A with one row already is.
    const rowsContiguous = p.aColStride === 4 || p.M === 1;
    if (!rowsContiguous) wasm.transposeMatrix(a, p.K, p.M, args.scratch);
    wasm.gemvRows(rowsContiguous ? a : args.scratch, p.K * 4, p.M, b, p.K, p.N, out);
  } else {
    wasm.gemvColumns(a, p.aRowStride, p.aColStride, p.M, b, p.K, p.N, out);
  }
  epilogue(memory, args, p, out, p.M, c);
}

function gemmVariant(packed: boolean): KernelVariant {
  return {
    id: packed ? 'wasm.Gemm.packed' : 'wasm.Gemm.naive',
    op: 'Gemm',
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: true,
    usesWasm: true,
    appliesTo: (shapes) => gemmProduct(shapes) !== undefined,
    scratchBytes: (shapes) => productScratchBytes(gemmProduct(shapes)!, packed),
    ...(packed ? { transform: packTransform(gemmProduct) } : {}),
    run(memory, args) {
      runProduct(memory, args, gemmProduct(args.shapes)!, packed, args.inputs[0], args.inputs[1], args.inputs[2] ?? -1);
    },
    ...(packed ? { parallel: packedParallel((shapes) => gemmProduct(shapes)!, (args) => [args.inputs[0], args.inputs[1], args.inputs[2] ?? -1]) } : {}),
  };
}

export const gemmNaive = gemmVariant(false);
export const gemmPacked = gemmVariant(true);
