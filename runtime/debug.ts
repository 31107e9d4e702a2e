/**
 * The one debug switch, NNCC_DEBUG: 1 prints stacks of internal errors, 2 also prints each run's
 * per-step times (kernel, op, milliseconds) to stderr.
 */
export const debugLevel = Number(process.env.NNCC_DEBUG ?? 0) || 0;
