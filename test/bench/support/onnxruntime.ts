/**
 * The peers: onnxruntime-node (native, intraOpNumThreads as given) and onnxruntime-web (its
 * WebAssembly build, in this process, one thread), each wrapped as `run(feed) → Float32Array`
 * so a bench can time them beside nncc. onnxruntime-web reads `env.wasm.numThreads` once, at
 * its first session, so every session here uses one thread.
 */
import ort from 'onnxruntime-node';
import * as ortw from 'onnxruntime-web';

export interface PeerSession {
  run(input: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

type Model = string | Uint8Array;

export async function ortNodeSession(model: Model, inputDims: readonly number[], threads: number): Promise<PeerSession> {
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' as const };
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    run: async (input) => (await session.run({ [inputName]: new ort.Tensor('float32', input, [...inputDims]) }))[outputName].data as Float32Array,
    release: () => session.release(),
  };
}

export async function ortWebSession(model: Model, inputDims: readonly number[]): Promise<PeerSession> {
  ortw.env.wasm.numThreads = 1;
  const session = typeof model === 'string' ? await ortw.InferenceSession.create(model) : await ortw.InferenceSession.create(model);
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  return {
    run: async (input) => (await session.run({ [inputName]: new ortw.Tensor('float32', input, [...inputDims]) }))[outputName].data as Float32Array,
    release: () => session.release(),
  };
}
