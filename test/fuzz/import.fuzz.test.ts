/**
 * Property-based fuzzing of the importer (`importOnnx` + `runPasses`): over the fixture models,
 * their mutations and hostile models made from scratch, every case ends in a correct compile or
 * a `CompileError` with an NNCC code — never another exception, a case over 2 s, or a tensor
 * over the planned element limit. Seeded, so a failure reproduces; `fuzz.bench.ts` runs more.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { OnnxModelBuilder } from '../../fixtures/builder/onnx-builder.js';
import { fixtureModelDir } from '../support/paths.js';
import {
  absurdDimsModel, absurdInitializerModel, applyByteMutations, applyModelEdits, byteMutationsArb, cycleModel, hugeAttributeModel,
  manyAttributesModel, missingInputsArb, missingInputsModel, modelEditsArb, randomGraphArb, randomGraphModel, type HostileModel,
} from './support/mutations.js';
import { importCase, takeVerdictCounts, type CaseResult } from './support/properties.js';

const fixtureNames = ['tiny-cnn', 'fire-block', 'legacy-opset9'];
const runs = { seed: 42, numRuns: 200 };

function expectHandled(result: CaseResult, label: string): void {
  assert.ok(result.verdict === 'correct' || result.verdict === 'clear-error', `${label}: ${result.verdict}: ${result.detail}`);
}

describe('fuzz: import', function () {
  this.timeout(60_000);
  const fixtures = new Map(fixtureNames.map((name) => [name, new Uint8Array(readFileSync(join(fixtureModelDir, `${name}.onnx`)))]));
  before(() => takeVerdictCounts());
  after(() => process.stdout.write(`      fuzz: import (seed ${runs.seed}): ${takeVerdictCounts()}\n`));

  it('compiles every unmutated fixture model', () => {
    for (const [name, bytes] of fixtures) assert.equal(importCase(bytes).verdict, 'correct', name);
  });

  it('byte mutations (truncate, flip, overwrite, insert) of the fixtures end in a compile or a coded error', () => {
    fc.assert(fc.property(fc.constantFrom(...fixtureNames), byteMutationsArb, (name, mutations) => {
      expectHandled(importCase(applyByteMutations(fixtures.get(name)!, mutations)), `${name} ${JSON.stringify(mutations)}`);
    }), runs);
  });

  it('structural edits of the fixtures (nodes, dims, opsets, ops, attributes) end in a compile or a coded error', () => {
    fc.assert(fc.property(fc.constantFrom(...fixtureNames), modelEditsArb, (name, edits) => {
      expectHandled(importCase(applyModelEdits(fixtures.get(name)!, edits)), `${name} ${JSON.stringify(edits)}`);
    }), runs);
  });

  it('nodes with missing or omitted inputs end in a compile or a coded error', () => {
    fc.assert(fc.property(missingInputsArb, (spec) => {
      const model = missingInputsModel(spec);
      expectHandled(importCase(model.bytes), model.label);
    }), runs);
  });

  it('random small graphs of supported and unsupported ops end in a compile or a coded error', () => {
    fc.assert(fc.property(randomGraphArb, (spec) => {
      const model = randomGraphModel(spec);
      expectHandled(importCase(model.bytes), model.label);
    }), runs);
  });

  describe('hostile models', () => {
    const expectCode = (model: HostileModel, code?: string): CaseResult => {
      const result = importCase(model.bytes);
      expectHandled(result, model.label);
      if (code) assert.equal(result.code, code, `${model.label}: ${result.detail}`);
      return result;
    };

    it('refuses absurd input dims with NNCC111 instead of allocating them', () => {
      for (const dims of [[1e9, 1e9], [2 ** 31], [65536, 65536], [1, 3, 1e5, 1e5], [2 ** 53], [-1], [3, -5]]) {
        const model = absurdDimsModel(dims);
        expectCode(model, model.expectedCode);
      }
      expectCode(absurdDimsModel([1e15, 0]));
    });

    it('refuses initializers with absurd dims and no data behind them, before allocating', () => {
      for (const dims of [[1e9, 1e9], [2 ** 31], [65536, 65536, 4], [2 ** 30], [1e9]]) {
        const result = expectCode(absurdInitializerModel(dims));
        assert.equal(result.verdict, 'clear-error');
      }
    });

    it('handles huge attribute lists and many attributes quickly', () => {
      for (const attribute of ['kernel_shape', 'pads', 'strides', 'dilations']) {
        for (const value of [1, 0, -1, 1e9]) expectCode(hugeAttributeModel(attribute, 100_000, value));
      }
      expectCode(manyAttributesModel(20_000));
    });

    it('refuses old-opset attributes moved to inputs when they are not numbers (NNCC111)', () => {
      const b = new OnnxModelBuilder('strings-as-axes', 11);
      b.output(b.op('Unsqueeze', [b.input('x', 'float32', [4, 3])], { axes: ['b', 'a'] }));
      expectCode({ label: 'Unsqueeze opset 11 axes of strings', bytes: b.toBytes() }, 'NNCC111');
    });

    it('refuses cycles (a node reading its own output, or a later one) with NNCC130', () => {
      for (const kind of ['self', 'later'] as const) {
        const model = cycleModel(kind);
        expectCode(model, model.expectedCode);
      }
    });
  });
});
