/**
 * Reads a bundle directory for `Session.create`: checks the manifest (format, kernel ABI, wasm
 * features, file names and sizes; the plan's CRC-32 always, or its sha256 in bundles of minor 0;
 * sha256 of the plan, the weights and every other listed file with `verify`), decodes and
 * checks the plan, and reads the weights straight into one buffer. Every refusal is a
 * `BundleError` naming the file and the expected vs actual value. Nothing here decides anything.
 */
import { closeSync, fstatSync, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { unpack } from 'msgpackr/unpack';
import { BundleError, runtimeCodes } from '../errors/errors.js';
import { kernelAbi } from '../kernels/catalogue.js';
import { nodeCrypto, nodeZlib } from '../node-builtins.js';
import type { Plan } from '../plan/plan.js';
import { bundleFileNames, bundleFormat, type BundleFileEntry, type Manifest } from './manifest.js';
import { checkPlan } from './check-plan.js';
import { isBucketSet } from './bucket-set.js';
import { checkedTierUpFunctions } from '../load/tier-up.js';

/** Engine features this runtime provides (relaxed SIMD where the engine has it: kernels/wasm/module.ts; bundles of earlier versions list it). */
const providedFeatures = ['wasm-simd', 'wasm-relaxed-simd', 'wasm-threads'];

/**
 * Bundle files must be regular files inside the bundle: a symbolic link could make the runtime
 * read (and, for weights, stream into memory) a file anywhere. A file that cannot be lstat-ed is
 * left to the read that follows, which reports why.
 */
function refuseSymlink(file: string): void {
  let isLink = false;
  try {
    isLink = lstatSync(file).isSymbolicLink();
  } catch {
    return;
  }
  if (isLink) {
    throw new BundleError(runtimeCodes.bundleUnreadable, file, 'is a symbolic link; bundle files must be regular files inside the bundle',
      'a regular file', 'a symbolic link');
  }
}

export function readManifest(dir: string): Manifest {
  const file = join(dir, bundleFileNames.manifest);
  refuseSymlink(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isBucketSet(dir)) {
      throw new BundleError(runtimeCodes.bundleUnreadable, file, 'this directory is a bucket set (buckets.json), not one bundle: '
        + 'load it with BucketedSession (nncc run takes it as it is), or name one of its bucket directories');
    }
    throw new BundleError(runtimeCodes.bundleUnreadable, file, `cannot read the bundle manifest (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new BundleError(runtimeCodes.manifestInvalid, file, `not valid JSON (${(error as Error).message})`);
  }
  checkManifest(manifest, file);
  return manifest;
}

/** Enforces the compatibility rule stated in the README's "Bundle format" section, then the manifest's shape. */
function checkManifest(m: Manifest, file: string): void {
  if (typeof m !== 'object' || m === null || typeof m.format !== 'object' || m.format === null) {
    throw new BundleError(runtimeCodes.manifestInvalid, file, 'no format section', bundleFormat.name, typeof m);
  }
  if (m.format.name !== bundleFormat.name || m.format.major !== bundleFormat.major) {
    throw new BundleError(runtimeCodes.formatMismatch, file, 'bundle format not supported by this runtime; recompile the model with a matching nncc',
      `${bundleFormat.name} ${bundleFormat.major}.x`, `${m.format.name} ${m.format.major}.${m.format.minor}`);
  }
  if (m.kernelAbi !== kernelAbi()) {
    throw new BundleError(runtimeCodes.kernelAbiMismatch, file, 'bundle built for other kernels; recompile it with this nncc version', kernelAbi(), String(m.kernelAbi));
  }
  if (!Array.isArray(m.requiredFeatures ?? [])) {
    throw new BundleError(runtimeCodes.manifestInvalid, file, 'requiredFeatures must be a list');
  }
  for (const feature of m.requiredFeatures ?? []) {
    if (!providedFeatures.includes(feature)) {
      throw new BundleError(runtimeCodes.featureMissing, file, `bundle needs engine feature '${feature}', which this runtime does not provide`,
        providedFeatures.join(', '), feature);
    }
  }
  if (!Array.isArray(m.files) || !Array.isArray(m.inputs) || !Array.isArray(m.outputs)) {
    throw new BundleError(runtimeCodes.manifestInvalid, file, 'files, inputs and outputs must be lists');
  }
  for (const spec of [...m.inputs, ...m.outputs]) {
    if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || typeof spec.dtype !== 'string'
      || !Array.isArray(spec.dims) || !spec.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new BundleError(runtimeCodes.manifestInvalid, file, 'every input and output needs a name, a dtype and dims', 'name, dtype, dims', JSON.stringify(spec));
    }
  }
  for (const entry of m.files) {
    if (typeof entry !== 'object' || entry === null) {
      throw new BundleError(runtimeCodes.manifestInvalid, file, 'every files[] entry must be an object', 'an object', JSON.stringify(entry));
    }
    if (typeof entry.path !== 'string' || !/^[A-Za-z0-9._-]+$/.test(entry.path) || entry.path.startsWith('.')) {
      throw new BundleError(runtimeCodes.manifestInvalid, file, 'a file name must be a plain name inside the bundle', 'a plain file name', JSON.stringify(entry.path));
    }
    if (!Number.isSafeInteger(entry.bytes) || entry.bytes < 0 || typeof entry.sha256 !== 'string') {
      throw new BundleError(runtimeCodes.manifestInvalid, file, `entry '${entry.path}' needs a byte count and a sha256`);
    }
    if (entry.crc32 !== undefined && (typeof entry.crc32 !== 'string' || !/^[0-9a-f]{8}$/.test(entry.crc32))) {
      throw new BundleError(runtimeCodes.manifestInvalid, file, `entry '${entry.path}' has a crc32 that is not 8 hex digits`, '8 hex digits', JSON.stringify(entry.crc32));
    }
  }
  // Minor 3's tier-up is applied before the plan is read, so its shape is checked here (load/tier-up.ts).
  if (m.tierUpFunctions !== undefined) m.tierUpFunctions = checkedTierUpFunctions(m.tierUpFunctions, file);
}

function entryFor(manifest: Manifest, dir: string, path: string): BundleFileEntry {
  const entry = manifest.files.find((f) => f.path === path);
  if (!entry) {
    throw new BundleError(runtimeCodes.manifestInvalid, join(dir, bundleFileNames.manifest), `no entry for '${path}'`);
  }
  return entry;
}

/**
 * Reads a bundle file the manifest lists whole, checking its size and, always, its CRC-32 (sha256
 * when the manifest has no CRC-32, and with `verify`).
 */
export function readListedFile(manifest: Manifest, dir: string, path: string, verify: boolean): Uint8Array {
  const entry = entryFor(manifest, dir, path);
  const file = join(dir, path);
  refuseSymlink(file);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new BundleError(runtimeCodes.bundleUnreadable, file, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (bytes.length !== entry.bytes) {
    throw new BundleError(runtimeCodes.fileSizeMismatch, file, 'size differs from the manifest', `${entry.bytes} bytes`, `${bytes.length} bytes`);
  }
  if (entry.crc32 !== undefined) {
    const crc = crc32(bytes);
    if (crc !== entry.crc32) throw new BundleError(runtimeCodes.hashMismatch, file, 'content differs from the manifest (CRC-32)', entry.crc32, crc);
  }
  if (entry.crc32 === undefined || verify) {
    const sha = sha256(bytes);
    if (sha !== entry.sha256) throw new BundleError(runtimeCodes.hashMismatch, file, 'content differs from the manifest', entry.sha256, sha);
  }
  return bytes;
}

export function readPlan(manifest: Manifest, dir: string, verify: boolean): Plan {
  const file = join(dir, bundleFileNames.plan);
  const bytes = readListedFile(manifest, dir, bundleFileNames.plan, verify);
  let plan: Plan;
  try {
    plan = unpack(bytes) as Plan;
  } catch (error) {
    throw new BundleError(runtimeCodes.planInvalid, file, `cannot decode (${(error as Error).message})`);
  }
  checkPlan(plan, manifest, file);
  return plan;
}

/** Opens the weights file after checking its size against the manifest and plan; the caller closes it. */
export function openWeights(manifest: Manifest, dir: string, planBytes: number): { fd: number; file: string } {
  const entry = entryFor(manifest, dir, bundleFileNames.weights);
  const file = join(dir, bundleFileNames.weights);
  refuseSymlink(file);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new BundleError(runtimeCodes.bundleUnreadable, file, `cannot open (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const size = fstatSync(fd).size;
  if (size !== entry.bytes || size !== planBytes) {
    closeSync(fd);
    throw new BundleError(runtimeCodes.fileSizeMismatch, file, 'size differs from the manifest and plan', `${entry.bytes} bytes`, `${size} bytes`);
  }
  return { fd, file };
}

/** Reads the whole weights file into `target` (its image in the planned memory) and checks its sha256. */
export function readVerifiedWeights(manifest: Manifest, dir: string, target: Uint8Array): void {
  const { fd, file } = openWeights(manifest, dir, target.length);
  try {
    let done = 0;
    while (done < target.length) {
      const n = readSync(fd, target, done, target.length - done, done);
      if (n === 0) throw new BundleError(runtimeCodes.fileSizeMismatch, file, 'file ended early', `${target.length} bytes`, `${done} bytes`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  const expected = entryFor(manifest, dir, bundleFileNames.weights).sha256;
  const sha = sha256(target);
  if (sha !== expected) throw new BundleError(runtimeCodes.hashMismatch, file, 'content differs from the manifest', expected, sha);
}

/**
 * Checks every file the manifest lists besides the plan and the weights (which loading reads and
 * checks itself): its size and sha256. `verify` loading runs it, so no listed file goes unchecked.
 */
export function verifyOtherListedFiles(manifest: Manifest, dir: string): void {
  for (const entry of manifest.files) {
    if (entry.path !== bundleFileNames.plan && entry.path !== bundleFileNames.weights) readListedFile(manifest, dir, entry.path, true);
  }
}

/** CRC-32 (zlib's) as 8 hex digits. */
export function crc32(bytes: Uint8Array): string {
  return nodeZlib().crc32(bytes).toString(16).padStart(8, '0');
}

export function sha256(bytes: Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(bytes).digest('hex');
}
