/**
 * The contract every kernel fulfils. A kernel implements one ONNX operator: `infer` gives output
 * types and shapes from input types and shapes (and constant input values, where an output shape
 * depends on them, as for Reshape), `run` computes. The reference kernels in `ref/` are the
 * specification; faster kernels later are checked against them.
 *
 * Inputs follow the ONNX input order; an omitted optional input is `undefined`. Operators whose
 * older opsets took attributes that newer ones take as inputs (Clip min/max, Split split, Squeeze
 * and Unsqueeze axes, Pad pads, Slice starts/ends) are normalised by the importer to the input
 * form, so a kernel handles one form only.
 */
import { KernelError, UnsupportedError } from '../errors/errors.js';
import type { DType, Tensor, ValueInfo } from '../tensor/tensor.js';

export type AttributeValue = number | string | readonly number[] | readonly string[] | Tensor;
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** What `infer` knows of one input: its type and, if it is a constant, its value. */
export interface InputInfo extends ValueInfo {
  readonly value?: Tensor;
}

export interface ReferenceKernel {
  /** ONNX op type, e.g. 'Conv'. */
  readonly op: string;
  infer(inputs: readonly (InputInfo | undefined)[], attrs: Attributes): ValueInfo[];
  run(inputs: readonly (Tensor | undefined)[], attrs: Attributes): Tensor[];
}

export function attrInt(attrs: Attributes, name: string, fallback?: number): number {
  const v = attrs[name];
  if (v === undefined) {
    if (fallback === undefined) throw new KernelError(`missing required attribute '${name}'`);
    return fallback;
  }
  if (typeof v !== 'number') throw new KernelError(`attribute '${name}' must be a number, got ${describe(v)}`);
  return v;
}

export const attrFloat = attrInt;

export function attrInts(attrs: Attributes, name: string, fallback?: readonly number[]): readonly number[] {
  const v = attrs[name];
  if (v === undefined) {
    if (fallback === undefined) throw new KernelError(`missing required attribute '${name}'`);
    return fallback;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
    throw new KernelError(`attribute '${name}' must be a list of numbers, got ${describe(v)}`);
  }
  return v as readonly number[];
}

export function attrString(attrs: Attributes, name: string, fallback?: string): string {
  const v = attrs[name];
  if (v === undefined) {
    if (fallback === undefined) throw new KernelError(`missing required attribute '${name}'`);
    return fallback;
  }
  if (typeof v !== 'string') throw new KernelError(`attribute '${name}' must be a string, got ${describe(v)}`);
  return v;
}

/** The input at `index`, or a KernelError saying it is required. */
export function required<T>(inputs: readonly (T | undefined)[], index: number, what: string): T {
  const v = inputs[index];
  if (v === undefined) throw new KernelError(`input ${index} (${what}) is required`);
  return v;
}

/** Throws unless `dtype` is one of `allowed`. */
export function expectDType(dtype: DType, allowed: readonly DType[], what: string): void {
  if (!allowed.includes(dtype)) {
    throw new UnsupportedError(`${what} has dtype ${dtype}; supported: ${allowed.join(', ')}`);
  }
}

/** Normalises a possibly negative axis against `rank`, or throws. */
export function normaliseAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new KernelError(`${what} ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

function describe(v: AttributeValue): string {
  if (Array.isArray(v)) return `a list`;
  if (typeof v === 'object') return 'a tensor';
  return JSON.stringify(v);
}
