/**
 * The two builds of the wasm kernel module (module.ts loads them): `relaxed` (relaxed SIMD, fused
 * multiply-add) and `portable` (SIMD only). Types alone, so that the runtime's public
 * declarations (the manifest's) name them without the module loader.
 */
export type KernelModuleKind = 'relaxed' | 'portable';

/** Per build, the functions to compile with the optimizing compiler as soon as the module is (load/tier-up.ts). */
export type EagerFunctions = Partial<Record<KernelModuleKind, readonly number[]>>;
