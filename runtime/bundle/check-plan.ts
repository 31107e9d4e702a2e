/**
 * Structural checks of a decoded plan against the manifest, cheap enough for every load: value
 * indices in range; every value inside the planned memory and of the size its dtype and dims
 * need; constants inside the weights image, exactly at their segment; transforms and steps naming
 * values of the right kinds; inputs and outputs as the manifest declares. A plan that passes
 * cannot make a kernel read or write outside the planned memory through a value.
 */
import { BundleError, runtimeCodes } from '../errors/errors.js';
import { referenceKernel } from '../kernels/ref/registry.js';
import { backgroundReads, planFormatVersion, segmentAlignment, type Plan, type PlanActivation } from '../plan/plan.js';
import { activationArgs } from '../kernels/activation-codes.js';
import { checkPlanMemory } from './check-memory.js';
import { layoutConversionOps } from '../kernels/variant.js';
import { valueBytes, type ActivationLayout } from '../tensor/layout.js';
import type { DType } from '../tensor/tensor.js';
import type { Manifest, TensorSpec } from './manifest.js';

const activationLayouts: readonly ActivationLayout[] = ['NCHW', 'NC4HW4'];

export type Fail = (detail: string, expected?: string, actual?: string) => never;

const knownDTypes: readonly DType[] = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'];
const valueKinds = ['input', 'constant', 'packed', 'activation'];

/** More lanes than this is a corrupt plan, not a bigger machine. */
const maxLanes = 256;

/**
 * The fields each plan object may have: a damaged field name (`fused` → `gused`) must not make
 * the runtime silently skip what the field said (and compute a wrong answer).
 */
const planKeys = {
  plan: ['format', 'values', 'inputs', 'outputs', 'steps', 'transforms', 'warmTransforms', 'segments', 'weightsBytes', 'weightsOffset', 'memoryBytes', 'usesWasm', 'lanes'],
  value: ['name', 'dtype', 'dims', 'kind', 'offset', 'bytes', 'layout', 'segment', 'packedFor'],
  step: ['node', 'op', 'kernel', 'inputs', 'outputs', 'attrs', 'fused', 'scratchOffset', 'scratchBytes', 'lanes', 'loader', 'weightsRange', 'transforms', 'tableRows', 'warm'],
  fused: ['op', 'kernel', 'attrs', 'inputs', 'code', 'p0', 'p1'],
  warm: ['kernel', 'inputs', 'scratchOffset', 'scratchBytes', 'transforms', 'weightsRange', 'preparer'],
  transform: ['kernel', 'step', 'from', 'to', 'rawStep'],
  segment: ['offset', 'bytes'],
} as const;

function checkKeys(object: object, kind: keyof typeof planKeys, fail: Fail): void {
  const allowed: readonly string[] = planKeys[kind];
  for (const key in object) {
    if (Object.hasOwn(object, key) && !allowed.includes(key)) fail(`a ${kind} has an unknown field '${key}'`, allowed.join(', '), key);
  }
}

