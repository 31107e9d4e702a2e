/** `wasm.ToNC4HW4.simd`: NCHW → NC4HW4 by 4×4 transposes, zeros in a ragged last block's pad lanes (layout-conversion.ts). */
import { layoutConversionOps } from '../variant.js';
import { layoutConversionVariant } from './layout-conversion.js';

export const toNC4HW4Simd = layoutConversionVariant(layoutConversionOps.toNC4HW4, 'NCHW', 'NC4HW4');
