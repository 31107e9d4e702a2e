/**
 * Child process of `measure-fixed.ts`: how well a step splits across two executing lanes. Times
 * a mid-size convolution (ResNet 3×3 64→64 at 56², `wasm.Conv.direct-packed`) on one lane and
 * split across two (this thread and a worker on the same shared memory, handed out and awaited
 * with Atomics like the runtime's lanes), and a tiny one (8→8 at 8²) the same way, warm, medians.
 * Prints `{ parallelEfficiency, laneSyncMs, loadContention }`: the large split's speed-up minus
 * one, what the tiny split costs beyond its share of the work, and how much slower the large
 * convolution runs on this thread while a worker loads weights (reads a file into the shared
 * memory and passes over it, `contention-lane.ts`) — what execution meets while loader lanes work.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { seededRandom, randomTensor } from '../random.js';
import { variantById } from '../../runtime/kernels/catalogue.js';
import { compileKernelModule } from '../../runtime/kernels/wasm/module.js';
import { placeVariant, type PlacedVariant } from '../probe/place-variant.js';
import { sampleOf } from '../profile/profile.js';
import type { SplitLaneData } from './split-lane.js';
import type { ContentionLaneData } from './contention-lane.js';

const variant = variantById('wasm.Conv.direct-packed')!;
const repetitions = 25;

function placedConv(channels: number, size: number): PlacedVariant {
  const random = seededRandom(channels * 1000 + size);
  const x = randomTensor(random, [1, channels, size, size], 1);
  const w = randomTensor(random, [channels, channels, 3, 3], 0.1);
  const placed = placeVariant(variant, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 }, [x, w, undefined]);
  placed.transform();
  return placed;
}

async function oneAndTwoLanes(placed: PlacedVariant): Promise<{ oneMs: number; twoMs: number }> {
  const control = new SharedArrayBuffer(8);
  const slots = new Int32Array(control);
  const data: SplitLaneData = { module: compileKernelModule(), memory: placed.wasmMemory, control, variant: variant.id, args: placed.args };
  const worker = new Worker(new URL('./split-lane.js', import.meta.url), { workerData: data });
  await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  const parallel = variant.parallel!;
  const split = (): void => {
    parallel.prelude(placed.memory, placed.args);
    Atomics.store(slots, 1, 0);
    Atomics.add(slots, 0, 1);
    Atomics.notify(slots, 0);
    parallel.part(placed.memory, placed.args, 0, 2);
    while (Atomics.load(slots, 1) < 1) Atomics.wait(slots, 1, 0, 1000);
  };
  // Warm-up long enough for the lane's own code to tier up too (V8 tiers wasm up per thread).
  const time = (run: () => void): number => {
    for (let i = 0; i < 20; i++) run();
    return sampleOf(Array.from({ length: repetitions }, () => {
      const start = performance.now();
      run();
      return performance.now() - start;
    })).median;
  };
  const oneMs = time(() => placed.run());
  const twoMs = time(split);
  Atomics.store(slots, 0, -1);
  Atomics.notify(slots, 0);
  await worker.terminate();
  return { oneMs, twoMs };
}

/** The conv's warm time on this thread alone and while a worker loads weights beside it. */
async function aloneAndWhileLoading(placed: PlacedVariant): Promise<{ aloneMs: number; loadingMs: number }> {
  const work = mkdtempSync(join(tmpdir(), 'nncc-contention-'));
  const bytes = 8 << 20;
  // The loader's reads land in a memory of their own, as big as a model's weights.
  const memory = new WebAssembly.Memory({ initial: (bytes >> 16) + 1, maximum: (bytes >> 16) + 1, shared: true });
  const file = join(work, 'weights.bin');
  writeFileSync(file, new Uint8Array(bytes).fill(7));
  const control = new SharedArrayBuffer(4);
  const data: ContentionLaneData = { memory, control, file, offset: 0, bytes };
  try {
    const time = (): number => sampleOf(Array.from({ length: repetitions }, () => {
      const start = performance.now();
      placed.run();
      return performance.now() - start;
    })).median;
    for (let i = 0; i < 20; i++) placed.run();
    const aloneMs = time();
    Atomics.store(new Int32Array(control), 0, 1);
    const worker = new Worker(new URL('./contention-lane.js', import.meta.url), { workerData: data });
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    const loadingMs = time();
    Atomics.store(new Int32Array(control), 0, 0);
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    return { aloneMs, loadingMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const large = await oneAndTwoLanes(placedConv(64, 56));
const contention = await aloneAndWhileLoading(placedConv(64, 56));
const small = await oneAndTwoLanes(placedConv(8, 8));
const parallelEfficiency = Math.min(1, Math.max(0, large.oneMs / large.twoMs - 1));
const laneSyncMs = Math.max(0, small.twoMs - small.oneMs / (1 + parallelEfficiency));
const loadContention = Math.max(1, contention.loadingMs / contention.aloneMs);
process.stdout.write(`${JSON.stringify({ parallelEfficiency, laneSyncMs, loadContention, large, small, contention })}\n`);
