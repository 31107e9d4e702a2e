/**
 * Add in WebAssembly SIMD (`wasm.Add.simd`): the residual Add of ResNets, its Relu fused, and
 * per-channel bias-like adds. Float32, same shapes or one operand broadcast along one run of
 * axes (see binary.ts); a fused activation is applied block by block.
 */
import { binaryVariant } from './binary.js';

export const addSimd = binaryVariant('Add');
