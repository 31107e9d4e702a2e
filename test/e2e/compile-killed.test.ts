/**
 * A compile killed at any moment: 20 `nncc compile` processes (seeded delays) are SIGKILLed
 * over the compile's duration — half at a random moment of the whole run, half within a few
 * milliseconds after the write stage begins — one after another onto the same target, which
 * starts absent and later holds an earlier complete bundle. After every kill the target is
 * either absent or a complete bundle that loads with `verify` and gives the reference outputs;
 * everything else left beside it is a hidden temporary directory named for that target
 * (`.tiny-cnn.nnb.tmp-<pid>-<ms>[.old]`), and the next compile that completes removes them.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDirWriter } from '../../compiler/bundle/temp-dirs.js';
import { seededRandom } from '../../compiler/random.js';
import { fixtureModels } from '../../fixtures/models/definitions.js';
import { Session } from '../../runtime/session.js';
import type { Tensor } from '../../runtime/tensor/tensor.js';
import { cliPath, fixtureModelDir } from '../support/paths.js';
import { fixtureProfile } from '../support/profiles.js';

const kills = 20;
const model = join(fixtureModelDir, 'tiny-cnn.onnx');
const profile = fixtureProfile('epyc-zen4-2core-node20');
const tinyCnn = fixtureModels.find((f) => f.name === 'tiny-cnn')!;

interface Killed {
  /** Whether the compile had finished (exit 0) before the kill landed. */
  finished: boolean;
  sawWriteStage: boolean;
}

/** Starts a compile and SIGKILLs it `delayMs` after it starts, or after it prints the write stage. */
function compileAndKill(target: string, delayMs: number, afterWriteStage: boolean): Promise<Killed> {
  const child = spawn(process.execPath, [cliPath, 'compile', model, '-o', target, '--profile', profile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let sawWriteStage = false;
  const kill = (): void => { setTimeout(() => child.kill('SIGKILL'), delayMs); };
  if (!afterWriteStage) kill();
  child.stderr.on('data', (chunk: Buffer) => {
    if (!sawWriteStage && chunk.toString().includes('nncc: write')) {
      sawWriteStage = true;
      if (afterWriteStage) kill();
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ finished: code === 0, sawWriteStage })));
}

async function outputsOf(bundle: string): Promise<Tensor> {
  const session = await Session.create(bundle, { verify: true });
  try {
    return (await session.run(tinyCnn.inputs())).probabilities;
  } finally {
    session.dispose();
  }
}

describe('compile killed at any moment', () => {
  let work: string;
  before(() => { work = mkdtempSync(join(tmpdir(), 'nncc-killed-')); });
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`${kills} SIGKILLs leave the target absent or complete, and only named temporary directories beside it`, async () => {
    const reference = join(work, 'reference.nnb');
    const start = performance.now();
    const compiled = spawnSync(process.execPath, [cliPath, 'compile', model, '-o', reference, '--profile', profile], { encoding: 'utf8' });
    const compileMs = performance.now() - start;
    assert.equal(compiled.status, 0, compiled.stderr);
    const expected = await outputsOf(reference);

    const dir = join(work, 'target');
    const target = join(dir, 'tiny-cnn.nnb');
    mkdirSync(dir);
    const random = seededRandom(8);
    const tally = { killedBeforeWrite: 0, killedWhileWriting: 0, finished: 0, targetAbsent: 0, targetComplete: 0, leftovers: 0 };
    for (let i = 0; i < kills; i++) {
      const afterWriteStage = i % 2 === 1;
      // From kill 10 on, an earlier complete bundle is at the target: the kill may land while it is replaced.
      if (i >= kills / 2 && !existsSync(target)) cpSync(reference, target, { recursive: true });
      const delayMs = afterWriteStage ? random() * 3 : random() * compileMs * 1.1;
      const killed = await compileAndKill(target, delayMs, afterWriteStage);
      if (killed.finished) tally.finished++;
      else if (killed.sawWriteStage) tally.killedWhileWriting++;
      else tally.killedBeforeWrite++;
      if (existsSync(target)) {
        tally.targetComplete++;
        assert.deepEqual((await outputsOf(target)).data, expected.data, `kill ${i} (${delayMs.toFixed(1)} ms): the bundle at the target is complete`);
      } else {
        tally.targetAbsent++;
      }
      const others = readdirSync(dir).filter((name) => name !== 'tiny-cnn.nnb');
      for (const name of others) {
        assert.ok(name.startsWith('.') && tempDirWriter(target, name) !== undefined, `kill ${i}: '${name}' beside the target is a named temporary directory`);
      }
      tally.leftovers += others.length;
    }
    const last = spawnSync(process.execPath, [cliPath, 'compile', model, '-o', target, '--profile', profile], { encoding: 'utf8' });
    assert.equal(last.status, 0, last.stderr);
    const left = readdirSync(dir);
    console.log(`      compile ${compileMs.toFixed(0)} ms; ${kills} kills: ${tally.killedBeforeWrite} before the write stage, ${tally.killedWhileWriting} in it, `
      + `${tally.finished} after the compile finished; target then absent ${tally.targetAbsent}, complete ${tally.targetComplete}; `
      + `temporary directories seen after kills ${tally.leftovers}, after the next compile ${left.length - 1}`);
    assert.deepEqual(left, ['tiny-cnn.nnb'], 'the next compile removed the temporary directories killed compiles left');
    assert.deepEqual((await outputsOf(target)).data, expected.data);
  });
});
