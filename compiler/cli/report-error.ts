/**
 * Prints an error for a user: coded diagnostics as they are (or as JSON with --json), anything
 * else as an internal error with its stack when NNCC_DEBUG is set. Errors are recognised by name,
 * not class: `nncc run` throws them from the bundled runtime (dist/bundle), whose classes are
 * copies of the ones the compiler imports. A file-system error no stage turned into a
 * diagnostic (disk full, quota, file too large… while writing a dump or a profile) is reported as
 * NNCC160 naming the path, with a hint.
 */
import type { BundleError } from '../../runtime/errors/errors.js';
import { debugLevel } from '../../runtime/debug.js';
import { CompileError, codes } from '../diagnostics.js';
import { describeWriteFailure } from '../write-failure.js';

const codedErrors = new Set(['CompileError', 'BundleError', 'FeedError']);

export function reportError(thrown: unknown, asJson: boolean): void {
  const error = asWriteDiagnostic(thrown) ?? thrown;
  const known = error instanceof Error && codedErrors.has(error.name);
  const message = error instanceof Error ? error.message : String(error);
  if (asJson) {
    const name = error instanceof Error ? error.name : '';
    const body = name === 'CompileError' ? (error as CompileError).toJSON()
      : name === 'BundleError' ? bundleErrorBody(error as BundleError)
        : { code: known ? undefined : 'internal', message };
    process.stdout.write(`${JSON.stringify({ ok: false, error: body })}\n`);
    return;
  }
  process.stderr.write(`nncc: ${known ? '' : 'internal error: '}${message}\n`);
  if (!known && debugLevel >= 1 && error instanceof Error) process.stderr.write(`${error.stack}\n`);
}

function bundleErrorBody(error: BundleError): object {
  return { code: error.code, file: error.file, message: error.detail, expected: error.expected, actual: error.actual };
}

/** Only the codes a read cannot give: a permission error may come from a read, and is left as it is. */
const writeOnlyCodes = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

function asWriteDiagnostic(error: unknown): CompileError | undefined {
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  const failure = describeWriteFailure(error, path);
  if (!failure || !writeOnlyCodes.has(failure.code)) return undefined;
  return new CompileError(codes.bundleWrite, `cannot write: ${failure.what} (${failure.code})`, path ? { file: path } : {}, failure.hint);
}
