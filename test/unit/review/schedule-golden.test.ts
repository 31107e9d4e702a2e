/**
 * Golden test of the canonical `schedule.json`: a small change to a model looks small in a plain
 * line diff. One model is built twice with the middle conv's kernel 3×3 or 5×5, compiled without
 * a profile, and the schedules are compared with `test/golden/*.schedule.json` (rewritten when
 * NNCC_UPDATE_GOLDEN=1; review them as diffs) and with each other line by line.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModel } from '../../../compiler/compile.js';
import { randomTensor, seededRandom } from '../../../compiler/random.js';
import { diffBundles } from '../../../compiler/review/diff-bundles.js';
import type { Schedule } from '../../../compiler/review/read-review-input.js';
import { OnnxModelBuilder } from '../../../fixtures/builder/onnx-builder.js';
import { repoRoot } from '../../support/paths.js';

const goldenDir = join(repoRoot, 'test', 'golden');
const updateGolden = process.env.NNCC_UPDATE_GOLDEN === '1';

/** stem 3×3 (8→16) + Relu → mid k×k (16→16, same size) + Relu → head 1×1 (16→8) → global average pool. */
function threeConvs(midKernel: number): Uint8Array {
  const random = seededRandom(7);
  const b = new OnnxModelBuilder('three-convs', 13);
  const conv = (x: string, name: string, cin: number, cout: number, k: number): string => {
    const w = b.initializer(`${name}.w`, randomTensor(random, [cout, cin, k, k], 1 / Math.sqrt(cin * k * k)));
    const bias = b.initializer(`${name}.b`, randomTensor(random, [cout], 0.1));
    const pad = (k - 1) / 2;
    return b.op('Conv', [x, w, bias], { kernel_shape: [k, k], pads: [pad, pad, pad, pad] }, name);
  };
  let h = b.op('Relu', [conv(b.input('x', 'float32', [1, 8, 16, 16]), 'stem', 8, 16, 3)], {}, 'stem.relu');
  h = b.op('Relu', [conv(h, 'mid', 16, 16, midKernel)], {}, 'mid.relu');
  h = conv(h, 'head', 16, 8, 1);
  b.output(b.op('GlobalAveragePool', [h], {}, 'pooled'));
  return b.toBytes();
}

/** Lines only in `before` and lines only in `after`, by longest common subsequence. */
function lineDiff(before: string[], after: string[]): { removed: string[]; added: string[] } {
  const common = before.map(() => new Array<number>(after.length + 1).fill(0));
  common.push(new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i][j] = before[i] === after[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) { i++; j++; }
    else if (j < after.length && (i === before.length || common[i][j + 1] >= common[i + 1][j])) added.push(after[j++]);
    else removed.push(before[i++]);
  }
  return { removed, added };
}

/** The kernel ABI hashes every kernel; a kernel edit elsewhere must not fail this test, so it is compared apart. */
const withoutKernelAbi = (text: string): string => text.replace(/^ {2}"kernelAbi": .*$/m, '  "kernelAbi": "(compared apart)",');

function checkGolden(name: string, actual: string): void {
  const file = join(goldenDir, `${name}.schedule.json`);
  if (updateGolden || !existsSync(file)) {
    assert.ok(updateGolden, `${file} is missing: run the tests with NNCC_UPDATE_GOLDEN=1 and review the new file`);
    writeFileSync(file, actual);
    return;
  }
  assert.equal(withoutKernelAbi(actual), withoutKernelAbi(readFileSync(file, 'utf8')),
    `${name}.schedule.json differs from the golden file; if intended, rerun with NNCC_UPDATE_GOLDEN=1 and review the diff`);
}

describe('canonical schedule.json (golden)', () => {
  let work: string;
  const schedules = new Map<number, string>();
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nncc-golden-'));
    for (const k of [3, 5]) {
      // The schedule names the model by its file name: the same name in two directories, as in a repository's history.
      mkdirSync(join(work, `k${k}`));
      const model = join(work, `k${k}`, 'three-convs.onnx');
      writeFileSync(model, threeConvs(k));
      compileModel(model, join(work, `k${k}.nnb`));
      schedules.set(k, readFileSync(join(work, `k${k}.nnb`, 'schedule.json'), 'utf8'));
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const k of [3, 5]) {
    it(`matches test/golden/three-convs-k${k}.schedule.json`, () => checkGolden(`three-convs-k${k}`, schedules.get(k)!));
  }

  it('changing one conv\'s kernel size touches only that step\'s line and the header lines that must change', () => {
    const { removed, added } = lineDiff(schedules.get(3)!.split('\n'), schedules.get(5)!.split('\n'));
    assert.ok(removed.length <= 4 && added.length <= 4, `too many changed lines:\n- ${removed.join('\n- ')}\n+ ${added.join('\n+ ')}`);
    for (const line of [...removed, ...added]) {
      assert.match(line, /^ {2}"(modelSha256|weightsBytes)": |"node": "mid"/, `unexpected changed line: ${line}`);
    }
    assert.ok(added.some((line) => line.includes('"node": "mid"')), 'the changed conv\'s step line changed');
  });

  it('the review diff sees the same single changed step', () => {
    const parse = (k: number): Schedule => JSON.parse(schedules.get(k)!) as Schedule;
    const diff = diffBundles({ path: 'k3', schedule: parse(3), manifest: null }, { path: 'k5', schedule: parse(5), manifest: null });
    assert.deepEqual(diff.steps.map((s) => [s.status, s.node]), [['changed', 'mid']]);
    assert.equal(diff.model.changed, true);
    assert.equal(diff.unchangedSteps, parse(5).steps.length - 1);
  });
});
