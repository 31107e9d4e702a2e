/**
 * Elementwise variants on NC4HW4 activations (4-D float32, any N and C), NC4HW4 out: the same
 * wasm loops as their NCHW variants (assembly/elementwise.ts) over the padded element count, pad
 * lanes included (finite in, finite out, never read as a real channel).
 *
 * - `wasm.Add.simd-c4`: two same-shape operands (no broadcast), the fused activation applied.
 * - `wasm.Mul.simd-c4`: two same-shape operands, or an [N, C, H, W] value scaled by a per-channel
 *   [N, C, 1, 1] gate (either operand first): squeeze-and-excitation's scale in the layout its
 *   neighbours use, one gate vector per block of 4 channels (assembly/elementwise.ts scaleChannelsC4).
 * - `wasm.Relu.simd-c4`, `wasm.Clip.simd-c4` (scalar bounds, either omitted).
 *
 * Lanes split the elements in runs of 16 floats (whole 64-byte lines).
 */
import { activationArgs } from '../activation-codes.js';
import type { ActivationArgs, KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { layoutElements } from '../../tensor/layout.js';
import { sizeOf, type ValueInfo } from '../../tensor/tensor.js';
import { binaryOpCodes } from './binary.js';
import { band } from './conv-input.js';

const laneUnit = 16;

const isFloat4d = (v: ValueInfo | undefined): v is ValueInfo => !!v && v.dtype === 'float32' && v.dims.length === 4;

/** The lane's range of the output's padded elements, as [byte offset, count]. */
function laneRange(args: StepArgs, lane: number, lanes: number): [number, number] {
  const [start, end] = band(layoutElements(args.shapes.outputs[0].dims, 'NC4HW4'), lane, lanes, laneUnit);
  return [start * 4, Math.max(0, end - start)];
}

/** Two float32 4-D operands and one such output. */
const isBinaryFloat4d = ({ inputs, outputs }: StepShapes): boolean =>
  inputs.length === 2 && outputs.length === 1 && isFloat4d(inputs[0]) && isFloat4d(inputs[1]) && isFloat4d(outputs[0]);

/** Both operands have the output's shape (no broadcast). */
const sameShapes = ({ inputs, outputs }: StepShapes): boolean =>
  inputs[0]!.dims.every((d, i) => d === inputs[1]!.dims[i] && d === outputs[0].dims[i]);

/** The lane's part of a same-shape binary op, the fused activation applied. */
function sameShapePart(op: 'Add' | 'Mul', memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const [offset, count] = laneRange(args, lane, lanes);
  if (count === 0) return;
  const { code, p0, p1 } = args.activation;
  memory.wasm!.binarySame(binaryOpCodes[op], args.inputs[0] + offset, args.inputs[1] + offset, args.outputs[0] + offset, count, code, p0, p1);
}

const addPart = (memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void => sameShapePart('Add', memory, args, lane, lanes);

export const addSimdC4: KernelVariant = {
  id: 'wasm.Add.simd-c4',
  op: 'Add',
  layoutVersion: 1,
  layout: { input: 'NC4HW4', output: 'NC4HW4' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: (shapes) => isBinaryFloat4d(shapes) && sameShapes(shapes),
  scratchBytes: () => 0,
  run: (memory, args) => addPart(memory, args, 0, 1),
  parallel: { prelude: () => {}, part: addPart },
};

/** Which operand of a Mul is the per-channel gate ([N, C, 1, 1] over an [N, C, H, W] output), if one is. */
function gateOperand(shapes: StepShapes): 0 | 1 | undefined {
  const [N, C, H, W] = shapes.outputs[0].dims;
  const isGate = (v: ValueInfo): boolean => v.dims[0] === N && v.dims[1] === C && v.dims[2] === 1 && v.dims[3] === 1;
  const isFull = (v: ValueInfo): boolean => v.dims[0] === N && v.dims[1] === C && v.dims[2] === H && v.dims[3] === W;
  const [a, b] = shapes.inputs as ValueInfo[];
  if (H * W === 1) return undefined;
  return isFull(a) && isGate(b) ? 1 : isGate(a) && isFull(b) ? 0 : undefined;
}

function mulPart(memory: KernelMemory, args: StepArgs, lane: number, lanes: number): void {
  const gate = gateOperand(args.shapes);
  if (gate === undefined) {
    sameShapePart('Mul', memory, args, lane, lanes);
    return;
  }
  const { code, p0, p1 } = args.activation;
  const [N, C, H, W] = args.shapes.outputs[0].dims;
  const blocks = Math.ceil(C / 4);
  const imageBytes = blocks * H * W * 16;
  const [start, end] = band(N * blocks, lane, lanes, 1);
  for (let unit = start; unit < end;) {
    const n = Math.floor(unit / blocks);
    const blockEnd = Math.min(blocks, end - n * blocks);
    memory.wasm!.scaleChannelsC4(args.inputs[1 - gate] + n * imageBytes, args.inputs[gate] + n * blocks * 16, args.outputs[0] + n * imageBytes,
      H * W, unit - n * blocks, blockEnd, code, p0, p1);
    unit = n * blocks + blockEnd;
  }
}

export const mulSimdC4: KernelVariant = {
  id: 'wasm.Mul.simd-c4',
  op: 'Mul',
  layoutVersion: 1,
  layout: { input: 'NC4HW4', output: 'NC4HW4' },
  fusesActivation: true,
  usesWasm: true,
  appliesTo: (shapes) => isBinaryFloat4d(shapes) && (sameShapes(shapes) || gateOperand(shapes) !== undefined),
  scratchBytes: () => 0,
  run: (memory, args) => mulPart(memory, args, 0, 1),
  parallel: { prelude: () => {}, part: mulPart },
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
