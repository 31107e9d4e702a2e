/**
 * Plans damaged and re-signed (the manifest's hash rewritten to match, so only the plan's own
 * checks stand between it and the kernels) are refused at load with NNCC207 naming plan.msgpack:
 * an attribute the operator refuses (a renamed `group`), a kernel that does not apply to its step,
 * packed weights not in the kernel's layout, an unknown field; and in NC4HW4: a value given a
 * layout it cannot have, a kernel that does not take its values' layouts, a conversion that does
 * not convert.
 */
import assert from 'node:assert/strict';
import { resign } from '../../support/resign.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { unpack } from 'msgpackr/unpack';
import { compileModel } from '../../../compiler/compile.js';
import type { Manifest } from '../../../runtime/bundle/manifest.js';
import { BundleError } from '../../../runtime/errors/errors.js';
import type { Plan } from '../../../runtime/plan/plan.js';
import { layoutConversionOps } from '../../../runtime/kernels/variant.js';
import { Session } from '../../../runtime/session.js';
import { compileKeepingEveryRegion } from '../../support/models.js';
import { fixtureModelDir } from '../../support/paths.js';

type Edit = (plan: { steps: Record<string, unknown>[]; values: Record<string, unknown>[] } & Record<string, unknown>) => void;

describe('damaged, re-signed plans', () => {
  let root: string;
  let good: string;
  let goodNC4HW4: string;
  let counter = 0;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nncc-plan-binding-'));
    good = join(root, 'good.nnb');
    goodNC4HW4 = join(root, 'good-nc4hw4.nnb');
    compileModel(join(fixtureModelDir, 'tiny-cnn.onnx'), good, { layout: 'nchw' });
    compileKeepingEveryRegion(join(fixtureModelDir, 'tiny-cnn.onnx'), goodNC4HW4);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the good bundle with its plan edited and the manifest re-signed. */
  function edited(edit: Edit, from = good): string {
    const dir = join(root, `edit-${counter++}.nnb`);
    cpSync(from, dir, { recursive: true });
    const plan = unpack(readFileSync(join(dir, 'plan.msgpack'))) as Parameters<Edit>[0];
    edit(plan);
    const bytes = new Packr({ useRecords: false }).pack(plan);
    writeFileSync(join(dir, 'plan.msgpack'), bytes);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const entry = manifest.files.find((f) => f.path === 'plan.msgpack')!;
    resign(entry, bytes);
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

  it('a value given a layout it cannot have (a constant in NC4HW4)', async () => {
    await refused(edited((plan) => {
      const constant = plan.values.find((v) => v.kind === 'constant' && (v.dims as number[]).length === 4)!;
      constant.layout = 'NC4HW4';
    }), /only a 4-D float32 activation may have/);
  });

  it('an NC4HW4 value whose size is that of NCHW', async () => {
    await refused(edited((plan) => {
      const value = plan.values.find((v) => v.layout === 'NC4HW4' && (v.dims as number[])[1] % 4 !== 0)
        ?? plan.values.find((v) => v.layout === 'NC4HW4')!;
      delete value.layout;
    }, goodNC4HW4), /wrong size|take or give its values' layouts|does not apply/);
  });

  it('a kernel that does not take its values\' layouts (an NCHW Add on NC4HW4 values)', async () => {
    await refused(edited((plan) => {
      const step = stepOf(plan, 'Add');
      assert.match(step.kernel as string, /c4/);
      step.kernel = 'wasm.Add.simd';
    }, goodNC4HW4), /does not take or give its values' layouts/);
  });

  it('a conversion that does not convert', async () => {
    await refused(edited((plan) => {
      stepOf(plan, layoutConversionOps.toNCHW).op = layoutConversionOps.toNC4HW4;
    }, goodNC4HW4), /must turn one value into the same shape in NC4HW4/);
  });

  // The plan's memory (runtime/bundle/check-memory.ts): damage the fuzzer found computing wrong answers.
  const activations = (plan: Parameters<Edit>[0]) => plan.values.filter((v) => v.kind === 'activation');

  it('a step whose weights range stops short of its constants', async () => {
    await refused(edited((plan) => {
      const step = plan.steps.find((st) => (st.weightsRange as { bytes: number }).bytes > 64)!;
      (step.weightsRange as { bytes: number }).bytes -= 64;
    }), /before any step has read it/);
  });

  it('two activations alive together given the same memory', async () => {
    await refused(edited((plan) => {
      const step = plan.steps.find((st) => (st.outputs as number[]).length === 1 && (st.inputs as number[]).some((v) => plan.values[v]?.kind === 'activation'))!;
      const input = (step.inputs as number[]).find((v) => plan.values[v].kind === 'activation')!;
      plan.values[(step.outputs as number[])[0]].offset = plan.values[input].offset;
    }), /share memory during step/);
  });

  it('a step whose scratch overlaps a value alive during it', async () => {
    await refused(edited((plan) => {
      const step = plan.steps.find((st) => (st.scratchBytes as number) > 0)!;
      step.scratchOffset = plan.values[(step.outputs as number[])[0]].offset;
    }), /share memory during step/);
  });

  it('an activation placed over the weights', async () => {
    await refused(edited((plan) => {
      const constant = plan.values.find((v) => v.kind === 'constant')!;
      activations(plan)[0].offset = constant.offset;
    }), /shares memory with weights/);
  });

  for (const [name, bundle] of [['NCHW', () => good], ['NC4HW4', () => goodNC4HW4]] as const) {
    it(`the undamaged ${name} plan, re-encoded and re-signed, still loads (the edits alone are refused)`, async () => {
      const session = await Session.create(edited(() => undefined, bundle()));
      assert.ok((session.plan as Plan).steps.length > 0);
      await session.dispose();
    });
  }
});
