/** The runtime's public entry: load a bundle, run it. Imports nothing from the compiler. */
export { Session, type SessionOptions, type RunOptions, type Feeds, type Outputs } from './session.js';
export { BucketedSession } from './bucketed-session.js';
export type { BucketSet } from './bundle/bucket-set.js';
export type { Tensor, DType } from './tensor/tensor.js';
export type { StageTimings } from './execute/timings.js';
export { BundleError, FeedError } from './errors/errors.js';
