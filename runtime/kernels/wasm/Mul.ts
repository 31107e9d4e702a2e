/**
 * Mul in WebAssembly SIMD (`wasm.Mul.simd`): squeeze-excite gating ([1,C,H,W] × [1,C,1,1]) and
 * per-channel scales. Float32, same shapes or one operand broadcast along one run of axes (see
 * binary.ts); a fused activation is applied block by block.
 */
import { binaryVariant } from './binary.js';

export const mulSimd = binaryVariant('Mul');
