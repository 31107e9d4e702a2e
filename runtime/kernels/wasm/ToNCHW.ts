/** `wasm.ToNCHW.simd`: NC4HW4 → NCHW by 4×4 transposes, pad lanes dropped (layout-conversion.ts). */
import { layoutConversionOps } from '../variant.js';
import { layoutConversionVariant } from './layout-conversion.js';

export const toNCHWSimd = layoutConversionVariant(layoutConversionOps.toNCHW, 'NC4HW4', 'NCHW');
