/**
 * The command reference pages (`compiler/cli/reference/`) are what the yargs definitions render
 * today (`npm run docs` regenerates them), and the check notices a page that differs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceCommands, renderReference, staleReferencePages } from '../../../compiler/cli/reference.js';

describe('command reference', () => {
  it('the committed pages are current (otherwise: npm run docs)', async () => {
    assert.deepEqual(await staleReferencePages(), []);
  });

  it('has a page per command with its options, and notices an edited or missing page', async () => {
    const pages = await renderReference();
    assert.deepEqual([...pages.keys()].sort(), ['README.md', ...referenceCommands.map((c) => `${c.name}.md`)].sort());
    assert.match(pages.get('compile.md')!, /--max-bundle-bytes/);
    assert.match(pages.get('run.md')!, /--timings/);
    const dir = mkdtempSync(join(tmpdir(), 'nncc-reference-'));
    try {
      for (const [name, text] of pages) if (name !== 'diff.md') writeFileSync(join(dir, name), name === 'run.md' ? text.replace('--timings', '--timing') : text);
      assert.deepEqual((await staleReferencePages(dir)).sort(), ['diff.md', 'run.md']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
