/**
 * The peers: onnxruntime-node (native, intraOpNumThreads as given) and onnxruntime-web (its
 * WebAssembly build, in this process, one thread), each wrapped as `run(feeds) → Float32Array`
 * (the first output; feeds by input name, as feeds.ts reads them) so a bench can time them beside
 * nncc. onnxruntime-web reads `env.wasm.numThreads` once, at its first session, so every session
 * here uses one thread.
 */
import ort from 'onnxruntime-node';
import * as ortw from 'onnxruntime-web';
import { ortFeeds, type FeedTensors } from './feeds.js';

export interface PeerSession {
  run(feeds: FeedTensors): Promise<Float32Array>;
  release(): Promise<void>;
}

type Model = string | Uint8Array;

export async function ortNodeSession(model: Model, threads: number): Promise<PeerSession> {
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' as const };
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  const [outputName] = session.outputNames;
  return {
    run: async (feeds) => (await session.run(ortFeeds(feeds, ort.Tensor)))[outputName].data as Float32Array,
    release: () => session.release(),
  };
}

export async function ortWebSession(model: Model): Promise<PeerSession> {
  ortw.env.wasm.numThreads = 1;
  const session = typeof model === 'string' ? await ortw.InferenceSession.create(model) : await ortw.InferenceSession.create(model);
  const [outputName] = session.outputNames;
  return {
    run: async (feeds) => (await session.run(ortFeeds(feeds, ortw.Tensor)))[outputName].data as Float32Array,
    release: () => session.release(),
  };
}
