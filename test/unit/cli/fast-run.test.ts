/**
 * `nncc run`'s fast path (fast-run.ts) against yargs reading the same option data: the same
 * arguments for every command line the fast path takes, and no answer (yargs then handles it)
 * for the ones it does not.
 */
import assert from 'node:assert/strict';
import yargs from 'yargs';
import { parseRunArgs } from '../../../compiler/cli/fast-run.js';
import { runOptions } from '../../../compiler/cli/run-options.js';

function byYargs(argv: string[]): Record<string, unknown> {
  const parsed = yargs(argv).command('$0 <bundle>', 'run', (y) => y.positional('bundle', { type: 'string', demandOption: true }).options(runOptions))
    .strict().exitProcess(false).fail((message) => { throw new Error(message); }).parseSync();
  return {
    bundle: parsed.bundle, input: parsed.input, output: parsed.output, timings: parsed.timings, verify: parsed.verify,
    json: parsed.json, ...(parsed.trace !== undefined ? { trace: parsed.trace } : {}),
  };
}

describe('nncc run: the fast path parses as yargs does', () => {
  const taken = [
    ['m.nnb'],
    ['m.nnb', '--input', 'x=a.f32', '--timings'],
    ['m.nnb', '-i', 'a.npy', '-o', 'y.npy', '--json'],
    ['m.nnb', '--input=x=a.f32', '--input', 'mask=b.npy', '--verify', '--trace', 't.json'],
    ['m.nnb', '-i', 'x=a.f32', 'mask=b.npy', '--timings'],
    ['m.nnb', '-i=a.f32', '--output=logits=o.f32', '--trace=t.json', '--timings', '--json', '--verify'],
  ];
  for (const argv of taken) {
    it(`nncc run ${argv.join(' ')}`, () => assert.deepEqual(parseRunArgs(argv), byYargs(argv)));
  }

  const leftToYargs = [
    [], ['--help'], ['m.nnb', '--help'], ['--version'], ['m.nnb', '--bogus'], ['m.nnb', '-x'], ['m.nnb', 'other.nnb'],
    ['m.nnb', '--input'], ['m.nnb', '--trace', '--json'], ['m.nnb', '--trace', 'a', '--trace', 'b'], ['m.nnb', '--timings=false'],
    ['m.nnb', '--no-verify'], ['m.nnb', '--json', '--json'], ['-i', 'a.f32', 'm.nnb'],
  ];
  for (const argv of leftToYargs) {
    it(`leaves nncc run ${argv.join(' ') || '(nothing)'} to yargs`, () => assert.equal(parseRunArgs(argv), undefined));
  }
});
