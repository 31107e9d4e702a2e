/**
 * Prints the conformance table: per supported operator, cases passed / failed / skipped, then
 * every failure and skip with its reason. `node dist/test/conformance/run.js [--op Conv] [--json] [--kernels fast]
 * [--root ../shared/onnx-conformance]`. Exits 1 if any case failed.
 */
import { resolve } from 'node:path';
import { listCases, runCase, summarise } from './node-tests.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = resolve(flag('--root') ?? '../shared/onnx-conformance');
const only = flag('--op');
const kernels = flag('--kernels') === 'fast' ? 'fast' : 'reference';
const cases = listCases(root).filter((c) => !only || c.op === only);
const results = cases.map((c) => runCase(c, kernels));
const summary = summarise(results);

if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  const lines = ['| operator | passed | failed | skipped |', '|---|---|---|---|'];
  for (const s of summary) lines.push(`| ${s.op} | ${s.passed} | ${s.failed.length} | ${s.skipped.length} |`);
  const total = (pick: (s: (typeof summary)[number]) => number) => summary.reduce((n, s) => n + pick(s), 0);
  lines.push(`| **all ${summary.length} operators** | ${total((s) => s.passed)} | ${total((s) => s.failed.length)} | ${total((s) => s.skipped.length)} |`);
  for (const s of summary) {
    for (const f of s.failed) lines.push(`FAIL ${f.name}: ${f.detail}`);
    for (const k of s.skipped) lines.push(`skip ${k.name}: ${k.detail}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exitCode = results.some((r) => r.outcome === 'failed') ? 1 : 0;
