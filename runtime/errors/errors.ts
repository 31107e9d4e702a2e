/**
 * Errors that leave the runtime. A `KernelError` is raised by a kernel on input it cannot take
 * (the compiler wraps it with the node's name and a diagnostic code); a `BundleError` names the
 * bundle file and the expected vs actual value.
 */

export class KernelError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'KernelError';
  }
}

export class BundleError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
    message: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    const detail = expected !== undefined ? ` (expected ${expected}, found ${actual ?? 'nothing'})` : '';
    super(`${code} ${file}: ${message}${detail}`);
    this.name = 'BundleError';
  }
}
