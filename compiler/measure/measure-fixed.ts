/**
 * Measures the machine's fixed cold-start costs and its storage: process start (`node -e 0`),
 * runtime import, wasm compile and instantiate, worker start and memory allocation (each in
 * fresh processes, `fixed-costs-child.ts`), how a step splits across two lanes (`split-child.ts`),
 * what opening a bundle costs per step (`open-child.ts`), and file read throughput and latency with the page
 * cache warm and, where the OS lets us evict a file's pages (`dd iflag=nocache`, checked with
 * `fincore` when present), cold.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBundle } from '../bundle/write-bundle.js';
import type { Graph } from '../ir/graph.js';
import { lowerGraph } from '../lower/lower.js';
import { sampleOf, type DeviceProfile, type ReadCost, type Sample } from '../profile/profile.js';
import { CompileError, codes } from '../diagnostics.js';
import { selectKernels } from '../select/select-kernels.js';

const childScript = fileURLToPath(new URL('./fixed-costs-child.js', import.meta.url));
const splitChildScript = fileURLToPath(new URL('./split-child.js', import.meta.url));
const openChildScript = fileURLToPath(new URL('./open-child.js', import.meta.url));
const runtimeEntry = fileURLToPath(new URL('../../bundle/runtime.js', import.meta.url));

function wallMs(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new CompileError(codes.measureFailed, `measuring ${args.join(' ')} failed: ${result.stderr}`, {}, 're-run nncc profile on an idle machine; the child process\'s stderr above says what failed');
  return performance.now() - start;
}

export function measureFixedCosts(repetitions: number): DeviceProfile['fixedCosts'] {
  const processStart = Array.from({ length: repetitions }, () => wallMs(['-e', '0']));
  const withImport = Array.from({ length: repetitions }, () => wallMs(['--input-type=module', '-e', `await import(${JSON.stringify(runtimeEntry)})`]));
  const floor = sampleOf(processStart).median;
  const children = Array.from({ length: repetitions }, () => {
    const result = spawnSync(process.execPath, [childScript], { encoding: 'utf8' });
    if (result.status !== 0) throw new CompileError(codes.measureFailed, `fixed-cost probe failed: ${result.stderr}`, {}, 're-run nncc profile on an idle machine; the child process\'s stderr above says what failed');
    return JSON.parse(result.stdout) as Record<'wasmCompileMs' | 'wasmInstantiateMs' | 'workerStartMs' | 'laneCreateMs' | 'allocMsPerMB', number>;
  });
  const pick = (key: keyof (typeof children)[number]): Sample => sampleOf(children.map((c) => c[key]));
  return {
    processStartMs: sampleOf(processStart),
    runtimeImportMs: sampleOf(withImport.map((ms) => Math.max(0, ms - floor))),
    wasmCompileMs: pick('wasmCompileMs'),
    wasmInstantiateMs: pick('wasmInstantiateMs'),
    workerStartMs: pick('workerStartMs'),
    laneCreateMs: pick('laneCreateMs'),
    allocMsPerMB: pick('allocMsPerMB'),
    ...measureSplitting(repetitions),
  };
}

/**
 * Intra-op splitting across two executing lanes (`split-child.ts`, fresh processes): nothing when
 * the machine has a single core, since then no step can be split.
 */
export function measureSplitting(repetitions: number): Pick<DeviceProfile['fixedCosts'], 'parallelEfficiency' | 'laneSyncMs' | 'loadContention'> {
  if (availableParallelism() < 2) return {};
  const children = Array.from({ length: repetitions }, () => {
    const result = spawnSync(process.execPath, [splitChildScript], { encoding: 'utf8' });
    if (result.status !== 0) throw new CompileError(codes.measureFailed, `intra-op split probe failed: ${result.stderr}`, {}, 're-run nncc profile on an idle machine; the child process\'s stderr above says what failed');
    return JSON.parse(result.stdout) as { parallelEfficiency: number; laneSyncMs: number; loadContention: number };
  });
  return {
    parallelEfficiency: sampleOf(children.map((c) => c.parallelEfficiency)),
    laneSyncMs: sampleOf(children.map((c) => c.laneSyncMs)),
    loadContention: sampleOf(children.map((c) => c.loadContention)),
  };
}

