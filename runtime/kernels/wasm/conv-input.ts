/**
 * How the implicit-GEMM convolutions (Conv.ts, ConvGrouped.ts) read their input: either in place
 * (1×1, stride 1, no padding: each channel plane is one long row of H·W positions) or as a copy
 * in scratch, padded and split into column phases by `convPrepareInput` so that every tap of an
 * 8-wide output tile reads 8 consecutive floats. Gives the geometry, the scratch it takes and the
 * strides the GEMM uses.
 */
import type { Attributes } from '../kernel.js';
import { windowGeometry } from '../ref/window.js';
import type { KernelExports } from './exports.js';
import type { StepArgs } from '../variant.js';

const tileN = 8;

export interface ConvInput {
  C: number; H: number; W: number; KH: number; KW: number; OH: number; OW: number;
  sy: number; sx: number; dy: number; dx: number; padTop: number; padLeft: number;
  /** Read in place (1×1, stride 1, no padding). */
  inPlace: boolean;
  /** Prepared copy: rows the convolution reads, floats of one column phase of a row. */
  PH: number; phaseWidth: number;
}

/** Where and how the GEMM reads the input. */
export interface InputSource {
  prepared: number;
  rowBytes: number;
  planeBytes: number;
  phaseWidth: number;
  /** Output rows and columns as the GEMM sees them (an in-place conv is one long row). */
  rows: number;
  cols: number;
  rowStride: number;
}

/** Geometry for input dims [N, C, H, W] and a KH×KW kernel; throws like the reference on bad windows. */
export function convInputOf(xDims: readonly number[], KH: number, KW: number, attrs: Attributes): ConvInput {
  const [, C, H, W] = xDims;
  const g = windowGeometry([H, W], [KH, KW], attrs);
  const [OH, OW] = g.outputSize;
  const [sy, sx] = g.strides;
  const [dy, dx] = g.dilations;
  const [padTop, padLeft] = g.padsBegin;
  const inPlace = KH === 1 && KW === 1 && sy === 1 && sx === 1 && [...g.padsBegin, ...g.padsEnd].every((p) => p === 0);
  const paddedOW = Math.ceil(OW / tileN) * tileN;
  return {
    C, H, W, KH, KW, OH, OW, sy, sx, dy, dx, padTop, padLeft, inPlace,
    PH: (OH - 1) * sy + (KH - 1) * dy + 1,
    phaseWidth: Math.ceil(((paddedOW - 1) * sx + (KW - 1) * dx + 1) / sx),
  };
}

/** Scratch bytes of the prepared copy (0 in place), 64-byte aligned. */
export function preparedBytes(g: ConvInput): number {
  return g.inPlace ? 0 : align64(g.C * g.PH * g.sx * g.phaseWidth * 4);
}

export function inputSource(g: ConvInput, input: number, scratch: number): InputSource {
  if (g.inPlace) {
    const plane = g.H * g.W;
    return { prepared: input, rowBytes: plane * 4, planeBytes: plane * 4, phaseWidth: plane, rows: 1, cols: g.OH * g.OW, rowStride: 1 };
  }
  const rowBytes = g.sx * g.phaseWidth * 4;
  return { prepared: scratch, rowBytes, planeBytes: g.PH * rowBytes, phaseWidth: g.phaseWidth, rows: g.OH, cols: g.OW, rowStride: g.sy };
}

/** Copies the input into scratch (unless read in place) and writes the tap table of `taps` channels after it. */
export function prepareConvInput(wasm: KernelExports, g: ConvInput, input: number, scratch: number, taps: number): InputSource {
  const source = inputSource(g, input, scratch);
  if (!g.inPlace) wasm.convPrepareInput(input, g.C, g.H, g.W, g.padTop, g.padLeft, g.PH, g.sx, g.phaseWidth, source.prepared);
  wasm.convTapOffsets(taps, g.KH, g.KW, g.dy, g.dx, g.sx, source.phaseWidth, source.rowBytes, source.planeBytes, scratch + preparedBytes(g));
  return source;
}

/** The lane's share of [0, n), in whole units of `unit`. */
export function band(n: number, lane: number, lanes: number, unit: number): [number, number] {
  const units = Math.ceil(n / unit);
  const start = Math.floor((units * lane) / lanes) * unit;
  const end = Math.min(n, Math.floor((units * (lane + 1)) / lanes) * unit);
  return [start, end];
}

/** A convolution's bias offset, or 0 (the kernels' "no bias") when the step has none. */
export function biasOffset(args: StepArgs): number {
  const bias = args.inputs[2];
  return bias === undefined || bias < 0 ? 0 : bias;
}

export function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}
