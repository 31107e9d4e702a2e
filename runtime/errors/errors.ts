/**
 * Errors that leave the runtime. A `KernelError` is raised by a kernel on input it cannot take
 * (the compiler wraps it with the node's name and a diagnostic code); a `BundleError` names the
 * bundle file and the expected vs actual value; a `FeedError` names the input the caller got wrong.
 */

export const runtimeCodes = {
  bundleUnreadable: 'NNCC200',
  manifestInvalid: 'NNCC201',
  formatMismatch: 'NNCC202',
  kernelAbiMismatch: 'NNCC203',
  featureMissing: 'NNCC204',
  fileSizeMismatch: 'NNCC205',
  hashMismatch: 'NNCC206',
  planInvalid: 'NNCC207',
  kernelMissing: 'NNCC208',
  badFeed: 'NNCC210',
  disposed: 'NNCC211',
  laneFailed: 'NNCC212',
  runUnderWay: 'NNCC213',
  bucketSetInvalid: 'NNCC214',
} as const;

export type RuntimeCode = (typeof runtimeCodes)[keyof typeof runtimeCodes];

export class KernelError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'KernelError';
  }
}

/** A KernelError for input that is valid ONNX but outside what nncc implements (README lists these). */
export class UnsupportedError extends KernelError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'UnsupportedError';
  }
}

export class BundleError extends Error {
  constructor(
    readonly code: RuntimeCode,
    readonly file: string,
    readonly detail: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    const found = expected !== undefined ? ` (expected ${expected}, found ${actual ?? 'nothing'})` : '';
    super(`${code} ${file}: ${detail}${found}`);
    this.name = 'BundleError';
  }
}

/** An error's own words for a message that wraps it: a BundleError's detail without its code and file. */
export function causeOf(error: unknown): string {
  return error instanceof BundleError ? error.detail : (error as Error).message;
}

export class FeedError extends Error {
  constructor(readonly input: string, readonly detail: string) {
    super(`${runtimeCodes.badFeed} input '${input}': ${detail}`);
    this.name = 'FeedError';
  }
}
