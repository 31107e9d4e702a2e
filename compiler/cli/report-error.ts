/**
 * Prints an error for a user: coded diagnostics as they are (or as JSON with --json), anything
 * else as an internal error with its stack when NNCC_DEBUG is set.
 */
import { BundleError, FeedError } from '../../runtime/errors/errors.js';
import { CompileError } from '../diagnostics.js';
import { debugLevel } from '../../runtime/debug.js';

export function reportError(error: unknown, asJson: boolean): void {
  const known = error instanceof CompileError || error instanceof BundleError || error instanceof FeedError;
  const message = error instanceof Error ? error.message : String(error);
  if (asJson) {
    const body = error instanceof CompileError ? error.toJSON()
      : error instanceof BundleError ? { code: error.code, file: error.file, message: error.detail, expected: error.expected, actual: error.actual }
        : { code: known ? undefined : 'internal', message };
    process.stdout.write(`${JSON.stringify({ ok: false, error: body })}\n`);
    return;
  }
  process.stderr.write(`nncc: ${known ? '' : 'internal error: '}${message}\n`);
  if (!known && debugLevel >= 1 && error instanceof Error) process.stderr.write(`${error.stack}\n`);
}
