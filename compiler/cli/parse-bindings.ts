/**
 * Parses `name=value` flags (`--dim`, `--input`, `--output`) into maps, with clear errors.
 */
import { CompileError, codes } from '../diagnostics.js';

export function parseDimBindings(flags: readonly string[]): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const flag of flags) {
    const [name, value] = flag.split('=');
    const size = Number(value);
    if (!name || !Number.isSafeInteger(size) || size <= 0) {
      throw new CompileError(codes.badOption, `--dim '${flag}' must be name=<positive integer>`, {}, 'e.g. --dim batch_size=1');
    }
    dims[name] = size;
  }
  return dims;
}

/** `--buckets dim=a,b,c`: the dimension and its sizes (positive integers). */
export function parseBuckets(flag: string): { dim: string; sizes: number[] } {
  const eq = flag.indexOf('=');
  const dim = flag.slice(0, eq);
  const sizes = flag.slice(eq + 1).split(',').map((s) => Number(s.trim()));
  if (eq <= 0 || !sizes.length || sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw new CompileError(codes.badOption, `--buckets '${flag}' must be name=<size>,<size>,…`, {}, 'e.g. --buckets sequence=32,64,128');
  }
  return { dim, sizes };
}

/** `--pad name=value` pairs (finite numbers). */
export function parsePads(flags: readonly string[]): Record<string, number> {
  const pads: Record<string, number> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const value = Number(flag.slice(eq + 1));
    if (eq <= 0 || flag.slice(eq + 1).trim() === '' || !Number.isFinite(value)) {
      throw new CompileError(codes.badOption, `--pad '${flag}' must be name=<number>`, {}, 'e.g. --pad input_ids=0');
    }
    pads[flag.slice(0, eq)] = value;
  }
  return pads;
}

/** `name=path` pairs; a bare `path` is allowed when there is exactly one name to give it. */
export function parseFileBindings(flags: readonly string[], names: readonly string[], flag: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of flags) {
    const eq = entry.indexOf('=');
    if (eq < 0) {
      if (names.length !== 1) {
        throw new CompileError(codes.badOption, `${flag} '${entry}' needs a name: the model has ${names.join(', ')}`, {}, `use ${flag} <name>=<file>`);
      }
      files.set(names[0], entry);
      continue;
    }
    const name = entry.slice(0, eq);
    if (!names.includes(name)) {
      throw new CompileError(codes.badOption, `${flag} names '${name}', which the model does not have`, {}, `names: ${names.join(', ')}`);
    }
    files.set(name, entry.slice(eq + 1));
  }
  return files;
}
