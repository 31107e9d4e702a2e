/**
 * A plain `nncc run <bundle> [options]` parsed without yargs, whose import alone costs about as
 * much as loading a small bundle (measured here: `node -e 0` 90 ms, importing yargs 190 ms), so
 * the command users try first answers about as fast as an application importing the runtime.
 * It knows the flags from run-options.ts, the same data yargs reads, and gives up (undefined) on
 * anything it does not take as yargs would — help, version, an unknown flag, a missing value, a
 * second bundle — leaving that to yargs, which answers it with its usual help and errors.
 */
import type { RunArgs } from './commands/run.js';
import { runOptions } from './run-options.js';

type RunOption = keyof typeof runOptions;

const byAlias = new Map<string, RunOption>(Object.entries(runOptions).flatMap(([name, o]) => ('alias' in o ? [[o.alias, name as RunOption]] : [])));

/** `argv` after the command name. */
export function parseRunArgs(argv: readonly string[]): RunArgs | undefined {
  const args = { input: [] as string[], output: [] as string[], timings: false, verify: false, json: false } as RunArgs;
  const seen = new Set<RunOption>();
  let bundle: string | undefined;
  // As yargs does, an array option takes the words after its value too, up to the next flag.
  let greedy: 'input' | 'output' | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (greedy) args[greedy].push(arg);
      else if (bundle !== undefined) return undefined;
      else bundle = arg;
      continue;
    }
    greedy = undefined;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const name: RunOption | undefined = flag.startsWith('--') ? (flag.slice(2) in runOptions ? flag.slice(2) as RunOption : undefined) : byAlias.get(flag.slice(1));
    if (!name) return undefined;
    const option = runOptions[name];
    if (option.type === 'boolean') {
      if (inline !== undefined || seen.has(name)) return undefined;
      (args as unknown as Record<string, boolean>)[name] = true;
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return undefined;
      if (name === 'input' || name === 'output') {
        args[name].push(value);
        greedy = name;
      } else if (seen.has(name)) {
        return undefined;
      } else {
        args.trace = value;
      }
    }
    seen.add(name);
  }
  return bundle === undefined ? undefined : { ...args, bundle };
}
