// Elementwise kernels: binary arithmetic on equal shapes or with one operand broadcast along one
// run of axes (per channel, per row, scalar), standalone activations, and block copies (Concat).
// Operator codes are constants inside each loop (one shared body inlined per code), dispatched
// once per run or block; the work runs as calls of small functions, which V8 tiers up from
// Liftoff while a long first call still runs. A fused activation runs over each block just
// written, while it is still in L1. Sigmoid and Tanh use a vector exp (measured within 2 ulp).
import { activate4, activateScalar, ACT_GELU, ACT_GELU_TANH, ACT_NONE, ACT_RELU, ACT_SIGMOID, ACT_SILU, ACT_TANH } from './activation';
import { gelu4, geluTanh4, sigmoid4, silu4, tanh4 } from './vector-math';
import { storePartial } from './tile';

const OP_ADD: i32 = 0;
const OP_SUB: i32 = 1;
const OP_MUL: i32 = 2;
const OP_DIV: i32 = 3;
/** part − full and part ÷ full: Sub and Div with the broadcast operand first. */
const OP_SUB_REVERSED: i32 = 4;
const OP_DIV_REVERSED: i32 = 5;

/** Floats per block of a same-shape operation: the activation pass finds them in L1. */
const BLOCK: i32 = 2048;

@inline function apply4(op: i32, a: v128, b: v128): v128 {
  if (op == OP_ADD) return f32x4.add(a, b);
  if (op == OP_SUB) return f32x4.sub(a, b);
  if (op == OP_MUL) return f32x4.mul(a, b);
  if (op == OP_DIV) return f32x4.div(a, b);
  if (op == OP_SUB_REVERSED) return f32x4.sub(b, a);
  return f32x4.div(b, a);
}

@inline function apply1(op: i32, a: f32, b: f32): f32 {
  if (op == OP_ADD) return a + b;
  if (op == OP_SUB) return a - b;
  if (op == OP_MUL) return a * b;
  if (op == OP_DIV) return a / b;
  if (op == OP_SUB_REVERSED) return b - a;
  return b / a;
}

/** out[i] = a[i] op b[i], i < n. */
@inline function vectorRun(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  const bytes = <usize>n << 2;
  const vectorEnd = bytes & ~<usize>15;
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) v128.store(out + i, apply4(op, v128.load(a + i), v128.load(b + i)));
  for (; i < bytes; i += 4) store<f32>(out + i, apply1(op, load<f32>(a + i), load<f32>(b + i)));
}

/** out[i] = full[i] op part, i < n. */
@inline function splatRun(op: i32, full: usize, part: f32, out: usize, n: i32): void {
  const bytes = <usize>n << 2;
  const vectorEnd = bytes & ~<usize>15;
  const partVector = f32x4.splat(part);
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) v128.store(out + i, apply4(op, v128.load(full + i), partVector));
  for (; i < bytes; i += 4) store<f32>(out + i, apply1(op, load<f32>(full + i), part));
}

function addRun(a: usize, b: usize, out: usize, n: i32): void { vectorRun(OP_ADD, a, b, out, n); }
function subRun(a: usize, b: usize, out: usize, n: i32): void { vectorRun(OP_SUB, a, b, out, n); }
function mulRun(a: usize, b: usize, out: usize, n: i32): void { vectorRun(OP_MUL, a, b, out, n); }
function divRun(a: usize, b: usize, out: usize, n: i32): void { vectorRun(OP_DIV, a, b, out, n); }
function subReversedRun(a: usize, b: usize, out: usize, n: i32): void { vectorRun(OP_SUB_REVERSED, a, b, out, n); }
function divReversedRun(a: usize, b: usize, out: usize, n: i32): void { vectorRun(OP_DIV_REVERSED, a, b, out, n); }

function addSplat(full: usize, part: f32, out: usize, n: i32): void { splatRun(OP_ADD, full, part, out, n); }
function subSplat(full: usize, part: f32, out: usize, n: i32): void { splatRun(OP_SUB, full, part, out, n); }
function mulSplat(full: usize, part: f32, out: usize, n: i32): void { splatRun(OP_MUL, full, part, out, n); }
function divSplat(full: usize, part: f32, out: usize, n: i32): void { splatRun(OP_DIV, full, part, out, n); }
function subReversedSplat(full: usize, part: f32, out: usize, n: i32): void { splatRun(OP_SUB_REVERSED, full, part, out, n); }
function divReversedSplat(full: usize, part: f32, out: usize, n: i32): void { splatRun(OP_DIV_REVERSED, full, part, out, n); }

