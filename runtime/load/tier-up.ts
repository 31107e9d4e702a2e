/**
 * Kernel tier-up at load. V8 compiles a wasm function on its first call with its baseline
 * compiler (Liftoff: loops 3–5× slower than optimized code here) and recompiles it with its
 * optimizing one (TurboFan), in the background, only after it has used up a tiering budget; a call
 * already under way stays on the baseline code, and wasm has no on-stack replacement. Left alone,
 * the first run's first steps run on baseline code: measured on squeezenet1_1, its first
 * convolution took 4.9 ms on the first run and 0.9 ms on later ones.
 *
 * So the compiler lists in the manifest (`tierUpFunctions`, bundle minor 3), for each build of
 * the kernels, the wasm functions the plan's first run calls (compiler/bundle/first-run-functions.ts).
 * Load compiles the kernel module (`compileKernelModule`) right after reading the manifest, before
 * the plan, with those functions hinted "lazy baseline, eager top tier"
 * (kernels/wasm/compilation-hints.ts): V8's background threads optimize them while this thread
 * reads and checks the plan, makes the memory and binds the steps, and the first run starts on
 * optimized code. This thread runs nothing for it. The first session of a process decides how its
 * kernels are compiled: a later bundle's list has no effect.
 *
 * Minor 2 listed tiny problems to run instead (`tierUp`); this runtime ignores them, as any
 * runtime ignores fields it does not know.
 */
import { BundleError, runtimeCodes } from '../errors/errors.js';
import { kernelModuleKinds } from '../kernels/wasm/module.js';
import type { EagerFunctions } from '../kernels/wasm/builds.js';

/** The most functions a list may name (the kernels have about a hundred). */
export const maxTierUpFunctions = 1024;

/**
 * The manifest's `tierUpFunctions`, checked: an object whose entries for the builds this runtime
 * knows are lists of at most `maxTierUpFunctions` function indices (NNCC201 otherwise). Entries
 * for builds it does not know are left out.
 */
export function checkedTierUpFunctions(value: unknown, file: string): EagerFunctions {
  const refuse = (): never => {
    throw new BundleError(runtimeCodes.manifestInvalid, file, 'tierUpFunctions is malformed; recompile the model with nncc',
      `per kernel build, a list of at most ${maxTierUpFunctions} function indices`, JSON.stringify(value)?.slice(0, 200));
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse();
  const lists = value as Record<string, unknown>;
  const checked: EagerFunctions = {};
  for (const kind of kernelModuleKinds) {
    const list = lists[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > maxTierUpFunctions || !list.every((f) => Number.isSafeInteger(f) && f >= 0)) refuse();
    checked[kind] = list as number[];
  }
  return checked;
}
