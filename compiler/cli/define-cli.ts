/**
 * The definition of the `nncc` command line: commands, positionals, options with their
 * descriptions and defaults, examples. `main.ts` parses with it; `reference.ts` renders the
 * command reference pages from it, so help and docs cannot drift apart. Each command's module
 * is imported only when that command runs, so `nncc run` loads the runtime and not the compiler.
 */
import yargs, { type Argv } from 'yargs';
import { runOptions } from './run-options.js';

/** The `nncc` parser for `argv` (without node and script): every command, its options and examples. */
export function defineCli(argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName('nncc')
    .usage('$0 <command> [options]\n\nCompile ONNX models into bundles whose first inference is fast, and run them.')
    .command('compile <model>', 'compile an ONNX model into a bundle directory', (y) => y
      .positional('model', { type: 'string', demandOption: true, describe: 'the .onnx model file' })
      .option('output', { alias: 'o', type: 'string', describe: 'bundle directory to write (default: <model>.nnb beside the model)' })
      .option('dim', { type: 'string', array: true, default: [] as string[], describe: 'bind a symbolic dimension: --dim batch_size=1 (repeatable)' })
      .option('batch', { requiresArg: true, default: 1, describe: 'size for an unbound symbolic first input dimension' })
      .option('buckets', { type: 'string', describe: 'compile a bucket set: one bundle per size of a dynamic dimension, --buckets sequence=32,64,128; the runtime pads feeds to the smallest that fits (checked at compile time to leave outputs unchanged)' })
      .option('pad', { type: 'string', array: true, default: [] as string[], describe: 'with --buckets: the value an input is padded with (default 0), --pad input_ids=0 (repeatable)' })
      .option('profile', { type: 'string', describe: 'device profile (nncc profile, or fixtures/profiles/*.json): search kernels and weight sources for that device' })
      .option('objective', { choices: ['cold', 'warm'] as const, default: 'cold' as const, describe: 'with --profile: cold = least cold latency; warm = the conventional plan (warm-fastest kernels, nothing stored transformed)' })
      .option('continuous', { type: 'boolean', default: true, describe: 'with --profile: after the first run, prepare the warm-fastest kernels in the background and switch to them (--no-continuous: keep the cold plan)' })
      .option('max-bundle-bytes', { requiresArg: true, describe: 'with --profile: budget for the bundle\'s weights (the search keeps it; refused without a profile)' })
      .option('max-memory-bytes', { requiresArg: true, describe: 'with --profile: budget for weights in memory, read plus packed at load (the search keeps it; refused without a profile)' })
      .option('kernels', { choices: ['fast', 'reference'] as const, default: 'fast' as const, describe: 'fast: wasm SIMD kernels where they apply; reference: the TypeScript reference kernels only' })
      .option('lanes', { requiresArg: true, describe: 'without --profile: lanes (threads) for every step whose kernel can split its work (default 1); with --profile: the most lanes the search may split one step across (default: the profile\'s executing lanes)' })
      .option('layout', { choices: ['auto', 'nchw'] as const, default: 'auto' as const, describe: 'activation layouts: auto = NC4HW4 (4 channels a vector) where kernels for it exist and it pays (with --profile: predicted faster; without: no conversion needed); nchw = ONNX\'s layout throughout' })
      .option('bypass', { type: 'boolean', default: true, describe: 'store transformed weights in the bundle (--no-bypass: store raw weights and transform at load)' })
      .option('dump-dir', { type: 'string', describe: 'write each stage\'s output here (01.import.txt, 02.passes.txt, 03.search.txt with --profile, 04.plan.txt)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 compile model.onnx --profile device.json', 'search the plan with the least cold latency on that device; writes model.nnb')
      .example('$0 compile model.onnx --profile device.json --objective warm -o conventional.nnb', 'the conventional plan, to compare against')
      .example('$0 compile model.onnx --profile device.json --max-bundle-bytes 50000000', 'the best plan whose weights file fits in 50 MB')
      .example('$0 compile encoder.onnx --buckets sequence=32,64,128,256 --profile device.json', 'a text encoder for any length up to 256'),
    async (args) => (await import('./commands/compile.js')).compileCommand(args))
    .command('run <bundle>', 'load a bundle and run one inference', (y) => y
      .positional('bundle', { type: 'string', demandOption: true, describe: 'the bundle directory (.nnb)' })
      .options(runOptions)
      .example('$0 run model.nnb --input input=image.f32 --timings', 'one cold inference with the stage breakdown')
      .example('$0 run model.nnb -i image.npy -o logits.npy --trace trace.json', 'write the output and a Chrome trace of every lane'),
    async (args) => (await import('./commands/run.js')).runCommand(args))
    .command('inspect <path>', 'print operators, parameter bytes and FLOPs of a model or bundle', (y) => y
      .positional('path', { type: 'string', demandOption: true, describe: 'an .onnx model or a bundle directory' })
      .option('dim', { type: 'string', array: true, default: [] as string[], describe: 'bind a symbolic dimension: --dim batch_size=1' })
      .option('json', { type: 'boolean', default: false, describe: 'print as JSON' })
      .example('$0 inspect model.onnx', 'operators, parameter bytes and FLOPs of a model')
      .example('$0 inspect model.nnb --json', 'the same for a bundle, as JSON'),
    async (args) => (await import('./commands/inspect.js')).inspectCommand(args))
    .command('diff <a> <b>', 'compare two bundles for review: per-operator changes and totals; exit 0 identical, 1 different, 2 error', (y) => y
      .positional('a', { type: 'string', demandOption: true, describe: 'the bundle before: a bundle directory (.nnb) or its schedule.json' })
      .positional('b', { type: 'string', demandOption: true, describe: 'the bundle after: a bundle directory (.nnb) or its schedule.json' })
      .option('format', { choices: ['text', 'md'] as const, default: 'text' as const, describe: 'text: for a terminal; md: Markdown (summary, totals table, per-operator table) for a pull-request comment' })
      .option('json', { type: 'boolean', default: false, describe: 'print the diff as JSON (overrides --format)' })
      .example('$0 diff main.nnb pr.nnb --format md > comment.md', 'a pull-request comment of what the change does to the plan')
      .example('$0 diff old/schedule.json new.nnb', 'against a committed schedule.json'),
    async (args) => (await import('./commands/diff.js')).diffCommand(args))
    .command('verify <bundle>', 'check a bundle without running it: the manifest, every file it lists (size, CRC-32, sha256) and the plan; exit 0 intact, 1 damaged, 2 error', (y) => y
      .positional('bundle', { type: 'string', demandOption: true, describe: 'the bundle directory (.nnb)' })
      .option('json', { type: 'boolean', default: false, describe: 'print every file\'s state and every problem as JSON' })
      .example('$0 verify model.nnb', 'before deploying: exit 0 when every file is as the manifest lists it')
      .example('$0 verify model.nnb --json', 'the same, for a script'),
    async (args) => (await import('./commands/verify.js')).verifyCommand(args))
    .command('explain <bundle>', 'show the predicted cold run of a bundle compiled with --profile: stage breakdown, lower bound and gap, and every lane\'s tasks', (y) => y
      .positional('bundle', { type: 'string', demandOption: true, describe: 'the bundle directory (.nnb), compiled with --profile' })
      .option('svg', { type: 'string', describe: 'write the timeline as an SVG Gantt chart (lanes as rows, tasks coloured by stage; hover a task for its times)' })
      .option('trace', { type: 'string', describe: 'write the timeline as a Chrome trace (open in Perfetto), like nncc run --trace for the measured run' })
      .option('json', { type: 'boolean', default: false, describe: 'print the timeline and the breakdown as JSON' })
      .example('$0 explain model.nnb --svg timeline.svg', 'the predicted timeline as a Gantt chart'),
    async (args) => (await import('./commands/explain.js')).explainCommand(args))
    .command('profile [models..]', 'measure this machine into a device profile (kernel costs for the given models)', (y) => y
      .positional('models', { type: 'string', array: true, default: [] as string[], describe: '.onnx models whose operators to measure' })
      .option('output', { alias: 'o', type: 'string', default: 'device.json', describe: 'profile file to write (or to --resume / --report)' })
      .option('name', { type: 'string', describe: 'device name recorded in the profile (default: the host name)' })
      .option('dim', { type: 'string', array: true, default: [] as string[], describe: 'bind a symbolic dimension of the models, as compile does: --dim sequence=128 (repeatable; every model named must use it)' })
      .option('resume', { type: 'boolean', default: false, describe: 'keep the measurements of an existing --output profile and add what is missing' })
      .option('report', { type: 'boolean', default: false, describe: 'print the cost model\'s fit error per kernel family' })
      .option('quick', { type: 'boolean', default: false, describe: 'fewer repetitions (faster, noisier)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 profile model.onnx -o device.json --report', 'measure this machine for the operators of model.onnx')
      .example('$0 profile other.onnx -o device.json --resume', 'add the operators of another model to the same profile')
      .example('$0 profile encoder.onnx --dim sequence=128 -o device.json --resume', 'measure a model with a dynamic axis at the size it will be compiled for'),
    async (args) => (await import('./commands/profile.js')).profileCommand(args as never))
    .demandCommand(1, 'name a command: compile, run, inspect, verify, profile, diff or explain')
    .strict()
    .help()
    .alias('h', 'help')
    .version();
}
