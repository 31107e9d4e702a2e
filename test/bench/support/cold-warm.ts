/**
 * Child process of cold.bench: one engine's WARM latency, in one long-lived process: create the
 * session, run WARMUPS untimed inferences, then time RUNS more (median), check the output and
 * print one JSON line `{ warmMs, samples, maxRelError, ok, maxRssKB, … }`. ENGINE is `nncc`
 * (MODEL is a bundle directory; the runtime only), `ort-node` (THREADS intra-op threads) or
 * `ort-web` (one thread), the two peers through support/onnxruntime.ts. FEEDS.json lists the
 * input files (feeds.ts).
 *
 * Usage: node dist/test/bench/support/cold-warm.js WARMUPS RUNS ENGINE MODEL FEEDS.json EXPECTED.f32 [THREADS]
 */
import { childArgs, report } from './cold-child.js';
import { readFeedsFile, readFeedTensors } from './feeds.js';
import { median } from './stats.js';

/** The bundled runtime (dist/bundle/runtime.js), what a deployment imports. */
const runtimeBundle = new URL('../../../bundle/runtime.js', import.meta.url).href;

const [warmups, runs, engine, model, feedsPath, expectedPath, threads] =
  childArgs('cold-warm.js WARMUPS RUNS ENGINE MODEL FEEDS.json EXPECTED.f32 [THREADS]', 6);
const feeds = readFeedTensors(readFeedsFile(feedsPath));

interface Loaded {
  run(): Promise<ArrayLike<number>>;
  release(): unknown;
}

async function load(): Promise<Loaded> {
  if (engine === 'nncc') {
    const { Session } = (await import(runtimeBundle)) as typeof import('../../../runtime/index.js');
    const session = Session.createSync(model);
    const outputName = session.outputs[0].name;
    return { run: async () => session.runSync(feeds)[outputName].data as Float32Array, release: () => session.dispose() };
  }
  const peers = await import('./onnxruntime.js');
  const session = engine === 'ort-node'
    ? await peers.ortNodeSession(model, Number(threads ?? 1))
    : engine === 'ort-web' ? await peers.ortWebSession(model) : undefined;
  if (!session) {
    process.stderr.write(`unknown engine '${engine}' (nncc, ort-node, ort-web)\n`);
    process.exit(2);
  }
  return { run: () => session.run(feeds), release: () => session.release() };
}

const loaded = await load();
let output: ArrayLike<number> = [];
for (let i = 0; i < Number(warmups); i++) output = await loaded.run();
const samples: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  const start = performance.now();
  output = await loaded.run();
  samples.push(performance.now() - start);
}
await loaded.release();
report(output, expectedPath, { engine, warmMs: median(samples), samples });
