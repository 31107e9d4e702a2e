/**
 * What a process holds that a leak would grow, read from /proc (Linux): threads (each worker
 * thread is one) and open file descriptors; and a poll for tests that wait for workers to end
 * (`worker.terminate` completes asynchronously).
 */
import { readdirSync, readlinkSync } from 'node:fs';

export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Open file descriptors; with `under`, only those open on files under that directory. */
export function openFdCount(under?: string): number {
  const fds = readdirSync('/proc/self/fd');
  if (under === undefined) return fds.length;
  return fds.filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(under);
    } catch {
      return false;
    }
  }).length;
}

/** Polls `condition` every 10 ms until it holds (true) or `timeoutMs` pass (false). */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
