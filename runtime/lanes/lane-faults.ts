/**
 * Fault injection for tests of lane failures (test/e2e/lane-faults.test.ts). A test calls
 * `injectLaneFault` before `Session.create`; the lane pool hands the fault to the lane it names
 * in its start-up data, and that lane fails as asked when it reaches the given one of its own
 * load steps. Nothing reads an environment variable and nothing is set in production, where the
 * cost is one `undefined` field in each lane's start-up data and one comparison per load step.
 */
export interface LaneFault {
  /** The lane that fails (1…lanes−1). */
  readonly lane: number;
  /** Index into that lane's own load steps (in plan order) at which it fails; -1 fails at start-up. */
  readonly atLoad: number;
  /**
   * `throw`: the load throws (the lane reports it and stays up); `exit`: the worker calls
   * `process.exit` (its exit handlers run); `out-of-memory`: the worker exhausts a small heap
   * limit and the engine terminates it, so no JavaScript of the lane runs again (no exit
   * handler, no report): the pool can only see that its thread is gone.
   */
  readonly kind: 'throw' | 'exit' | 'out-of-memory';
}

let injected: LaneFault | undefined;

/** Sets (or with no argument clears) the fault the next lane pools pass to their lanes. */
export function injectLaneFault(fault?: LaneFault): void {
  injected = fault;
}

export function injectedLaneFault(lane: number): LaneFault | undefined {
  return injected?.lane === lane ? injected : undefined;
}

/** Heap limits for a lane that is to run out of memory, small enough to exhaust in milliseconds. */
export const outOfMemoryLimits = { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 } as const;

/** What an injected 'throw' fault raises: an exception the lane did not expect, as a bug would. */
class InjectedFault extends Error {}

/** Runs in the lane: fails as the fault says. */
export function failAsInjected(fault: LaneFault): void {
  const where = `lane ${fault.lane}, ${fault.atLoad < 0 ? 'start-up' : `its load ${fault.atLoad}`}`;
  if (fault.kind === 'throw') throw new InjectedFault(`injected fault (throw) at ${where}`);
  if (fault.kind === 'exit') process.exit(3);
  const hoard: unknown[] = [];
  for (;;) hoard.push(new Array(100_000).fill(where));
}
