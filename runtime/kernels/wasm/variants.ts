/**
 * The WebAssembly backend's kernel variants, in the compiler's order of preference per operator
 * (the first that applies and fits the layouts wins without a profile). A new variant is its file
 * in this folder (signature, weight transform, scratch and entry points), its AssemblyScript
 * source under assembly/, and one line here; test/unit/kernels/variants.test.ts then fails until
 * it has sample cases compared with the reference kernel.
 */
import type { KernelVariant } from '../variant.js';
import { convDirect, convDirectPacked } from './Conv.js';
import { convIm2colSgemm } from './ConvIm2col.js';
import { convFirstC3NC4HW4 } from './ConvFirst.js';
import { convWinogradF23, convWinogradF43, convWinogradF63 } from './ConvWinograd.js';
import { convDepthwise3x3NC4HW4, convDepthwise3x3C4, convDepthwise3x3s1, convDepthwise3x3s2, convDepthwise5x5s1, convDepthwise5x5s2, convDepthwise } from './ConvDepthwise.js';
import { convGrouped, convGroupedPacked } from './ConvGrouped.js';
import { maxPoolSimd, averagePoolSimd, globalMaxPoolSimd, globalAveragePoolSimd } from './Pool.js';
import { addSimd } from './Add.js';
import { subSimd } from './Sub.js';
import { mulSimd } from './Mul.js';
import { divSimd } from './Div.js';
import { sumSimd } from './Sum.js';
import { reluSimd, leakyReluSimd, sigmoidSimd, hardSigmoidSimd, hardSwishSimd, tanhSimd, siluSimd, geluSimd, clipSimd } from './Activations.js';
import { concatCopy } from './Concat.js';
import { gemmNaive, gemmPacked } from './Gemm.js';
import { matMulNaive, matMulPacked } from './MatMul.js';
import { matMulBatched } from './MatMulBatched.js';
import { layerNormSimdRows, softmaxSimdRows } from './Normalization.js';
import { transposePermute } from './Transpose.js';
import { attentionTiles } from './Attention.js';
import { convPointwiseC4 } from './ConvPointwiseC4.js';
import { toNC4HW4Simd } from './ToNC4HW4.js';
import { toNCHWSimd } from './ToNCHW.js';
import { addSimdC4, mulSimdC4, reluSimdC4, clipSimdC4 } from './ElementwiseC4.js';
import { globalAveragePoolSimdC4 } from './PoolC4.js';

export const wasmVariants: KernelVariant[] = [
  convWinogradF43,
  convDirectPacked,
  convFirstC3NC4HW4,
  convIm2colSgemm,
  convDirect,
  convPointwiseC4,
  convWinogradF23,
  convWinogradF63,
  convDepthwise3x3NC4HW4,
  convDepthwise3x3C4,
  convDepthwise3x3s1,
  convDepthwise3x3s2,
  convDepthwise5x5s1,
  convDepthwise5x5s2,
  convDepthwise,
  convGroupedPacked,
  convGrouped,
  gemmPacked,
  gemmNaive,
  matMulPacked,
  matMulNaive,
  matMulBatched,
  maxPoolSimd,
  averagePoolSimd,
  globalMaxPoolSimd,
  globalAveragePoolSimd,
  globalAveragePoolSimdC4,
  addSimd,
  addSimdC4,
  subSimd,
  mulSimdC4,
  mulSimd,
  divSimd,
  sumSimd,
  reluSimd,
  reluSimdC4,
  leakyReluSimd,
  sigmoidSimd,
  hardSigmoidSimd,
  hardSwishSimd,
  tanhSimd,
  siluSimd,
  geluSimd,
  clipSimd,
  clipSimdC4,
  softmaxSimdRows,
  attentionTiles,
  layerNormSimdRows,
  concatCopy,
  transposePermute,
  toNC4HW4Simd,
  toNCHWSimd,
];
