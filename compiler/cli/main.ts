#!/usr/bin/env node
/**
 * The `nncc` command line: parses flags (`define-cli.ts`) and calls the staged API. Errors print
 * as one coded diagnostic and exit 1 (2 for usage errors). A plain `nncc run` is parsed without
 * loading yargs (fast-run.ts), so it starts as fast as an application importing the runtime.
 */
import { parseRunArgs } from './fast-run.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const run = argv[0] === 'run' ? parseRunArgs(argv.slice(1)) : undefined;
  if (run) {
    await (await import('./commands/run.js')).runCommand(run);
    // Ends the process once stdout has taken the report, as an application would after its
    // answer, instead of waiting for the session's lanes and file to wind down (~10 ms).
    process.stdout.write('', () => process.exit(0));
    return;
  }
  const [{ defineCli }, { hideBin }, { codes }] = await Promise.all([import('./define-cli.js'), import('yargs/helpers'), import('../diagnostics.js')]);
  await defineCli(hideBin(process.argv))
    .fail((message, error, y) => {
      if (error) throw error;
      // A usage error (unknown flag, bad choice, missing positional): NNCC150, as JSON for a script that asked for it.
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: codes.badOption, message } })}\n`);
      else process.stderr.write(`${y.help()}\n\n${message}\n`);
      process.exit(2);
    })
    .parseAsync();
}

// Loaded only on failure: a run that succeeds loads no more than it needs.
main().catch(async (error: unknown) => {
  (await import('./report-error.js')).reportError(error, process.argv.includes('--json'));
  process.exit(1);
});
