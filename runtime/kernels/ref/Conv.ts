/**
 * ONNX Conv (opsets 1-11 and later, same semantics): X (N x C x D1..Dn), W (M x C/group x k1..kn)
 * and optional bias B (M) give Y (N x M x O1..On). Supports 1 to 3 spatial axes, groups
 * (including depthwise), strides, dilations, explicit pads and auto_pad; float32 only. Window
 * arithmetic lives in `window.ts`.
 *
 * The loops are ordered so that the innermost one runs over a contiguous row of output x with its
 * bounds computed once per kernel tap: for every (output channel, input channel, kernel tap) the
 * tap's weight is multiplied into the whole output plane. That keeps one output plane and one
 * input plane hot in cache and leaves no branches in the inner loop.
 */
import { KernelError } from '../../errors/errors.js';
import type { ValueInfo } from '../../tensor/tensor.js';
import { attrInt, attrInts, expectDType, required, type Attributes, type ReferenceKernel } from '../kernel.js';
import { outputsCoveredByTap, spatialDims, widenTo3d, windowGeometry, type WindowGeometry } from './window.js';

interface ConvShape {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  geometry: WindowGeometry;
  outputDims: number[];
}

function convShape(x: ValueInfo, w: ValueInfo, bias: ValueInfo | undefined, attrs: Attributes): ConvShape {
  expectDType(x.dtype, ['float32'], 'Conv input X');
  expectDType(w.dtype, ['float32'], 'Conv weight W');
  const spatial = spatialDims(x.dims, 'Conv input X');
  if (w.dims.length !== x.dims.length) {
    throw new KernelError(`Conv weight W has rank ${w.dims.length}; input X has rank ${x.dims.length}`);
  }
  const [batch, inChannels] = x.dims;
  const [outChannels, groupChannels] = w.dims;
  const group = attrInt(attrs, 'group', 1);
  if (group < 1 || inChannels !== groupChannels * group || outChannels % group !== 0) {
    throw new KernelError(
      `Conv with group ${group}: X has ${inChannels} channels and W is ${outChannels} x ${groupChannels}; ` +
      `need C = group * W.dims[1] and M divisible by group`,
    );
  }
  const kernelSize = w.dims.slice(2);
  const declared = attrInts(attrs, 'kernel_shape', kernelSize);
  if (declared.length !== kernelSize.length || declared.some((k, i) => k !== kernelSize[i])) {
    throw new KernelError(`Conv kernel_shape [${declared.join(',')}] disagrees with W dims [${w.dims.join(',')}]`);
  }
  if (bias !== undefined) {
    expectDType(bias.dtype, ['float32'], 'Conv bias B');
    if (bias.dims.length !== 1 || bias.dims[0] !== outChannels) {
      throw new KernelError(`Conv bias B has dims [${bias.dims.join(',')}]; expected [${outChannels}]`);
    }
  }
  const geometry = windowGeometry(spatial, kernelSize, attrs);
  return {
    batch, inChannels, outChannels, group, geometry,
    outputDims: [batch, outChannels, ...geometry.outputSize],
  };
}

export const Conv: ReferenceKernel = {
  op: 'Conv',

  infer(inputs, attrs) {
    const shape = convShape(required(inputs, 0, 'X'), required(inputs, 1, 'W'), inputs[2], attrs);
    return [{ dtype: 'float32', dims: shape.outputDims }];
  },

  run(inputs, attrs) {
    const x = required(inputs, 0, 'X');
    const w = required(inputs, 1, 'W');
    const bias = inputs[2];
    const shape = convShape(x, w, bias, attrs);
    const y = new Float32Array(shape.outputDims.reduce((a, b) => a * b, 1));
    convolve(
      x.data as Float32Array, w.data as Float32Array, bias?.data as Float32Array | undefined, y, shape,
    );
    return [{ dtype: 'float32', dims: shape.outputDims, data: y }];
  },
};

function convolve(
  x: Float32Array, w: Float32Array, bias: Float32Array | undefined, y: Float32Array, shape: ConvShape,
): void {
  const g = widenTo3d(shape.geometry);
  const inPlane = g.inputSize[0] * g.inputSize[1] * g.inputSize[2];
  const outPlane = g.outputSize[0] * g.outputSize[1] * g.outputSize[2];
  const taps = g.kernelSize[0] * g.kernelSize[1] * g.kernelSize[2];
  const inPerGroup = shape.inChannels / shape.group;
  const outPerGroup = shape.outChannels / shape.group;
  const tapRuns = tapRunsOf(g);

  for (let n = 0; n < shape.batch; n++) {
    for (let m = 0; m < shape.outChannels; m++) {
      const yPlane = y.subarray((n * shape.outChannels + m) * outPlane, (n * shape.outChannels + m + 1) * outPlane);
      yPlane.fill(bias === undefined ? 0 : bias[m]);
      const firstInChannel = Math.floor(m / outPerGroup) * inPerGroup;
      for (let c = 0; c < inPerGroup; c++) {
        const xOffset = (n * shape.inChannels + firstInChannel + c) * inPlane;
        const wOffset = (m * inPerGroup + c) * taps;
        for (let t = 0; t < taps; t++) {
          accumulateTap(x, xOffset, w[wOffset + t], yPlane, g, tapRuns[t]);
        }
      }
    }
  }
}

/** Where one kernel tap reads and which outputs it reaches, per spatial axis (depth, height, width). */
interface TapRun {
  readonly offsets: readonly number[];
  readonly begins: readonly number[];
  readonly ends: readonly number[];
}

function tapRunsOf(g: WindowGeometry): TapRun[] {
  const runs: TapRun[] = [];
  const [kd, kh, kw] = g.kernelSize;
  for (let td = 0; td < kd; td++) {
    for (let th = 0; th < kh; th++) {
      for (let tw = 0; tw < kw; tw++) {
        const tap = [td, th, tw];
        const offsets = tap.map((t, a) => t * g.dilations[a] - g.padsBegin[a]);
        const covered = offsets.map((off, a) => outputsCoveredByTap(off, g.strides[a], g.inputSize[a], g.outputSize[a]));
        runs.push({ offsets, begins: covered.map((r) => r.begin), ends: covered.map((r) => r.end) });
      }
    }
  }
  return runs;
}

/** y[o] += weight * x[o * stride + offset] over every output the tap reaches. */
function accumulateTap(
  x: Float32Array, xOffset: number, weight: number, y: Float32Array, g: WindowGeometry, run: TapRun,
): void {
  const [inH, inW] = [g.inputSize[1], g.inputSize[2]];
  const [outH, outW] = [g.outputSize[1], g.outputSize[2]];
  const [sd, sh, sw] = g.strides;
  const [xBegin, xEnd] = [run.begins[2], run.ends[2]];
  for (let od = run.begins[0]; od < run.ends[0]; od++) {
    const xDepth = xOffset + (od * sd + run.offsets[0]) * inH * inW;
    for (let oh = run.begins[1]; oh < run.ends[1]; oh++) {
      const xRow = xDepth + (oh * sh + run.offsets[1]) * inW + run.offsets[2];
      const yRow = (od * outH + oh) * outW;
      if (sw === 1) {
        for (let ow = xBegin; ow < xEnd; ow++) y[yRow + ow] += weight * x[xRow + ow];
      } else {
        for (let ow = xBegin; ow < xEnd; ow++) y[yRow + ow] += weight * x[xRow + ow * sw];
      }
    }
  }
}
