/**
 * The functions the wasm kernel module exports (assembly/index.ts), typed for the TypeScript
 * side: one interface per assembly file, in exports/.
 */
import type { ConvDirectExports } from './exports/conv-direct.js';
import type { ConvIm2colExports } from './exports/conv-im2col.js';
import type { ConvWinogradExports } from './exports/conv-winograd.js';
import type { ConvDepthwiseExports } from './exports/conv-depthwise.js';
import type { ConvFirstExports } from './exports/conv-first.js';
import type { PoolExports } from './exports/pool.js';
import type { ElementwiseExports } from './exports/elementwise.js';
import type { GemmExports } from './exports/gemm.js';
import type { ConvPointwiseC4Exports } from './exports/conv-pointwise-c4.js';
import type { LayoutC4Exports } from './exports/layout-c4.js';
import type { PoolC4Exports } from './exports/pool-c4.js';

export interface KernelExports extends ConvDirectExports, ConvIm2colExports, ConvWinogradExports, ConvDepthwiseExports,
  ConvFirstExports, PoolExports, ElementwiseExports, GemmExports, ConvPointwiseC4Exports, LayoutC4Exports, PoolC4Exports {}
