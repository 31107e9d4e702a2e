/**
 * The runtime ships its type declarations: a strict TypeScript project that imports `nncc-runtime`
 * (the runtime-only package, dist/bundle) or `nncc` (this package's root) type-checks, with no
 * @types/node, no DOM library and skipLibCheck off, so the declarations stand on their own; and
 * they are real types, not `any` (misuse is an error, each `@ts-expect-error` below must be used).
 * Without them the import fails with TS7016.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.js';

const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');

const app = (packageName: string): string => `import { BundleError, FeedError, Session, type StageTimings, type Tensor } from '${packageName}';

export async function firstValue(bundleDir: string, data: Float32Array): Promise<number> {
  const session = await Session.create(bundleDir, { verify: true });
  try {
    const [input] = session.inputs;
    const outputs = await session.run({ [input.name]: { dtype: 'float32', dims: input.dims, data } });
    const first: Tensor = outputs[session.outputs[0].name];
    const timings: StageTimings = session.lastRunTimings;
    return Number(first.data[0]) + timings.totalMs * 0;
  } finally {
    await session.dispose();
  }
}

export const refused = (error: unknown): boolean => error instanceof BundleError || error instanceof FeedError;

export function misuse(session: Session): void {
  // @ts-expect-error a bundle is a directory path
  void Session.create(42);
  // @ts-expect-error verify is a boolean
  void Session.create('model.nnb', { verify: 'yes' });
  // @ts-expect-error a feed is a tensor, not a bare array
  void session.run({ input: new Float32Array(4) });
}
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [],
    strict: true, noEmit: true, skipLibCheck: false,
  },
  files: ['app.ts'],
};

describe('runtime type declarations', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nncc-types-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const [packageName, packageDir] of [['nncc-runtime', join(repoRoot, 'dist', 'bundle')], ['nncc', repoRoot]] as const) {
    it(`a strict project importing '${packageName}' type-checks against its declarations`, () => {
      const project = join(root, packageName);
      mkdirSync(join(project, 'node_modules'), { recursive: true });
      symlinkSync(packageDir, join(project, 'node_modules', packageName), 'dir');
      writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
      writeFileSync(join(project, 'app.ts'), app(packageName));
      const result = spawnSync(tsc, ['-p', join(project, 'tsconfig.json')], { encoding: 'utf8' });
      assert.equal(result.status, 0, `tsc:\n${result.stdout}${result.stderr}`);
    });
  }
});
