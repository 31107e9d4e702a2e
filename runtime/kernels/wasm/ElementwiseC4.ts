/**
 * Elementwise variants on NC4HW4 activations (4-D float32, any N and C), NC4HW4 out: the same
 * wasm loops as their NCHW variants (assembly/elementwise.ts) over the padded element count, pad
 * lanes included (finite in, finite out, never read as a real channel).
 *
 * - `wasm.Add.simd-c4`: two same-shape operands (no broadcast), the fused activation applied.
 * - `wasm.Relu.simd-c4`, `wasm.Clip.simd-c4` (scalar bounds, either omitted).
 *
 * Lanes split the elements in runs of 16 floats (whole 64-byte lines).
 */
import { activationArgs } from '../activation-codes.js';
import type { ActivationArgs, KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { layoutElements } from '../../tensor/layout.js';
import { sizeOf, type ValueInfo } from '../../tensor/tensor.js';
import { band } from './conv-input.js';

const laneUnit = 16;

const isFloat4d = (v: ValueInfo | undefined): v is ValueInfo => !!v && v.dtype === 'float32' && v.dims.length === 4;

/** The lane's range of the output's padded elements, as [byte offset, count]. */
function laneRange(args: StepArgs, lane: number, lanes: number): [number, number] {
  const [start, end] = band(layoutElements(args.shapes.outputs[0].dims, 'NC4HW4'), lane, lanes, laneUnit);
  return [start * 4, Math.max(0, end - start)];
}

function addPart(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const [offset, count] = laneRange(args, lane, lanes);
  if (count === 0) return;
  const { code, p0, p1 } = args.activation;
  memory.wasm!.binarySame(0, args.inputs[0] + offset, args.inputs[1] + offset, args.outputs[0] + offset, count, code, p0, p1);
}

export const addSimdC4: KernelVariant = {
  id: 'wasm.Add.simd-c4',
  op: 'Add',
  layoutVersion: 1,
  layout: { input: 'NC4HW4', output: 'NC4HW4' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: (shapes) => {
    const [a, b] = shapes.inputs;
    return shapes.inputs.length === 2 && shapes.outputs.length === 1 && isFloat4d(a) && isFloat4d(b) && isFloat4d(shapes.outputs[0])
      && a.dims.every((d, i) => d === b.dims[i] && d === shapes.outputs[0].dims[i]);
  },
  scratchBytes: () => 0,
  run: (memory, args) => addPart(memory, args, 0, 1),
  parallel: { prelude: () => {}, part: addPart },
};

function boundAt(memory: KernelMemory, offset: number | undefined, fallback: number): number {
  return offset === undefined || offset < 0 ? fallback : new DataView(memory.buffer).getFloat32(offset, true);
}

function activationVariantC4(op: 'Relu' | 'Clip', codeOf: (memory: KernelMemory, args: StepArgs) => ActivationArgs,
  boundsFit: (shapes: StepShapes) => boolean): KernelVariant {
  const part = (memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void => {
    const [offset, count] = laneRange(args, lane, lanes);
    if (count === 0) return;
    const { code, p0, p1 } = codeOf(memory, args);
    memory.wasm!.activateCopy(args.inputs[0] + offset, args.outputs[0] + offset, count, code, p0, p1);
  };
  return {
    id: `wasm.${op}.simd-c4`,
    op,
    layoutVersion: 1,
    layout: { input: 'NC4HW4', output: 'NC4HW4' },
    fusesActivation: false,
    usesWasm: true,
    appliesTo: (shapes) => shapes.outputs.length === 1 && isFloat4d(shapes.inputs[0]) && isFloat4d(shapes.outputs[0]) && boundsFit(shapes),
    scratchBytes: () => 0,
    run: (memory, args) => part(memory, args, 0, 1),
    parallel: { prelude: () => {}, part },
  };
}

export const reluSimdC4 = activationVariantC4('Relu', (_memory, args) => activationArgs('Relu', args.shapes.attrs),
  (shapes) => shapes.inputs.length === 1);
// As for wasm.Clip.simd, a missing bound clips nothing.
export const clipSimdC4 = activationVariantC4('Clip', (memory, args) => ({
  code: activationArgs('Clip', {}).code,
  p0: boundAt(memory, args.inputs[1], -Infinity),
  p1: boundAt(memory, args.inputs[2], Infinity),
}), (shapes) => shapes.inputs.slice(1).every((b) => b === undefined || (b.dtype === 'float32' && sizeOf(b.dims) === 1 && !b.layout)));