function runOf(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  if (op == OP_ADD) addRun(a, b, out, n);
  else if (op == OP_SUB) subRun(a, b, out, n);
  else if (op == OP_MUL) mulRun(a, b, out, n);
  else if (op == OP_DIV) divRun(a, b, out, n);
  else if (op == OP_SUB_REVERSED) subReversedRun(a, b, out, n);
  else divReversedRun(a, b, out, n);
}

function splatOf(op: i32, full: usize, part: f32, out: usize, n: i32): void {
  if (op == OP_ADD) addSplat(full, part, out, n);
  else if (op == OP_SUB) subSplat(full, part, out, n);
  else if (op == OP_MUL) mulSplat(full, part, out, n);
  else if (op == OP_DIV) divSplat(full, part, out, n);
  else if (op == OP_SUB_REVERSED) subReversedSplat(full, part, out, n);
  else divReversedSplat(full, part, out, n);
}

/** out[i] = act(a[i] op b[i]) for i < n (op 0–3). `out` may be `a` or `b`. */
export function binarySame(op: i32, a: usize, b: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void {
  const activate = activationBlock(act);
  for (let start = 0; start < n; start += BLOCK) {
    const offset = <usize>start << 2;
    const count = min(BLOCK, n - start);
    runOf(op, a + offset, b + offset, out + offset, count);
    if (act != ACT_NONE) activate(out + offset, out + offset, count, act, p0, p1);
  }
}

/**
 * out[o, m, i] = act(full[o, m, i] op part[m]) over [outer, mid, inner]: the operand `part` is
 * broadcast along the outer and inner axes (a per-channel [1, C, 1, 1] operand over [N, C, H, W]
 * has outer N, mid C, inner H·W; a scalar has outer 1, mid 1). The *_REVERSED codes compute
 * part op full. `out` may be `full`.
 */
export function binaryBroadcast(op: i32, full: usize, part: usize, out: usize, outer: i32, mid: i32, inner: i32,
  act: i32, p0: f32, p1: f32): void {
  const activate = activationBlock(act);
  if (inner == 1) {
    // The broadcast operand varies along the innermost axis: every row pairs with all of it.
    const rowBytes = <usize>mid << 2;
    for (let o = 0; o < outer; o++) {
      const offset = <usize>o * rowBytes;
      for (let start = 0; start < mid; start += BLOCK) {
        const at = offset + (<usize>start << 2);
        const count = min(BLOCK, mid - start);
        runOf(op, full + at, part + (<usize>start << 2), out + at, count);
        if (act != ACT_NONE) activate(out + at, out + at, count, act, p0, p1);
      }
    }
    return;
  }
  const runBytes = <usize>inner << 2;
  let offset: usize = 0;
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      splatOf(op, full + offset, load<f32>(part + (<usize>m << 2)), out + offset, inner);
      if (act != ACT_NONE) activate(out + offset, out + offset, inner, act, p0, p1);
      offset += runBytes;
    }
  }
}

/** Sigmoid, SiLU, Tanh or a GELU of n floats from x into out, the tail as a partial vector (reads ≤ 12 bytes past x). */
@inline function mapVector(kind: i32, x: usize, out: usize, n: i32): void {
  const bytes = <usize>n << 2;
  for (let i: usize = 0; i < bytes; i += 16) {
    const v = v128.load(x + i);
    const y = kind == ACT_SIGMOID ? sigmoid4(v) : kind == ACT_SILU ? silu4(v) : kind == ACT_GELU ? gelu4(v)
      : kind == ACT_GELU_TANH ? geluTanh4(v) : tanh4(v);
    if (i + 16 <= bytes) v128.store(out + i, y);
    else storePartial(out + i, y, <i32>((bytes - i) >> 2));
  }
}

type ActivationBlock = (x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32) => void;

function sigmoidBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void { mapVector(ACT_SIGMOID, x, out, n); }
function siluBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void { mapVector(ACT_SILU, x, out, n); }
function tanhBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void { mapVector(ACT_TANH, x, out, n); }
function geluBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void { mapVector(ACT_GELU, x, out, n); }
function geluTanhBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void { mapVector(ACT_GELU_TANH, x, out, n); }

/** Relu as `pmax(x, 0)` = x < 0 ? 0 : x: the reference's rule (NaN and -0 pass), one instruction on x64. */
function reluBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void {
  const bytes = <usize>n << 2;
  const zero = f32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const y = f32x4.pmax(v128.load(x + i), zero);
    if (i + 16 <= bytes) v128.store(out + i, y);
    else storePartial(out + i, y, <i32>((bytes - i) >> 2));
  }
}

function epilogueBlock(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void {
  const bytes = <usize>n << 2;
  const vectorEnd = bytes & ~<usize>15;
  let i: usize = 0;
  for (; i < vectorEnd; i += 16) v128.store(out + i, activate4(v128.load(x + i), act, p0, p1));
  for (; i < bytes; i += 4) store<f32>(out + i, activateScalar(load<f32>(x + i), act, p0, p1));
}

/**
 * The block function for an activation code. Blocks run through a function reference: an
 * indirect call is never inlined, so each block function stays a small wasm function that V8
 * tiers up from Liftoff while a long call still runs.
 */
@inline function activationBlock(act: i32): ActivationBlock {
  if (act == ACT_RELU) return reluBlock;
  if (act == ACT_GELU) return geluBlock;
  if (act == ACT_GELU_TANH) return geluTanhBlock;
  return act == ACT_SIGMOID ? sigmoidBlock : act == ACT_SILU ? siluBlock : act == ACT_TANH ? tanhBlock : epilogueBlock;
}

/**
 * out[i] = act(x[i]) for i < n (a standalone activation); `out` may be `x`. Reads up to 12 bytes
 * past the end of x.
 */
export function activateCopy(x: usize, out: usize, n: i32, act: i32, p0: f32, p1: f32): void {
  const activate = activationBlock(act);
  for (let start = 0; start < n; start += BLOCK) {
    const offset = <usize>start << 2;
    activate(x + offset, out + offset, min(BLOCK, n - start), act, p0, p1);
  }
}

/**
 * Copies `count` blocks of `blockBytes` from `src` (blocks `srcStride` bytes apart) to `dst`
 * (blocks `dstStride` apart): one Concat input into its slot of every outer slice.
 */
export function copyBlocks(src: usize, srcStride: usize, dst: usize, dstStride: usize, blockBytes: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    memory.copy(dst, src, blockBytes);
    src += srcStride;
    dst += dstStride;
  }
}

/**
 * Squeeze-and-excitation's scale in NC4HW4: out[b][p][c] = act(x[b][p][c] · gate[b][c]) for the
 * channel blocks [blockStart, blockEnd) of one image, x and out [⌈C/4⌉][P][4], gate the image's
 * [⌈C/4⌉][4] (an NC4HW4 [N, C, 1, 1] value). One vector of the gate scales a whole block.
 * `out` may be `x`.
 */
export function scaleChannelsC4(x: usize, gate: usize, out: usize, P: i32, blockStart: i32, blockEnd: i32,
  act: i32, p0: f32, p1: f32): void {
  const activate = activationBlock(act);
  const blockBytes = <usize>P << 4;
  for (let b = blockStart; b < blockEnd; b++) {
    const g = v128.load(gate + (<usize>b << 4));
    const from = x + <usize>b * blockBytes;
    const to = out + <usize>b * blockBytes;
    let at: usize = 0;
    for (; at + 32 <= blockBytes; at += 32) {
      v128.store(to + at, f32x4.mul(v128.load(from + at), g));
      v128.store(to + at + 16, f32x4.mul(v128.load(from + at + 16), g));
    }
    if (at < blockBytes) v128.store(to + at, f32x4.mul(v128.load(from + at), g));
    if (act != ACT_NONE) activate(to, to, P << 2, act, p0, p1);
  }
}
