/**
 * The functions the wasm kernel module exports (assembly/index.ts), typed for the TypeScript side.
 * The build derives the types from the kernels' AssemblyScript signatures
 * (runtime/build/build-kernels.mjs writes exports.generated.d.ts); test/unit/kernels/wasm/exports.test.ts
 * checks them against both built modules.
 */
export type { KernelExports } from './exports.generated.js';
