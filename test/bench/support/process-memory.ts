/**
 * Memory of the bench process: resident set and address space (/proc/self/status on Linux), and
 * a full garbage collection on demand. A planned memory (a shared WebAssembly.Memory) reserves
 * ~10 GiB of address space and is invisible to V8's heap accounting, so a loop that creates
 * thousands of sessions collects now and then instead of waiting for the JS heap to fill.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface ProcessMemory {
  rssBytes: number;
  addressSpaceBytes: number;
}

export function processMemory(): ProcessMemory {
  let addressSpaceBytes = 0;
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    addressSpaceBytes = Number(/VmSize:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    // Not Linux: address space unknown.
  }
  return { rssBytes: process.memoryUsage.rss(), addressSpaceBytes };
}

let gc: (() => void) | undefined;

/** A full GC, with or without --expose-gc (the flag is set at run time when absent). */
export function collectGarbage(): void {
  if (!gc) {
    if (typeof globalThis.gc === 'function') gc = globalThis.gc as () => void;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
