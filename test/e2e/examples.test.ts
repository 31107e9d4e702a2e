/**
 * Every example in `examples/` runs and does what it says: the quick start compiles and runs the
 * fixture cold; the runtime-only deployment installs `nncc-runtime` alone (no other package) and
 * its app gives the reference answer; the serverless handler type-checks against the bundle,
 * answers requests with the reference's probabilities and refuses a malformed one; the CI step
 * posts a Markdown diff when the device changes and says "unchanged" when it does not.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOnnxFile } from '../../compiler/import/onnx.js';
import { executeGraph } from '../../compiler/lower/execute-graph.js';
import { deployRuntimeOnly } from '../../examples/deploy-runtime-only.js';
import { serveRequests } from '../../examples/serverless-handler.js';
import { cliPath, fixtureModelDir, repoRoot } from '../support/paths.js';

const model = join(fixtureModelDir, 'tiny-cnn.onnx');
const inputFile = join(fixtureModelDir, 'tiny-cnn.input.f32');
const profiles = join(repoRoot, 'fixtures', 'profiles');

function referenceProbabilities(): Float32Array {
  const bytes = readFileSync(inputFile);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return executeGraph(importOnnxFile(model), { input: { dtype: 'float32', dims: [1, 3, 32, 32], data } }).probabilities.data as Float32Array;
}

const argmax = (values: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
};

describe('examples', function () {
  this.timeout(120_000);
  let root: string;
  let expected: Float32Array;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nncc-examples-'));
    expected = referenceProbabilities();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('quickstart: compiles the fixture for a profile, runs it cold and prints the stage breakdown', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'examples', 'quickstart.js')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\$ nncc compile .*tiny-cnn\.onnx .*--profile/);
    for (const stage of ['read', 'alloc', 'prepare', 'transform', 'execute', 'total cold', 'process start → first output']) {
      assert.match(result.stdout, new RegExp(`^${stage}.*\\d+\\.\\d\\d$`, 'm'), `no ${stage} line`);
    }
  });

  it('deploy-runtime-only: the device installs nncc-runtime alone and its app gives the reference answer', () => {
    const report = deployRuntimeOnly({ model, input: inputFile, runs: 1, parent: join(root, 'deploy') });
    assert.deepEqual(report.nodeModulesPackages, ['nncc-runtime']);
    assert.ok(report.runtimeBytes > 100_000 && report.runtimeBytes < 1024 * 1024, `runtime installs ${report.runtimeBytes} bytes`);
    assert.equal(report.appOutput.output, 'probabilities');
    assert.equal(report.appOutput.argmax, argmax(expected));
    assert.ok(report.coldWallMedianMs > 0 && report.appOutput.firstOutputMs < report.coldWallMedianMs);
  });

  it('serverless-handler: serves requests from one instance with the reference answer, refuses a malformed one', () => {
    const report = serveRequests({ requests: 4, parent: join(root, 'serverless') });
    assert.equal(report.invocations.length, 5);
    const [first, ...rest] = report.invocations;
    assert.equal(first.statusCode, 200);
    assert.equal(first.body.top![0].class, argmax(expected));
    assert.ok(Math.abs(first.body.top![0].p - expected[argmax(expected)]) <= 1e-5, `p ${first.body.top![0].p} vs ${expected[argmax(expected)]}`);
    assert.deepEqual(rest.map((i) => i.statusCode), [200, 200, 200, 400]);
    assert.match(rest[3].body.error!, /must be 3072 numbers/);
    assert.ok(report.coldStartMs > report.warmInvocationMedianMs);
  });

  it('ci-schedule-diff: posts the Markdown diff when the device changes, says unchanged otherwise, fails on errors', () => {
    const script = join(repoRoot, 'examples', 'ci-schedule-diff', 'schedule-diff.sh');
    const env = { ...process.env, NNCC: `${process.execPath} ${cliPath}`, GH_TOKEN: '', GITHUB_TOKEN: '' };
    const step = (profile: string, baseline: string, out: string) => spawnSync('bash', [script, model, join(profiles, profile), baseline, join(root, out), join(root, `${out}.md`)], { encoding: 'utf8', env });
    const base = step('pixel5-cpu.json', join(root, 'missing.nnb'), 'base.nnb');
    assert.equal(base.status, 2, 'a missing baseline is an error');
    assert.match(base.stderr, /nncc diff failed \(exit 2\)/);

    const changed = step('jetson-tx2-gpu.json', join(root, 'base.nnb', 'schedule.json'), 'pr.nnb');
    assert.equal(changed.status, 0, changed.stderr);
    assert.match(changed.stdout, /^\*\*nncc diff\*\* `tiny-cnn`: profile pixel5-cpu → jetson-tx2-gpu/);
    assert.match(changed.stdout, /\| step \| node \| change \|/);

    const same = step('pixel5-cpu.json', join(root, 'base.nnb'), 'same.nnb');
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stderr, /schedule unchanged/);
    assert.match(same.stdout, /no differences/);
  });
});
