/**
 * Fixture device profiles for tests: their paths, and a variant written to a test directory where
 * intra-op splitting pays (measured as efficient and cheap to hand out, with lanes that start at
 * once), so a test can make the search split steps and start worker lanes on small models.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export function fixtureProfile(name: string): string {
  return join(repoRoot, 'fixtures', 'profiles', `${name}.json`);
}

/** `name` with splitting at efficiency 0.9 and a `syncMs` hand-out, and lanes that start in 1 ms and cost nothing to create, written into `dir`. */
export function splittingProfile(name: string, dir: string, syncMs: number): string {
  const device = JSON.parse(readFileSync(fixtureProfile(name), 'utf8'));
  device.fixedCosts.parallelEfficiency = { median: 0.9, spread: 0, samples: 0 };
  device.fixedCosts.laneSyncMs = { median: syncMs, spread: 0, samples: 0 };
  device.fixedCosts.workerStartMs = { median: 1, spread: 0, samples: 0 };
  device.fixedCosts.laneCreateMs = { median: 0, spread: 0, samples: 0 };
  const file = join(dir, `${name}-splitting.json`);
  writeFileSync(file, JSON.stringify(device));
  return file;
}
