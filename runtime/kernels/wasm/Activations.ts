/**
 * The standalone activations in WebAssembly SIMD (Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid,
 * HardSwish, Tanh, Silu, Gelu) over float32 tensors of any shape: one pass of the same epilogue code the
 * conv and gemm kernels fuse (assembly/activation.ts). Clip reads its optional min and max
 * inputs from memory at run time; the others take their attributes.
 */
import { activationArgs } from '../activation-codes.js';
import type { ActivationArgs, KernelMemory, KernelVariant, StepArgs, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';

function isFloat32Unary(shapes: StepShapes): boolean {
  const x = shapes.inputs[0];
  return !!x && x.dtype === 'float32' && shapes.outputs.length === 1 && shapes.outputs[0].dtype === 'float32';
}

/** Clip's bounds must be float32 scalars (they may be omitted). */
function isFloat32Clip(shapes: StepShapes): boolean {
  const bounds = shapes.inputs.slice(1);
  return isFloat32Unary(shapes) && bounds.every((b) => b === undefined || (b.dtype === 'float32' && sizeOf(b.dims) === 1));
}

function boundAt(memory: KernelMemory, offset: number | undefined, fallback: number): number {
  return offset === undefined || offset < 0 ? fallback : new DataView(memory.buffer).getFloat32(offset, true);
}

function activationVariant(op: string, codeOf: (memory: KernelMemory, args: StepArgs) => ActivationArgs,
  appliesTo: (shapes: StepShapes) => boolean = isFloat32Unary): KernelVariant {
  return {
    id: `wasm.${op}.simd`,
    op,
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: false,
    usesWasm: true,
    appliesTo,
    scratchBytes: () => 0,
    run(memory, args) {
      const { code, p0, p1 } = codeOf(memory, args);
      memory.wasm!.activateCopy(args.inputs[0], args.outputs[0], sizeOf(args.shapes.outputs[0].dims), code, p0, p1);
    },
  };
}

const fromAttributes = (op: string) => (_memory: KernelMemory, args: StepArgs): ActivationArgs => activationArgs(op, args.shapes.attrs);

export const reluSimd = activationVariant('Relu', fromAttributes('Relu'));
export const leakyReluSimd = activationVariant('LeakyRelu', fromAttributes('LeakyRelu'));
export const sigmoidSimd = activationVariant('Sigmoid', fromAttributes('Sigmoid'));
export const hardSigmoidSimd = activationVariant('HardSigmoid', fromAttributes('HardSigmoid'));
export const hardSwishSimd = activationVariant('HardSwish', fromAttributes('HardSwish'));
export const tanhSimd = activationVariant('Tanh', fromAttributes('Tanh'));
export const siluSimd = activationVariant('Silu', fromAttributes('Silu'));
export const geluSimd = activationVariant('Gelu', fromAttributes('Gelu'));
// Unlike a fused Clip (whose missing bounds become ±float32 max), a missing bound clips nothing.
export const clipSimd = activationVariant('Clip', (memory, args) => ({
  code: activationArgs('Clip', {}).code,
  p0: boundAt(memory, args.inputs[1], -Infinity),
  p1: boundAt(memory, args.inputs[2], Infinity),
}), isFloat32Clip);
