/**
 * Example: a serverless-style function (`serverless-handler/handler.mts`) that loads a bundle on
 * cold start and serves requests. Builds the function as its author would: compiles the fixture
 * model into `model.nnb` beside the handler, type-checks and compiles the handler against the
 * bundle's typed entry module, links the runtime package `nncc-runtime`. Then stands in for the
 * platform (`serverless-handler/platform.mjs`): one fresh instance process receives a sequence of
 * requests, the last one malformed. Prints the cold start (process start → first response) and
 * the warm invocations.
 *
 *   node dist/examples/serverless-handler.js [--requests 8] [--json]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtureModels, fixtureProfiles, freshAppDir, linkRuntime, median, nncc, repoRoot, timedNode } from './support/example-app.js';

const templateDir = join(repoRoot, 'examples', 'serverless-handler');
const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');

export interface Invocation {
  statusCode: number;
  body: { top?: { class: number; p: number }[]; ms?: number; error?: string };
  invocationMs: number;
  sinceProcessStartMs: number;
}

export interface ServerlessReport {
  appDir: string;
  invocations: Invocation[];
  /** Process start → first response (the user-visible cold start), and the spawn-to-exit wall time. */
  coldStartMs: number;
  instanceWallMs: number;
  warmInvocationMedianMs: number;
}

/** Builds the function in a fresh directory and serves `requests` requests (plus one malformed) from one instance. */
export function serveRequests(options: { requests: number; parent?: string }): ServerlessReport {
  const app = freshAppDir('serverless', options.parent);
  nncc(['compile', join(fixtureModels, 'tiny-cnn.onnx'), '-o', join(app, 'model.nnb'), '--profile', join(fixtureProfiles, 'epyc-zen4-2core-node20.json')], { quiet: true });
  linkRuntime(app);
  for (const file of ['handler.mts', 'platform.mjs', 'tsconfig.json']) copyFileSync(join(templateDir, file), join(app, file));
  const built = spawnSync(tsc, ['-p', join(app, 'tsconfig.json')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the handler does not type-check against the bundle:\n${built.stdout}${built.stderr}`);

  const image = [...new Float32Array(readFileSync(join(fixtureModels, 'tiny-cnn.input.f32')).buffer.slice(0))];
  const bodies = Array.from({ length: options.requests }, (_, i) => JSON.stringify({ input: image.map((v, j) => (j % options.requests === i ? -v : v)) }));
  bodies[0] = JSON.stringify({ input: image });
  bodies.push(JSON.stringify({ input: image.slice(1) }));
  writeFileSync(join(app, 'requests.jsonl'), `${bodies.join('\n')}\n`);

  const { stdout, wallMs } = timedNode(app, ['platform.mjs', 'requests.jsonl']);
  const invocations = JSON.parse(stdout) as Invocation[];
  return {
    appDir: app,
    invocations,
    coldStartMs: invocations[0].sinceProcessStartMs,
    instanceWallMs: wallMs,
    warmInvocationMedianMs: median(invocations.slice(1, -1).map((i) => i.invocationMs)),
  };
}

function formatReport(report: ServerlessReport): string {
  const lines = report.invocations.map((inv, i) => {
    const what = inv.statusCode === 200 ? `top class ${inv.body.top![0].class} (p ${inv.body.top![0].p.toFixed(3)}), inference ${inv.body.ms!.toFixed(2)} ms` : inv.body.error;
    return `request ${String(i + 1).padStart(2)}  ${inv.statusCode}  ${inv.invocationMs.toFixed(2).padStart(7)} ms  ${what}`;
  });
  return [
    `function built in ${report.appDir} (handler type-checked against model.nnb/index.d.mts)`,
    ...lines,
    `cold start (instance process start → first response): ${report.coldStartMs.toFixed(1)} ms; warm invocation median ${report.warmInvocationMedianMs.toFixed(2)} ms`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '8' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write('usage: node dist/examples/serverless-handler.js [--requests 8] [--json]\n');
    process.exit(0);
  }
  const report = serveRequests({ requests: Number(values.requests) });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
}
