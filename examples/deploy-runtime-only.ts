/**
 * Example: deploy a bundle to another directory (standing in for a device) and run it there with
 * only the runtime installed. On the build machine: compile the model, `npm pack` the runtime
 * package (`dist/bundle`, published as `nncc-runtime`, no dependencies). On the "device": an
 * empty application that installs the packed runtime offline, receives the bundle as files, and
 * runs it through the bundle's typed entry module (`index.mjs`) — no compiler, no ts-morph, no
 * ONNX parser. Prints what is on disk and the end-to-end cold time of a fresh process.
 *
 *   node dist/examples/deploy-runtime-only.js [--model m.onnx --input x.f32] [--profile p.json] [--runs 5] [--json]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtureModels, fixtureProfiles, freshAppDir, median, nncc, runtimePackageDir, timedNode } from './support/example-app.js';

export interface DeployReport {
  deviceDir: string;
  runtimeBytes: number;
  bundleBytes: number;
  nodeModulesPackages: string[];
  coldWallMs: number[];
  coldWallMedianMs: number;
  /** What the app printed on its last run: the first output's argmax and the time to first output. */
  appOutput: { output: string; argmax: number; firstOutputMs: number };
}

/** The application on the device: imports the bundle's entry module and nothing else. */
const appSource = `import { readFileSync } from 'node:fs';
import { run, inputs, outputs } from './model.nnb/index.mjs';

const [inputName] = Object.keys(inputs);
const bytes = readFileSync(process.argv[2]);
const result = await run({ [inputName]: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) });
const [outputName] = Object.keys(outputs);
const data = result[outputName].data;
let argmax = 0;
for (let i = 1; i < data.length; i++) if (data[i] > data[argmax]) argmax = i;
process.stdout.write(JSON.stringify({ output: outputName, argmax, firstOutputMs: performance.now() }) + '\\n');
process.exit(0);
`;

export function deployRuntimeOnly(options: { model: string; input: string; profile?: string; runs: number; parent?: string }): DeployReport {
  const build = freshAppDir('build', options.parent);
  const bundle = join(build, 'model.nnb');
  nncc(['compile', options.model, '-o', bundle, ...(options.profile ? ['--profile', options.profile] : [])], { quiet: true });
  const packed = spawnSync('npm', ['pack', runtimePackageDir, '--pack-destination', build, '--silent'], { encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack of the runtime failed:\n${packed.stderr}`);
  const tarball = join(build, packed.stdout.trim().split('\n').at(-1)!);

  const device = freshAppDir('device', options.parent);
  writeFileSync(join(device, 'package.json'), `${JSON.stringify({ name: 'device-app', private: true, type: 'module', dependencies: { 'nncc-runtime': `file:${tarball}` } }, null, 2)}\n`);
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent'], { cwd: device, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install of the runtime on the device failed:\n${install.stderr}`);
  cpSync(bundle, join(device, 'model.nnb'), { recursive: true });
  cpSync(options.input, join(device, 'input.f32'));
  writeFileSync(join(device, 'app.mjs'), appSource);

  const coldWallMs: number[] = [];
  let last = '';
  for (let i = 0; i < options.runs; i++) {
    const { stdout, wallMs } = timedNode(device, ['app.mjs', 'input.f32']);
    coldWallMs.push(wallMs);
    last = stdout;
  }
  return {
    deviceDir: device,
    runtimeBytes: directoryBytes(join(device, 'node_modules')),
    bundleBytes: directoryBytes(join(device, 'model.nnb')),
    nodeModulesPackages: readdirSync(join(device, 'node_modules')).filter((name) => !name.startsWith('.')),
    coldWallMs,
    coldWallMedianMs: median(coldWallMs),
    appOutput: JSON.parse(last) as DeployReport['appOutput'],
  };
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function formatReport(report: DeployReport): string {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  return [
    `device directory     ${report.deviceDir}`,
    `node_modules         ${report.nodeModulesPackages.join(', ')}: ${kb(report.runtimeBytes)} installed`,
    `bundle               ${kb(report.bundleBytes)}`,
    `app output           ${report.appOutput.output} argmax ${report.appOutput.argmax}`,
    `cold end to end      median ${report.coldWallMedianMs.toFixed(1)} ms over ${report.coldWallMs.length} fresh processes (${report.coldWallMs.map((ms) => ms.toFixed(1)).join(', ')})`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: join(fixtureModels, 'tiny-cnn.onnx') },
      input: { type: 'string', default: join(fixtureModels, 'tiny-cnn.input.f32') },
      profile: { type: 'string', default: join(fixtureProfiles, 'epyc-zen4-2core-node20.json') },
      runs: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node dist/examples/deploy-runtime-only.js [--model m.onnx --input x.f32] [--profile p.json] [--runs 5] [--json]\n');
    process.exit(0);
  }
  const report = deployRuntimeOnly({ model: values.model, input: values.input, profile: values.profile, runs: Number(values.runs) });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
}
