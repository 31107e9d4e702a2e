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
