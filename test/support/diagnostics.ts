/**
 * Assertions for compiler diagnostics: `expectCompileError` runs a stage and checks that it throws
 * a `CompileError` with the given stable code, returning it so a test can check where and hint.
 */
import assert from 'node:assert/strict';
import { CompileError } from '../../compiler/diagnostics.js';

export function expectCompileError(run: () => unknown, code: string): CompileError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CompileError, `expected CompileError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but nothing was thrown`);
}
