/**
 * Reads and validates a device profile for the compiler (never the runtime): JSON parse, format
 * version, then the schema, reporting every problem with its JSON path in one diagnostic.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { CompileError, codes } from '../diagnostics.js';
import { profileFormat, type DeviceProfile } from './profile.js';

const schemaPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas', 'device-profile.schema.json');
let validator: ReturnType<Ajv.default['compile']> | undefined;

function validate(value: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv.default({ allErrors: true, strict: false });
    validator = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  }
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${e.params.additionalProperty}'` : ''}`);
}

export function loadProfile(path: string): DeviceProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CompileError(codes.badProfile, `cannot read the device profile (${(error as Error).message})`, { file: path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CompileError(codes.badProfile, `the device profile is not JSON (${(error as Error).message})`, { file: path });
  }
  return checkProfile(value, path);
}

export function checkProfile(value: unknown, path = '(profile)'): DeviceProfile {
  const format = (value as { format?: { name?: unknown; version?: unknown } } | null)?.format;
  if (format && format.name === profileFormat.name && typeof format.version === 'number' && format.version !== profileFormat.version) {
    throw new CompileError(codes.badProfile, `device profile format version ${format.version}; this nncc reads version ${profileFormat.version}`,
      { file: path }, format.version < profileFormat.version ? 'measure the device again with `nncc profile`' : 'use a newer nncc');
  }
  const problems = validate(value);
  if (problems.length > 0) {
    throw new CompileError(codes.badProfile, `the device profile is invalid:\n${problems.map((p) => `    ${p}`).join('\n')}`, { file: path },
      'see schemas/device-profile.schema.json');
  }
  return value as DeviceProfile;
}
