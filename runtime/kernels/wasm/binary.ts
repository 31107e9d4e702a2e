/**
 * The shared half of the binary arithmetic variants (Add, Sub, Mul, Div): which broadcasts the
 * wasm kernels serve, and the variant built on them. Takes a step's operand and output dims; gives
 * either "same shape" or one operand broadcast along one run of axes as [outer, mid, inner]
 * (per channel, per row, scalar). Any other broadcast — both operands broadcast, or an operand
 * varying along two separated runs of axes — is left to the reference kernel.
 */
import type { KernelVariant, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';

export const binaryOpCodes = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;
export type BinaryOp = keyof typeof binaryOpCodes;

/** The codes for part op full, when the broadcast operand is A (Add and Mul commute). */
const reversedCodes: Record<BinaryOp, number> = { Add: 0, Sub: 4, Mul: 2, Div: 5 };

export type BinaryPlan =
  | { readonly kind: 'same'; readonly size: number }
  | { readonly kind: 'broadcast'; readonly part: 0 | 1; readonly outer: number; readonly mid: number; readonly inner: number };

/** How the wasm kernels compute out = a op b, or undefined when they cannot. */
export function binaryPlan(a: readonly number[], b: readonly number[], out: readonly number[]): BinaryPlan | undefined {
  const size = sizeOf(out);
  if (sizeOf(a) === size && sizeOf(b) === size) return { kind: 'same', size };
  for (const part of [1, 0] as const) {
    if (sizeOf(part === 1 ? a : b) !== size) continue;
    const run = broadcastRun(part === 1 ? b : a, out);
    if (run) return { kind: 'broadcast', part, ...run };
  }
  return undefined;
}

/** [outer, mid, inner] when `part` (aligned to `out` on the right) varies along one run of axes only. */
function broadcastRun(part: readonly number[], out: readonly number[]): { outer: number; mid: number; inner: number } | undefined {
  if (part.length > out.length) return undefined;
  const aligned = [...new Array<number>(out.length - part.length).fill(1), ...part];
  const varying = aligned.flatMap((d, i) => (d !== 1 ? [i] : []));
  if (varying.length === 0) return { outer: 1, mid: 1, inner: sizeOf(out) };
  const first = varying[0];
  const last = varying[varying.length - 1];
  for (let i = first; i <= last; i++) if (aligned[i] !== out[i]) return undefined;
  return { outer: sizeOf(out.slice(0, first)), mid: sizeOf(out.slice(first, last + 1)), inner: sizeOf(out.slice(last + 1)) };
}

function planOf(shapes: StepShapes): BinaryPlan | undefined {
  const [a, b] = shapes.inputs;
  const out = shapes.outputs[0];
  if (!a || !b || !out || shapes.inputs.length !== 2) return undefined;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || out.dtype !== 'float32') return undefined;
  return binaryPlan(a.dims, b.dims, out.dims);
}

/** `wasm.<op>.simd`: float32, same shape or one operand broadcast along one run of axes; fuses activations. */
export function binaryVariant(op: BinaryOp): KernelVariant {
  return {
    id: `wasm.${op}.simd`,
    op,
    layoutVersion: 1,
    layout: { input: 'NCHW', output: 'NCHW' },
    fusesActivation: true,
    usesWasm: true,
    appliesTo: (shapes) => planOf(shapes) !== undefined,
    scratchBytes: () => 0,
    run(memory, args) {
      const plan = planOf(args.shapes)!;
      const [a, b] = args.inputs;
      const { code, p0, p1 } = args.activation;
      if (plan.kind === 'same') {
        memory.wasm!.binarySame(binaryOpCodes[op], a, b, args.outputs[0], plan.size, code, p0, p1);
        return;
      }
      const [full, part, opCode] = plan.part === 1 ? [a, b, binaryOpCodes[op]] : [b, a, reversedCodes[op]];
      memory.wasm!.binaryBroadcast(opCode, full, part, args.outputs[0], plan.outer, plan.mid, plan.inner, code, p0, p1);
    },
  };
}
