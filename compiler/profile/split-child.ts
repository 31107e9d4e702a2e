/**
 * Child process of `measure-fixed.ts`: how well a step splits across two executing lanes. Times
 * a mid-size convolution (ResNet 3×3 64→64 at 56², `wasm.Conv.direct-packed`) on one lane and
 * split across two (this thread and a worker on the same shared memory, handed out and awaited
 * with Atomics like the runtime's lanes), and a tiny one (8→8 at 8²) the same way, warm, medians.
 * Prints `{ parallelEfficiency, laneSyncMs }`: the large split's speed-up minus one, and what the
 * tiny split costs beyond its share of the work.
 */
import { Worker } from 'node:worker_threads';
import { seededRandom, randomTensor } from '../random.js';
import { variantById } from '../../runtime/kernels/catalogue.js';
import { compileKernelModule } from '../../runtime/kernels/wasm/module.js';
import { placeVariant, type PlacedVariant } from './place-variant.js';
import { sampleOf } from './profile.js';
import type { SplitLaneData } from './split-lane.js';

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

const large = await oneAndTwoLanes(placedConv(64, 56));
const small = await oneAndTwoLanes(placedConv(8, 8));
const parallelEfficiency = Math.min(1, Math.max(0, large.oneMs / large.twoMs - 1));
const laneSyncMs = Math.max(0, small.twoMs - small.oneMs / (1 + parallelEfficiency));
process.stdout.write(`${JSON.stringify({ parallelEfficiency, laneSyncMs, large, small })}\n`);
