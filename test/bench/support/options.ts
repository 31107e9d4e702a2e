/**
 * Command-line flags of the benchmarks (node:util parseArgs): each bench declares its flags and
 * a usage text; `--help` prints the usage, an unknown flag prints it and exits non-zero.
 */
import { cpus } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Values<T extends Flags> = ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'];

type Flags = NonNullable<ParseArgsConfig['options']>;

/** Parses process.argv; `flags` must declare `help`. */
export function parseFlags<const T extends Flags & { help: { type: 'boolean' } }>(flags: T, usage: string): Values<T> {
  try {
    const { values } = parseArgs({ options: flags, args: process.argv.slice(2), strict: true });
    if ((values as { help?: boolean }).help) {
      process.stdout.write(usage);
      process.exit(0);
    }
    return values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** The machine a result was measured on, for the JSON report. */
export function machineInfo(): Record<string, unknown> {
  const cpu = cpus();
  return { node: process.version, v8: process.versions.v8, cpu: cpu[0]?.model, cores: cpu.length, platform: process.platform, date: new Date().toISOString() };
}
