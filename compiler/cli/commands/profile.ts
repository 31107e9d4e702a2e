/**
 * `nncc profile [models…] -o device.json`: measures this machine into a device profile (progress
 * on stderr), or with --resume extends an existing one; --report prints the cost model's fit
 * error per kernel family (alone, on an existing profile, when no model is given).
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CompileError, codes } from '../../diagnostics.js';
import { loadProfile } from '../../profile/load-profile.js';
import { parseDimBindings } from '../parse-bindings.js';
import { formatReport, profileMachine } from '../../measure/make-profile.js';

export interface ProfileArgs {
  models: string[];
  output: string;
  name?: string;
  dim: string[];
  resume: boolean;
  report: boolean;
  quick: boolean;
  json: boolean;
}

export function profileCommand(args: ProfileArgs): void {
  if (args.models.length === 0) {
    if (!args.report) throw new CompileError(codes.badOption, 'name models to profile, or --report on an existing profile', {}, 'nncc profile model.onnx -o device.json');
    const profile = loadProfile(args.output);
    process.stdout.write(args.json ? `${JSON.stringify(profile.costModel)}\n` : formatReport(profile));
    return;
  }
  const resume = args.resume && existsSync(args.output) ? loadProfile(args.output) : undefined;
  const start = performance.now();
  const profile = profileMachine(args.models, {
    name: args.name ?? resume?.device.name ?? hostname(),
    dims: parseDimBindings(args.dim),
    quick: args.quick,
    resume,
    onProgress: (message) => process.stderr.write(`nncc profile: ${message}\n`),
  });
  const text = `${JSON.stringify(profile, null, 2)}\n`;
  const temp = `${args.output}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, args.output);
  const summary = { ok: true, profile: args.output, kernels: profile.kernels.length, bytes: text.length, elapsedMs: performance.now() - start };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  process.stdout.write(`wrote ${args.output}: ${profile.kernels.length} kernel measurements, ${(text.length / 1024).toFixed(0)} KiB, ${(summary.elapsedMs / 1000).toFixed(1)} s\n`);
  if (args.report) process.stdout.write(formatReport(profile));
}