export function checkPlan(plan: Plan, manifest: Manifest, file: string): void {
  const fail: Fail = (detail, expected, actual) => {
    throw new BundleError(runtimeCodes.planInvalid, file, detail, expected, actual);
  };
  if (typeof plan !== 'object' || plan === null) fail('not a plan object');
  if (plan.format !== planFormatVersion) fail('plan format differs', String(planFormatVersion), String(plan.format));
  checkKeys(plan, 'plan', fail);
  for (const key of ['values', 'inputs', 'outputs', 'steps', 'segments', 'transforms', 'warmTransforms'] as const) {
    if (!Array.isArray(plan[key])) fail(`'${key}' must be a list`);
  }
  const objects = (list: readonly unknown[], kind: keyof typeof planKeys): void => {
    for (const item of list) {
      if (typeof item !== 'object' || item === null) fail(`a ${kind} must be an object`);
      checkKeys(item as object, kind, fail);
    }
  };
  objects(plan.values, 'value');
  objects(plan.steps, 'step');
  objects(plan.steps.flatMap((s) => (s.fused ? [s.fused] : [])), 'fused');
  objects(plan.steps.flatMap((s) => (s.warm ? [s.warm] : [])), 'warm');
  objects([...plan.transforms, ...plan.warmTransforms], 'transform');
  objects(plan.segments, 'segment');
  if (!Number.isInteger(plan.lanes) || plan.lanes < 1 || plan.lanes > maxLanes) fail(`'lanes' must be 1 to ${maxLanes}`);
  for (const key of ['weightsBytes', 'weightsOffset', 'memoryBytes'] as const) {
    if (!Number.isSafeInteger(plan[key]) || plan[key] < 0) fail(`'${key}' must be a byte count`);
  }
  if (plan.weightsOffset + plan.weightsBytes > plan.memoryBytes) fail('weights image does not fit the planned memory');
  checkValues(plan, fail);
  const valueCount = plan.values.length;
  const isIndex = (v: unknown, allowOmitted: boolean): boolean =>
    Number.isInteger(v) && (v as number) < valueCount && ((v as number) >= 0 || (allowOmitted && v === -1));
  for (const step of plan.steps) {
    if (typeof step !== 'object' || step === null || !Array.isArray(step.inputs) || !Array.isArray(step.outputs)
      || (step.fused !== undefined && (typeof step.fused !== 'object' || step.fused === null || !Array.isArray(step.fused.inputs)))) {
      fail('a step must be an object with lists of inputs and outputs');
    }
    if (step.fused) checkFused(step.fused, step.node, fail);
    const indices = [...step.inputs, ...step.outputs, ...(step.fused?.inputs ?? [])];
    if (!indices.every((v) => isIndex(v, true))) fail(`step '${step.node}' names a value that does not exist`);
    if (step.outputs.some((v) => v >= 0 && plan.values[v].kind !== 'activation')) fail(`step '${step.node}' writes a value that is not an activation`);
    if (!Number.isInteger(step.lanes) || step.lanes < 1 || step.lanes > plan.lanes) fail(`step '${step.node}' asks for ${step.lanes} lanes; the plan starts ${plan.lanes}`);
    const loaderKnown = step.loader === backgroundReads || (Number.isInteger(step.loader) && step.loader >= 0 && step.loader < plan.lanes);
    if (!loaderKnown) fail(`step '${step.node}' is loaded by lane ${step.loader}; the plan starts ${plan.lanes} (and -1 means background reads)`);
    const range = step.weightsRange;
    if (!range || !Number.isSafeInteger(range.offset) || !Number.isSafeInteger(range.bytes) || range.offset < 0 || range.bytes < 0
      || range.offset + range.bytes > plan.weightsBytes) {
      fail(`step '${step.node}' names a weights range outside the weights file`);
    }
    if (!Array.isArray(step.transforms) || step.transforms.some((t) => !Number.isInteger(t) || !plan.transforms[t])) fail(`step '${step.node}' names a transform that does not exist`);
    if (step.warm) checkWarm(plan, step, isIndex, fail);
    if (step.tableRows !== undefined) checkTableRows(plan, step, fail);
    checkStepShapes(plan, step, fail);
    if (!Number.isSafeInteger(step.scratchOffset) || !Number.isSafeInteger(step.scratchBytes) || step.scratchBytes < 0
      || (step.scratchBytes > 0 && (step.scratchOffset < plan.weightsOffset || step.scratchOffset + step.scratchBytes > plan.memoryBytes))) {
      fail(`step '${step.node}' has scratch outside the planned memory`);
    }
  }
  for (const t of [...plan.transforms, ...plan.warmTransforms]) {
    if (typeof t !== 'object' || t === null) fail('a transform must be an object');
    if (!isIndex(t.from, false) || !isIndex(t.to, false) || !Number.isInteger(t.step) || !plan.steps[t.step]) fail('a transform names a value or step that does not exist');
    if (plan.values[t.from].kind !== 'constant' || plan.values[t.to].kind !== 'packed') fail('a transform must read a constant and write a packed value');
    if (!Number.isInteger(t.rawStep) || t.rawStep < 0 || t.rawStep > t.step) fail('a transform reads weights of a step that is not loaded before it');
  }
  if (!plan.inputs.every((v) => isIndex(v, false)) || !plan.outputs.every((v) => isIndex(v, false))) fail('inputs or outputs name values that do not exist');
  checkSpecs(plan, plan.inputs, manifest.inputs, 'inputs', fail);
  checkSpecs(plan, plan.outputs, manifest.outputs, 'outputs', fail);
  checkPlanMemory(plan, fail);
}

/**
 * A step's attributes and input shapes must give the output shapes the plan allots: kernels size
 * their loops from attributes, so a plan whose attributes disagree with its values would make a
 * kernel read or write past them; attributes the operator refuses (a renamed `group`, say) fail
 * too. Ops whose output shape depends on an input's value (Reshape, Slice…) cannot be checked
 * before the weights are read, and are skipped when their shapes need it.
 */
