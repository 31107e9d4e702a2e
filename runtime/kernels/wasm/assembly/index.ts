// The wasm kernel module's exports. Every kernel works on raw pointers into the one shared
// memory the runtime plans; nothing here allocates.
export { activateInPlace } from './activation';
export { packA } from './tile';
export { convPrepareInput, convTapOffsets, convDirect } from './conv-direct';
export * from './conv-im2col';
export * from './conv-winograd';
export * from './conv-depthwise';
export * from './conv-depthwise-c4';
export * from './conv-pointwise-c4';
export * from './layout-c4';
export * from './conv-first';
export * from './pool';
export * from './pool-c4';
export * from './elementwise';
export * from './gemm';
export * from './normalization';
export * from './permute';

/** End of the module's static data; the runtime's planned memory starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
