/**
 * Names of the temporary directories the bundle writer fills beside its target before the
 * atomic rename (`write-bundle.ts`): `.<bundle>.tmp-<pid>-<ms>` and, while an old bundle is being
 * replaced, `.<bundle>.tmp-<pid>-<ms>.old`. Hidden, and never named like a bundle. A compile
 * killed before its rename leaves one behind; the next compile to the same target removes those
 * whose writer process is gone.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function tempDirFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
}

/** The writer's pid if `name` is one of `target`'s temporary directories, else undefined. */
export function tempDirWriter(target: string, name: string): number | undefined {
  const prefix = `.${basename(target)}.tmp-`;
  if (!name.startsWith(prefix)) return undefined;
  const match = /^(\d+)-\d+(\.old)?$/.exec(name.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/** Removes `target`'s temporary directories left by writers that no longer run; returns their names. */
export function removeStaleTempDirs(target: string): string[] {
  const parent = dirname(target);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    const pid = tempDirWriter(target, name);
    return pid !== undefined && !isRunning(pid);
  });
  for (const name of stale) rmSync(join(parent, name), { recursive: true, force: true });
  return stale;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
