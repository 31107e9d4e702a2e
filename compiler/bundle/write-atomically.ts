/**
 * Writes a directory atomically: `fill` writes it as a temporary directory beside the target
 * (`temp-dirs.ts` names it), which is then renamed into place, replacing an old one only once the
 * new one is complete. A killed writer leaves the old directory, the new one, or (killed between
 * the two renames of a replacement) none, never half of one; a failure removes the temporary
 * directory, puts the old one back and throws NNCC160 naming the path and the cause. Bundles
 * (write-bundle.ts) and bucket sets (../buckets.ts) are written this way.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { CompileError, codes } from '../diagnostics.js';
import { describeWriteFailure, makeDirectory } from '../write-failure.js';
import { removeStaleTempDirs, tempDirFor } from './temp-dirs.js';

/** `fill(temp, writing)`: writes the directory's contents into `temp`, naming each file it starts with `writing(name)` (for the error). */
export function writeDirectoryAtomically(target: string, what: string, fill: (temp: string, writing: (name: string) => void) => void): void {
  const temp = tempDirFor(target);
  const old = `${temp}.old`;
  let writing = '';
  makeDirectory(dirname(target));
  try {
    removeStaleTempDirs(target);
    mkdirSync(temp);
    fill(temp, (name) => { writing = ` writing ${name}`; });
    writing = '';
    if (existsSync(target)) {
      renameSync(target, old);
      renameSync(temp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, target);
    }
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    if (error instanceof CompileError) throw error;
    const failure = describeWriteFailure(error, target);
    throw new CompileError(codes.bundleWrite, `cannot write the ${what}${writing}: ${failure ? `${failure.what} (${failure.code})` : (error as Error).message}`,
      { file: target }, failure?.hint ?? 'check free disk space and permissions of the output directory');
  }
}
