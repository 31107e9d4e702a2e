/**
 * Shared by the child scripts of cold.bench (`cold-nncc`, `cold-ort-node`, `cold-ort-web`,
 * `cold-warm`): their arguments, reading the expected `.f32` output, the output check and the one
 * JSON line each child prints (the feeds are feeds.ts). Imports nothing from an engine, so a
 * child's cold cost is its engine's own.
 */
import { readFileSync } from 'node:fs';
import { maxRelativeError } from '../../support/compare.js';

/** max |err| / max |ref| allowed against PyTorch's stored output. */
export const tolerance = 1e-4;

/** The positional arguments, or the usage on stderr and exit 2 when there are fewer than `count`. */
export function childArgs(usage: string, count: number): string[] {
  const args = process.argv.slice(2);
  if (args.length < count) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return args;
}

export function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/**
 * This process's own peak RSS in KB: VmHWM of /proc/self/status (Linux), the high-water mark of
 * the address space that exec created. `process.resourceUsage().maxRSS` (getrusage) is not
 * that: Linux carries the pre-exec high-water mark over exec, and a spawned child's pre-exec
 * image is a fork of its parent, so maxRSS is at least the parent's RSS at spawn time.
 */
export function ownPeakRssKB(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks `output` against the reference file, prints `fields` with the error, the peak RSS (KB:
 * `maxRssKB` = `process.resourceUsage().maxRSS`, `ownPeakRssKB` = VmHWM, see above) and the ms
 * since the process started as one JSON line, and
 * exits at once: 0, or 1 when the output is off. Exiting explicitly ends the process as soon as
 * its work is done, whatever handles an engine leaves open (onnxruntime-web's would otherwise keep
 * Node idle for some 150 ms before it exits by itself); stdout is a pipe, written synchronously.
 */
export function report(output: ArrayLike<number>, expectedPath: string, fields: Record<string, unknown>): never {
  const maxRelError = maxRelativeError(output, readF32(expectedPath));
  const ok = maxRelError <= tolerance;
  const line = {
    ...fields, maxRelError, ok, maxRssKB: process.resourceUsage().maxRSS, ownPeakRssKB: ownPeakRssKB(), sinceStartMs: performance.now(),
    // The wall clock at the answer, so the parent can time spawn → answer (the process's exit left out).
    answerEpochMs: performance.timeOrigin + performance.now(),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  if (!ok) {
    process.stderr.write(`output is off: max |err| / max |ref| = ${maxRelError} > ${tolerance}\n`);
  }
  process.exit(ok ? 0 : 1);
}
