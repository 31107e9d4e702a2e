/**
 * Paths tests share: the repository root (tests run from dist/test), the built CLI, the fixture
 * models, and `../shared` (real models and the ONNX conformance suite; suites over it skip when
 * it is absent, or use NNCC_SHARED to point elsewhere).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cliPath = join(repoRoot, 'dist', 'compiler', 'cli', 'main.js');
export const fixtureModelDir = join(repoRoot, 'fixtures', 'models');
export const sharedDir = resolve(process.env.NNCC_SHARED ?? join(repoRoot, '..', 'shared'));
export const sharedModelsDir = join(sharedDir, 'models');
export const conformanceDir = join(sharedDir, 'onnx-conformance');

export function hasShared(dir: string): boolean {
  return existsSync(dir);
}
