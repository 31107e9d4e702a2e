/**
 * The shared half of the binary arithmetic variants (Add, Sub, Mul, Div): which broadcasts the
 * wasm kernels serve, and the variant built on them. Takes a step's operand and output dims; gives
 * either "same shape" or one operand broadcast along one run of axes as [outer, mid, inner]
 * (per channel, per row, scalar), or, for an operand varying along two separated runs of axes, as
 * blocks of that. Any other broadcast (both operands broadcast) is left to the reference kernel.
 */
import type { KernelVariant, StepShapes } from '../variant.js';
import { sizeOf } from '../../tensor/tensor.js';

export const binaryOpCodes = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;
export type BinaryOp = keyof typeof binaryOpCodes;

/** The codes for part op full, when the broadcast operand is A (Add and Mul commute). */
const reversedCodes: Record<BinaryOp, number> = { Add: 0, Sub: 4, Mul: 2, Div: 5 };

interface Run {
  readonly outer: number;
  readonly mid: number;
  readonly inner: number;
}

export type BinaryPlan =
  | { readonly kind: 'same'; readonly size: number }
  | ({ readonly kind: 'broadcast'; readonly part: 0 | 1 } & Run)
  /**
   * The broadcast operand varies along two runs of axes (attention's mask [H, 1, S] over scores
   * [H, S, S]): `blocks` slices of the output, each `blockSize` elements against `partBlockSize`
   * elements of the operand, broadcast in each as `run`; block i reads the operand's slice
   * i mod `partBlocks` (it repeats when the operand is broadcast along the axes before its first run).
   */
  | { readonly kind: 'blocks'; readonly part: 0 | 1; readonly blocks: number; readonly partBlocks: number; readonly blockSize: number;
      readonly partBlockSize: number; readonly run: Run };

/** More blocks than this would spend more in calls than in arithmetic; left to the reference. */
const maxBlocks = 4096;

/** How the wasm kernels compute out = a op b, or undefined when they cannot. */
export function binaryPlan(a: readonly number[], b: readonly number[], out: readonly number[]): BinaryPlan | undefined {
  const size = sizeOf(out);
  if (sizeOf(a) === size && sizeOf(b) === size) return { kind: 'same', size };
  for (const part of [1, 0] as const) {
    if (sizeOf(part === 1 ? a : b) !== size) continue;
    const run = broadcastRun(part === 1 ? b : a, out);
    if (run) return { kind: 'broadcast', part, ...run };
    const blocks = blockRuns(part === 1 ? b : a, out);
    if (blocks) return { kind: 'blocks', part, ...blocks };
  }
  return undefined;
}

/** The operand's first run of varying axes as blocks, when the rest of it broadcasts as one run. */
function blockRuns(part: readonly number[], out: readonly number[]): Omit<Extract<BinaryPlan, { kind: 'blocks' }>, 'kind' | 'part'> | undefined {
  if (part.length > out.length) return undefined;
  const aligned = [...new Array<number>(out.length - part.length).fill(1), ...part];
  const first = aligned.findIndex((d) => d !== 1);
  if (first < 0) return undefined;
  let last = first;
  while (last + 1 < out.length && aligned[last + 1] !== 1) last++;
  for (let i = first; i <= last; i++) if (aligned[i] !== out[i]) return undefined;
  const run = broadcastRun(aligned.slice(last + 1), out.slice(last + 1));
  const before = sizeOf(out.slice(0, first));
  const count = sizeOf(out.slice(first, last + 1));
  if (!run || before * count > maxBlocks) return undefined;
  return { blocks: before * count, partBlocks: count, blockSize: sizeOf(out.slice(last + 1)), partBlockSize: sizeOf(aligned.slice(last + 1)), run };
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
      if (plan.kind === 'broadcast') {
        memory.wasm!.binaryBroadcast(opCode, full, part, args.outputs[0], plan.outer, plan.mid, plan.inner, code, p0, p1);
        return;
      }
      const { outer, mid, inner } = plan.run;
      for (let block = 0; block < plan.blocks; block++) {
        const at = block * plan.blockSize * 4;
        const partAt = part + (block % plan.partBlocks) * plan.partBlockSize * 4;
        memory.wasm!.binaryBroadcast(opCode, full + at, partAt, args.outputs[0] + at, outer, mid, inner, code, p0, p1);
      }
    },
  };
}
