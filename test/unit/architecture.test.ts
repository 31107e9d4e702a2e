/**
 * The tree's shape held where it must stay (test/support/architecture.ts counts it;
 * `npm run report:architecture` prints every number): no import loop between folders, and no
 * error without a code that a user could meet.
 */
import assert from 'node:assert/strict';
import { architectureReport } from '../support/architecture.js';

describe('architecture', () => {
  const report = architectureReport();

  it('has no folder-level import loops', () => {
    assert.deepEqual(report.folderLoops.map((l) => `${l.folders.join(' ⇄ ')}: ${l.imports.join('; ')}`), []);
  });

  it('raises no bare Error in compiler/ or runtime/ (every error a user can meet has a code)', () => {
    assert.deepEqual(report.bareErrors, []);
  });
});
