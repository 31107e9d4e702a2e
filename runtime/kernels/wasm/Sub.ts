/**
 * Sub in WebAssembly SIMD (`wasm.Sub.simd`), e.g. input normalisation (x − mean) with a
 * per-channel or scalar operand, on either side. Float32, same shapes or one operand broadcast
 * along one run of axes (see binary.ts); a fused activation is applied block by block.
 */
import { binaryVariant } from './binary.js';

export const subSimd = binaryVariant('Sub');