/** Ops whose output shape can depend on an input's value, which a plan does not carry. */
const valueDependentOps = new Set([
  'Constant', 'ConstantOfShape', 'Dropout', 'Expand', 'Pad', 'Range', 'ReduceMax', 'ReduceMean', 'ReduceSum', 'Reshape', 'Slice', 'Split',
  'Squeeze', 'Unsqueeze',
]);

/**
 * A table read by rows (`tableRows`) is the row reader's alone: a Gather over axis 0 whose
 * table is a constant filling exactly the step's weights range (the range no load reads whole),
 * read by no other step nor returned, indexed by an int32/int64 value that is not a constant,
 * the step loaded by the executing lane and transforming nothing.
 */
function checkTableRows(plan: Plan, step: Plan['steps'][number], fail: Fail): void {
  const why = (detail: string): never => fail(`step '${step.node}' reads its table by rows, but ${detail}`);
  if (step.tableRows !== true) why("'tableRows' is not true");
  if (step.op !== 'Gather' || (step.attrs.axis ?? 0) !== 0) why('it is not a Gather over axis 0');
  const [tableIndex, indicesIndex] = step.inputs;
  const table = plan.values[tableIndex];
  const indices = plan.values[indicesIndex];
  if (!table || table.kind !== 'constant' || table.segment === undefined || !table.dims.length || table.dims[0] < 1) why('its table is not a constant');
  const segment = plan.segments[table.segment!];
  if (!segment || segment.offset !== step.weightsRange.offset || segment.bytes !== step.weightsRange.bytes) why('its weights range is not its table');
  if (table.bytes % table.dims[0] !== 0) why('its table does not split into rows');
  if (!indices || indices.kind === 'constant' || (indices.dtype !== 'int64' && indices.dtype !== 'int32')) why('its indices are not an int32/int64 value');
  if (step.loader !== 0 || step.transforms.length > 0 || step.warm) why('it is not loaded by the executing lane alone');
  const readElsewhere = plan.steps.some((other) => other !== step && [...other.inputs, ...(other.warm?.inputs ?? [])].includes(tableIndex));
  if (readElsewhere || plan.outputs.includes(tableIndex)) why('another step or the outputs read the table');
}

function checkStepShapes(plan: Plan, step: Plan['steps'][number], fail: Fail): void {
  if (isLayoutConversion(step.op)) return checkConversion(plan, step, fail);
  const kernel = referenceKernel(step.op);
  if (!kernel) return fail(`step '${step.node}' has operator '${step.op}', which this runtime does not know`);
  let outputs;
  try {
    outputs = kernel.infer(step.inputs.map((v) => (v < 0 ? undefined : plan.values[v])), step.attrs ?? {});
  } catch (error) {
    if (valueDependentOps.has(step.op)) return;
    return fail(`step '${step.node}' (${step.op}): its attributes and input shapes are invalid (${(error as Error).message})`);
  }
  step.outputs.forEach((v, i) => {
    if (v < 0) return;
    const expected = outputs[i]?.dims;
    const actual = plan.values[v].dims;
    if (!expected || expected.length !== actual.length || expected.some((d, k) => d !== actual[k])) {
      fail(`step '${step.node}' (${step.op}) computes an output of shape [${expected?.join(',')}], the plan allots [${actual.join(',')}]`);
    }
  });
}

function isLayoutConversion(op: string): boolean {
  return op === layoutConversionOps.toNC4HW4 || op === layoutConversionOps.toNCHW;
}

/** A layout conversion keeps the logical shape and changes the layout to the one its op names. */
function checkConversion(plan: Plan, step: Plan['steps'][number], fail: Fail): void {
  const [from, to] = [step.inputs[0], step.outputs[0]].map((v) => (v === undefined || v < 0 ? undefined : plan.values[v]));
  const target = step.op === layoutConversionOps.toNC4HW4 ? 'NC4HW4' : 'NCHW';
  if (step.inputs.length !== 1 || step.outputs.length !== 1 || !from || !to || from.dims.join(',') !== to.dims.join(',') || (to.layout ?? 'NCHW') !== target) {
    fail(`step '${step.node}' (${step.op}) must turn one value into the same shape in ${target}`);
  }
}

