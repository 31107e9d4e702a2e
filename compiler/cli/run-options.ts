/**
 * `nncc run`'s options as data: yargs reads them (define-cli.ts: help, docs, errors) and so does
 * the fast path that parses a plain `nncc run` without loading yargs (fast-run.ts), so both know
 * the same flags.
 */
export const runOptions = {
  input: { alias: 'i', type: 'string', array: true, default: [] as string[], describe: 'input file: name=path or, for a single input, path (.f32 raw float32 or .npy)' },
  output: { alias: 'o', type: 'string', array: true, default: [] as string[], describe: 'write an output: name=path or, for a single output, path (.f32 or .npy)' },
  timings: { type: 'boolean', default: false, describe: 'print the cold-start stage breakdown' },
  verify: { type: 'boolean', default: false, describe: 'check the sha256 of every file the manifest lists (the weights read whole) before running' },
  trace: { type: 'string', describe: 'write a Chrome trace (open in Perfetto) of what every lane did during load and the run' },
  json: { type: 'boolean', default: false, describe: 'print outputs summary and timings as JSON' },
} as const;