/**
 * Opening a bundle before its first step, per step (`open-child.ts`, fresh processes): reading and
 * checking the manifest and plan, the kernels' tier-up its manifest lists (models of 0.5 GFLOP or
 * more, runtime/load/tier-up.ts), and binding every step — cold JavaScript, whose cost grows with
 * the plan. Measured on the given graphs lowered with the fast kernels; the wasm compile and
 * instantiate, measured on their own, are taken out.
 */
export function measureBundleOpen(graphs: readonly Graph[], repetitions: number, wasmMs: number): Sample {
  const work = mkdtempSync(join(tmpdir(), 'nncc-open-'));
  try {
    const perStep = graphs.flatMap((graph, i) => {
      const bundle = join(work, `model-${i}.nnb`);
      writeBundle(bundle, lowerGraph(graph, selectKernels(graph)), { modelName: graph.name, modelSha256: '0'.repeat(64), opset: graph.opset });
      return Array.from({ length: repetitions }, () => {
        const result = spawnSync(process.execPath, [openChildScript, bundle], { encoding: 'utf8' });
        if (result.status !== 0) throw new CompileError(codes.measureFailed, `bundle open probe failed: ${result.stderr}`, {}, 're-run nncc profile on an idle machine; the child process\'s stderr above says what failed');
        const { steps, readMs, prepareMs } = JSON.parse(result.stdout) as { steps: number; readMs: number; prepareMs: number };
        return Math.max(0, readMs + prepareMs - wasmMs) / steps;
      });
    });
    return sampleOf(perStep);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Evicts a file's pages from the page cache; false (with why) when the OS does not allow it. */
export function evictFile(path: string): { evicted: boolean; method: string } {
  // Dirty pages cannot be dropped: write them out first.
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
  const dd = spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
  if (dd.status !== 0) return { evicted: false, method: `dd iflag=nocache failed (${dd.error?.message ?? dd.stderr})` };
  const fincore = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' });
  if (fincore.status !== 0) return { evicted: true, method: 'dd iflag=nocache (posix_fadvise DONTNEED), not verified: fincore unavailable' };
  const resident = Number(fincore.stdout.trim());
  return resident === 0
    ? { evicted: true, method: 'dd iflag=nocache (posix_fadvise DONTNEED), verified with fincore' }
    : { evicted: false, method: `dd iflag=nocache left ${resident} bytes resident (fincore)` };
}

function readWholeMs(path: string, buffer: Uint8Array): number {
  const start = performance.now();
  const fd = openSync(path, 'r');
  let done = 0;
  while (done < buffer.length) done += readSync(fd, buffer, done, buffer.length - done, done);
  closeSync(fd);
  return performance.now() - start;
}

function readCost(largeMs: readonly number[], smallMs: readonly number[], largeBytes: number, smallBytes: number): ReadCost {
  const large = sampleOf(largeMs).median;
  const small = sampleOf(smallMs).median;
  const bytesPerMs = (largeBytes - smallBytes) / Math.max(large - small, 1e-6);
  return { bytesPerMs, latencyMs: Math.max(0, small - smallBytes / bytesPerMs) };
}

export function measureStorage(repetitions: number, dir = tmpdir()): DeviceProfile['storage'] {
  const work = mkdtempSync(join(dir, 'nncc-storage-'));
  try {
    const largeBytes = 64 << 20;
    const smallBytes = 4096;
    const large = join(work, 'large.bin');
    const small = join(work, 'small.bin');
    writeFileSync(large, new Uint8Array(largeBytes).fill(7));
    writeFileSync(small, new Uint8Array(smallBytes).fill(7));
    const largeBuffer = new Uint8Array(largeBytes);
    const smallBuffer = new Uint8Array(smallBytes);
    readWholeMs(large, largeBuffer);
    const warmLarge = Array.from({ length: repetitions }, () => readWholeMs(large, largeBuffer));
    const warmSmall = Array.from({ length: repetitions * 4 }, () => readWholeMs(small, smallBuffer));
    const warm = readCost(warmLarge, warmSmall, largeBytes, smallBytes);
    const probe = evictFile(large);
    if (!probe.evicted) return { warm, evictionMethod: probe.method };
    const coldLarge = Array.from({ length: repetitions }, () => { evictFile(large); return readWholeMs(large, largeBuffer); });
    const coldSmall = Array.from({ length: repetitions * 2 }, () => { evictFile(small); return readWholeMs(small, smallBuffer); });
    return { warm, cold: readCost(coldLarge, coldSmall, largeBytes, smallBytes), evictionMethod: probe.method };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
