/**
 * The stages of a cold start, named once for every nncc tool: the runtime's timings and trace, the
 * compiler's simulator and breakdowns, the manifest's predicted stages, `nncc explain` and the
 * timeline drawing. `start` (the process and the runtime's import) happens before the runtime
 * runs, so only predictions and end-to-end measurements have it; `wait` is the executing lane's
 * wait for weights other lanes are loading.
 */
export const stages = ['start', 'read', 'alloc', 'prepare', 'transform', 'execute', 'wait'] as const;

export type Stage = (typeof stages)[number];

/** The stages the runtime itself measures and traces (every one but `start`). */
export type RuntimeStage = Exclude<Stage, 'start'>;

/** Milliseconds per stage of `S` (`readMs`, …) and in all (`totalMs`). */
export type StageMs<S extends Stage> = { [K in S as `${K}Ms`]: number } & { totalMs: number };

/** Stage times by stage name (the manifest's predicted stages, summed over lanes). */
export type StageTotals = Record<Stage, number>;