function checkWarm(plan: Plan, step: Plan['steps'][number], isIndex: (v: unknown, omitted: boolean) => boolean, fail: Fail): void {
  const warm = step.warm!;
  if (typeof warm.kernel !== 'string' || !Array.isArray(warm.inputs) || !warm.inputs.every((v) => isIndex(v, true))) fail(`step '${step.node}' has an invalid warm kernel`);
  if (!Array.isArray(warm.transforms) || warm.transforms.some((t) => !Number.isInteger(t) || !plan.warmTransforms[t])) fail(`step '${step.node}' names a warm transform that does not exist`);
  const range = warm.weightsRange;
  if (!range || !Number.isSafeInteger(range.offset) || !Number.isSafeInteger(range.bytes) || range.offset < 0 || range.bytes < 0
    || range.offset + range.bytes > plan.weightsBytes) {
    fail(`step '${step.node}' names a warm weights range outside the weights file`);
  }
  if (!Number.isSafeInteger(warm.scratchBytes) || warm.scratchBytes < 0
    || (warm.scratchBytes > 0 && (warm.scratchOffset < plan.weightsOffset || warm.scratchOffset + warm.scratchBytes > plan.memoryBytes))) {
    fail(`step '${step.node}' has warm scratch outside the planned memory`);
  }
  if (!Number.isInteger(warm.preparer) || warm.preparer < 0 || warm.preparer >= plan.lanes) {
    fail(`step '${step.node}' has its warm kernel prepared by lane ${warm.preparer}; the plan starts ${plan.lanes}`);
  }
}

function checkValues(plan: Plan, fail: Fail): void {
  plan.values.forEach((value, i) => {
    if (typeof value !== 'object' || value === null) fail(`value ${i} is not an object`);
    if (!knownDTypes.includes(value.dtype)) fail(`value ${i} has an unknown dtype`, knownDTypes.join('|'), String(value.dtype));
    if (!valueKinds.includes(value.kind)) fail(`value ${i} has an unknown kind`, valueKinds.join('|'), String(value.kind));
    if (!Array.isArray(value.dims) || value.dims.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`value ${i} has invalid dims`);
    if (value.layout !== undefined && (!activationLayouts.includes(value.layout) || value.kind !== 'activation' || value.dims.length !== 4 || value.dtype !== 'float32')) {
      fail(`value '${value.name}' has layout ${String(value.layout)}, which only a 4-D float32 activation may have`);
    }
    const logicalBytes = valueBytes(value);
    const packed = value.packedFor !== undefined;
    if (!Number.isSafeInteger(value.bytes) || (packed ? value.bytes < 0 : value.bytes !== logicalBytes)) {
      fail(`value '${value.name}' has the wrong size`, `${logicalBytes} bytes`, `${value.bytes} bytes`);
    }
    if (!Number.isSafeInteger(value.offset) || value.offset < plan.weightsOffset || value.offset + value.bytes > plan.memoryBytes) {
      fail(`value '${value.name}' lies outside the planned memory`, `inside [${plan.weightsOffset}, ${plan.memoryBytes})`, `${value.offset}+${value.bytes}`);
    }
    if (value.kind !== 'constant') return;
    const segment = plan.segments[value.segment ?? -1];
    if (!segment) return fail(`constant '${value.name}' names no segment`);
    if (segment.bytes !== value.bytes || segment.offset % segmentAlignment !== 0 || segment.offset + segment.bytes > plan.weightsBytes
      || value.offset !== plan.weightsOffset + segment.offset) {
      fail(`segment of constant '${value.name}' does not fit`, `${value.bytes} bytes inside ${plan.weightsBytes}`, `${segment.bytes} bytes at ${segment.offset}`);
    }
  });
}

function checkSpecs(plan: Plan, indices: readonly number[], specs: readonly TensorSpec[], what: string, fail: Fail): void {
  const layoutOf = (v: number) => (plan.values[v].layout && plan.values[v].layout !== 'NCHW' ? ` ${plan.values[v].layout}` : '');
  const actual = indices.map((v) => `${plan.values[v].name}:${plan.values[v].dtype}[${plan.values[v].dims.join(',')}]${layoutOf(v)}`).join(' ');
  const expected = specs.map((s) => `${s.name}:${s.dtype}[${s.dims.join(',')}]`).join(' ');
  if (actual !== expected) fail(`${what} differ from the manifest`, expected, actual);
}

/** A fused activation's epilogue code must be its op's: a kernel that fuses it reads only the code. */
function checkFused(fused: PlanActivation, node: string, fail: Fail): void {
  let expected: number | undefined;
  try {
    expected = typeof fused.op === 'string' ? activationArgs(fused.op, fused.attrs ?? {}).code : undefined;
  } catch {
    expected = undefined;
  }
  if (expected === undefined || fused.code !== expected || typeof fused.p0 !== 'number' || typeof fused.p1 !== 'number') {
    fail(`step '${node}' has a fused activation whose op and epilogue code disagree`, `${String(fused.op)} code ${String(expected)}`, `code ${String(fused.code)}`);
  }
}
