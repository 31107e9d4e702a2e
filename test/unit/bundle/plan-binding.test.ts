/**
 * Plans damaged and re-signed (the manifest's hash rewritten to match, so only the plan's own
 * checks stand between it and the kernels) are refused at load with NNCC207 naming plan.msgpack:
 * an attribute the operator refuses (a renamed `group`), a kernel that does not apply to its step,
 * packed weights not in the kernel's layout, an unknown field.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { unpack } from 'msgpackr/unpack';
import { compileModel } from '../../../compiler/compile.js';
import type { Manifest } from '../../../runtime/bundle/manifest.js';
import { BundleError } from '../../../runtime/errors/errors.js';
import type { Plan } from '../../../runtime/plan/plan.js';
import { Session } from '../../../runtime/session.js';
import { fixtureModelDir } from '../../support/paths.js';

type Edit = (plan: { steps: Record<string, unknown>[]; values: Record<string, unknown>[] } & Record<string, unknown>) => void;

describe('damaged, re-signed plans', () => {
  let root: string;
  let good: string;
  let counter = 0;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nncc-plan-binding-'));
    good = join(root, 'good.nnb');
    compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), good);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the good bundle with its plan edited and the manifest re-signed. */
  function edited(edit: Edit): string {
    const dir = join(root, `edit-${counter++}.nnb`);
    cpSync(good, dir, { recursive: true });
    const plan = unpack(readFileSync(join(dir, 'plan.msgpack'))) as Parameters<Edit>[0];
    edit(plan);
    const bytes = new Packr({ useRecords: false }).pack(plan);
    writeFileSync(join(dir, 'plan.msgpack'), bytes);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const entry = manifest.files.find((f) => f.path === 'plan.msgpack')!;
    entry.bytes = bytes.length;
    entry.sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  }

  async function refused(dir: string, pattern: RegExp): Promise<void> {
    await assert.rejects(Session.create(dir), (error: unknown) => {
      assert.ok(error instanceof BundleError, String(error));
      assert.match(error.message, /^NNCC207 .*plan\.msgpack/);
      assert.match(error.message, pattern);
      return true;
    });
  }

  const stepOf = (plan: Parameters<Edit>[0], op: string, predicate: (s: Record<string, unknown>) => boolean = () => true) =>
    plan.steps.find((s) => s.op === op && predicate(s))!;
  const isDepthwise = (s: Record<string, unknown>): boolean => ((s.attrs as Record<string, unknown>).group as number) > 1;

  it('an attribute the operator refuses (group renamed)', async () => {
    await refused(edited((plan) => {
      const attrs = stepOf(plan, 'Conv', isDepthwise).attrs as Record<string, unknown>;
      attrs.gruop = attrs.group;
      delete attrs.group;
    }), /attributes and input shapes are invalid/);
  });

  it('a kernel that does not apply to its step', async () => {
    await refused(edited((plan) => {
      const step = stepOf(plan, 'Conv', (s) => !isDepthwise(s) && s.kernel === 'wasm.Conv.direct-packed');
      step.kernel = 'wasm.Conv.depthwise-3x3s1';
    }), /does not apply/);
  });

  it('packed weights not in the kernel\'s layout', async () => {
    await refused(edited((plan) => {
      const step = stepOf(plan, 'Conv', (s) => s.kernel === 'wasm.Conv.direct-packed');
      const packed = (step.inputs as number[]).find((v) => v >= 0 && plan.values[v].packedFor !== undefined)!;
      plan.values[packed].packedFor = 'wasm.Conv.im2col-sgemm';
    }), /not in its layout/);
  });

  it('an unknown field', async () => {
    await refused(edited((plan) => {
      const step = stepOf(plan, 'Conv');
      step.fusedd = step.fused;
      delete step.fused;
    }), /unknown field 'fusedd'/);
  });

  it('the undamaged plan, re-encoded and re-signed, still loads (the edits alone are refused)', async () => {
    const session = await Session.create(edited(() => undefined));
    assert.ok((session.plan as Plan).steps.length > 0);
    await session.dispose();
  });
});
