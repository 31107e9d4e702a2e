/**
 * Runs a bucket set (bundle/bucket-set.ts): one model compiled for a few sizes of a dynamic
 * dimension. `run` takes feeds of any length up to the largest size: it picks the smallest
 * bucket that fits (the compiler's rule), loads that bucket's bundle on first use (a cold start
 * pays for one bucket only), pads the inputs with their pad values, runs, and cuts the outputs
 * that have the dimension back to the fed length. A length beyond the largest bucket is refused.
 */
import { join } from 'node:path';
import { readBucketSet, type BucketSet } from './bundle/bucket-set.js';
import type { TensorSpec } from './bundle/manifest.js';
import { readManifest } from './bundle/read-bundle.js';
import { BundleError, FeedError, runtimeCodes } from './errors/errors.js';
import { Session, type Feeds, type Outputs, type RunOptions, type SessionOptions } from './session.js';
import { cutAlong, padAlong } from './tensor/along-axis.js';

export class BucketedSession {
  private readonly sessions = new Map<number, Session>();
  private disposed = false;

  private constructor(readonly dir: string, readonly set: BucketSet, private readonly options: SessionOptions) {}

  /** Reads the set's rule; buckets are loaded when a run first needs them (or by `load`). */
  static create(dir: string, options: SessionOptions = {}): BucketedSession {
    return new BucketedSession(dir, readBucketSet(dir), options);
  }

  get sizes(): readonly number[] {
    return this.set.buckets.map((b) => b.size);
  }

  /** The inputs as feeds of length `length` must have them (from the smallest bucket's manifest; nothing is loaded). */
  inputsFor(length: number): TensorSpec[] {
    const manifest = readManifest(join(this.dir, this.set.buckets[0].bundle));
    return manifest.inputs.map((spec) => {
      const padded = this.set.inputs.find((i) => i.name === spec.name);
      return padded ? { ...spec, dims: spec.dims.map((d, i) => (i === padded.axis ? length : d)) } : spec;
    });
  }

  /** The bucket's session for feeds of length `length` (loading it now if it is not yet). */
  load(length: number): Promise<Session> {
    return this.loadBucket(this.bucketFor(length));
  }

  private async loadBucket(bucket: BucketSet['buckets'][number]): Promise<Session> {
    const loaded = this.sessions.get(bucket.size);
    if (loaded) return loaded;
    const session = await Session.create(join(this.dir, bucket.bundle), this.options);
    this.checkBucket(session, bucket.size);
    this.sessions.set(bucket.size, session);
    return session;
  }

  async run(feeds: Feeds, options: RunOptions = {}): Promise<Outputs> {
    if (this.disposed) throw new BundleError(runtimeCodes.disposed, this.dir, 'the session was disposed');
    const length = this.lengthOf(feeds);
    const bucket = this.bucketFor(length);
    const session = await this.loadBucket(bucket);
    const padded: Feeds = { ...feeds };
    for (const input of this.set.inputs) padded[input.name] = padAlong(feeds[input.name], input.axis, bucket.size, input.pad);
    const outputs = await session.run(padded, options);
    for (const output of this.set.outputs) outputs[output.name] = cutAlong(outputs[output.name], output.axis, length);
    return outputs;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.sessions.values()].map((s) => s.dispose()));
  }

  /** The fed length: every input with the dimension must have the same one. */
  private lengthOf(feeds: Feeds): number {
    let length: number | undefined;
    for (const input of this.set.inputs) {
      const t = feeds[input.name];
      if (!t) throw new FeedError(input.name, 'missing from the feeds');
      const n = t.dims[input.axis];
      if (n === undefined || !Number.isSafeInteger(n) || n < 1) throw new FeedError(input.name, `has no '${this.set.dim}' at axis ${input.axis} (dims [${t.dims.join(',')}])`);
      if (length !== undefined && n !== length) throw new FeedError(input.name, `'${this.set.dim}' is ${n}; another input has ${length}`);
      length = n;
    }
    return length!;
  }

  private bucketFor(length: number): BucketSet['buckets'][number] {
    const bucket = this.set.buckets.find((b) => b.size >= length);
    if (!bucket) {
      throw new FeedError(this.set.inputs[0].name, `'${this.set.dim}' is ${length}, longer than the largest bucket `
        + `(${this.sizes.join(', ')}): recompile with a larger --buckets size, or shorten the input`);
    }
    return bucket;
  }

  /** A bucket's bundle must be of the set's model, with the dimension bound to the bucket's size. */
  private checkBucket(session: Session, size: number): void {
    const file = join(session.bundleDir, 'manifest.json');
    if (session.manifest.model.sha256 !== this.set.model.sha256) {
      throw new BundleError(runtimeCodes.bucketSetInvalid, file, 'this bucket was compiled from another model than the set', this.set.model.sha256, session.manifest.model.sha256);
    }
    for (const input of this.set.inputs) {
      const spec = session.inputs.find((s) => s.name === input.name);
      if (spec?.dims[input.axis] !== size) {
        throw new BundleError(runtimeCodes.bucketSetInvalid, file, `input '${input.name}' does not have '${this.set.dim}' = ${size} at axis ${input.axis}`,
          String(size), String(spec?.dims[input.axis]));
      }
    }
  }
}
