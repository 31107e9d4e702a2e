// Winograd F(m, 3) convolution (3×3, stride 1), m = 2, 4 or 6, tile α = m + 2, with the
// Lavin–Gray matrices. Weights U = G·g·Gᵀ are stored per tile position p (α² of them) as packA
// panels of [M × C], so each position is one GEMM [M × C]·[C × tiles] on the 6×8 tile of tile.ts.
// Per block of 8-tile panels, a lane transforms the input (V = Bᵀ·d·B, f32x4 across 4 tiles,
// read from a copy of the input padded and split into m column phases so that 4 neighbouring
// tiles are 4 consecutive floats), runs the α² GEMMs, and transforms the output (Y = Aᵀ·M·A,
// plus bias and the fused activation). Both transforms run in place in their panel's buffer, in
// two passes (rows, then columns), so they need no scratch of their own.
import { TILE_M, TILE_N, tilePackedA } from './tile';
import { activate4 } from './activation';

// G (α×3, row-major): rows are the interpolation points 0, ±1, ±2 (±1/2), ∞.
const G2: usize = memory.data<f64>([
  1, 0, 0,
  0.5, 0.5, 0.5,
  0.5, -0.5, 0.5,
  0, 0, 1,
]);
const G4: usize = memory.data<f64>([
  1.0 / 4, 0, 0,
  -1.0 / 6, -1.0 / 6, -1.0 / 6,
  -1.0 / 6, 1.0 / 6, -1.0 / 6,
  1.0 / 24, 1.0 / 12, 1.0 / 6,
  1.0 / 24, -1.0 / 12, 1.0 / 6,
  0, 0, 1,
]);
const G6: usize = memory.data<f64>([
  1, 0, 0,
  -2.0 / 9, -2.0 / 9, -2.0 / 9,
  -2.0 / 9, 2.0 / 9, -2.0 / 9,
  1.0 / 90, 1.0 / 45, 2.0 / 45,
  1.0 / 90, -1.0 / 45, 2.0 / 45,
  1.0 / 45, 1.0 / 90, 1.0 / 180,
  1.0 / 45, -1.0 / 90, 1.0 / 180,
  0, 0, 1,
]);

/**
 * The weight transform: g[M, C, 3, 3] → U, α² positions `positionStride` bytes apart (see
 * winogradPositionStride), position p = ξ·α + ν in packA layout of ceil(M/6)·6 × C (panel b
 * holds U[6b + i, c] at [c·6 + i]; rows past M zero). Computed in f64 and rounded once, so
 * offline and at load it gives the same bytes.
 */
export function winogradTransformWeights(m: i32, g: usize, M: i32, C: i32, out: usize): void {
  const alpha = m + 2;
  const G = m == 2 ? G2 : m == 4 ? G4 : G6;
  const rowsPadded = (M + TILE_M - 1) / TILE_M * TILE_M;
  const positionBytes = <usize>winogradPositionStride(M, C);
  // Panel by panel, channel by channel, the panel's 6 rows last: each position's 6 floats of a
  // channel are written together, so the α² output streams advance one 24-byte run at a time.
  for (let m0 = 0; m0 < rowsPadded; m0 += TILE_M) {
    const panel = out + <usize>m0 * <usize>C * 4;
    for (let c = 0; c < C; c++) {
      const slot = panel + <usize>c * (TILE_M * 4);
      for (let i = 0; i < TILE_M; i++) {
        let dst = slot + (<usize>i << 2);
        if (m0 + i >= M) {
          for (let p = 0; p < alpha * alpha; p++) { store<f32>(dst, 0); dst += positionBytes; }
          continue;
        }
        transformKernel(G, alpha, g + (<usize>((m0 + i) * C + c) * 36), dst, positionBytes);
      }
    }
  }
}

/**
 * Bytes between the weight matrices of two tile positions: ceil(M/6)·6·C floats rounded up to an
 * odd number of 64-byte lines. A power-of-two-like stride would map all α² matrices to the same
 * cache sets, and the transform writing them together would run several times slower.
 */
export function winogradPositionStride(M: i32, C: i32): i32 {
  const lines = ((M + TILE_M - 1) / TILE_M * TILE_M * C * 4 + 63) >> 6;
  return (lines | 1) << 6;
}

/** U = G·k·Gᵀ of one 3×3 kernel k, in f64, rounded once; U(ξ, ν) goes to dst + (ξ·α + ν)·stride. */
function transformKernel(G: usize, alpha: i32, k: usize, dst: usize, stride: usize): void {
  const k00 = <f64>load<f32>(k), k01 = <f64>load<f32>(k, 4), k02 = <f64>load<f32>(k, 8);
  const k10 = <f64>load<f32>(k, 12), k11 = <f64>load<f32>(k, 16), k12 = <f64>load<f32>(k, 20);
  const k20 = <f64>load<f32>(k, 24), k21 = <f64>load<f32>(k, 28), k22 = <f64>load<f32>(k, 32);
  const end = G + (<usize>(alpha * 3) << 3);
  for (let gi = G; gi < end; gi += 24) {
    const a0 = load<f64>(gi), a1 = load<f64>(gi, 8), a2 = load<f64>(gi, 16);
    // Row ξ of G·k, then its product with each row of G.
    const t0 = a0 * k00 + a1 * k10 + a2 * k20;
    const t1 = a0 * k01 + a1 * k11 + a2 * k21;
    const t2 = a0 * k02 + a1 * k12 + a2 * k22;
    for (let gj = G; gj < end; gj += 24) {
      store<f32>(dst, <f32>(t0 * load<f64>(gj) + t1 * load<f64>(gj, 8) + t2 * load<f64>(gj, 16)));
      dst += stride;
    }
  }
}

/**
 * Pads x[C, H, W] and splits its columns into m phases: out[c, r, p, j] = xpad[c, r, j·m + p]
 * (xpad = x shifted by the begin pads, zero outside), for PH rows and phaseWidth columns per phase.
 */
export function winogradPrepareInput(x: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32,
  m: i32, PH: i32, phaseWidth: i32, out: usize): void {
  const phaseBytes = <usize>phaseWidth << 2;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < PH; r++) {
      const iy = r - padTop;
      const rowOut = out + (<usize>(c * PH + r) * <usize>m) * phaseBytes;
      if (iy < 0 || iy >= H) {
        memory.fill(rowOut, 0, <usize>m * phaseBytes);
        continue;
      }
      const row = x + ((<usize>(c * H + iy) * <usize>W) << 2);
      for (let p = 0; p < m; p++) {
        const dst = rowOut + <usize>p * phaseBytes;
        let col = p - padLeft;
        for (let j = 0; j < phaseWidth; j++) {
          store<f32>(dst + (<usize>j << 2), <u32>col < <u32>W ? load<f32>(row + (<usize>col << 2)) : 0);
          col += m;
        }
      }
    }
  }
}

@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline function scale(a: v128, s: f32): v128 { return f32x4.mul(a, f32x4.splat(s)); }

// One-dimensional input transforms (rows of Bᵀ), 4 tiles per vector; result i goes to out + i·stride.
@inline function inputRow2(d0: v128, d1: v128, d2: v128, d3: v128, out: usize, stride: usize): void {
  v128.store(out, sub(d0, d2));
  v128.store(out + stride, add(d1, d2));
  v128.store(out + stride * 2, sub(d2, d1));
  v128.store(out + stride * 3, sub(d1, d3));
}

@inline function inputRow4(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, stride: usize): void {
  const d4MinusD2 = sub(d4, d2);
  const d3MinusD1Twice = scale(sub(d3, d1), 2);
  const d3PlusD4 = add(d3, d4);
  const d4MinusD3 = sub(d4, d3);
  v128.store(out, add(sub(scale(d0, 4), scale(d2, 5)), d4));
  v128.store(out + stride, sub(d3PlusD4, scale(add(d1, d2), 4)));
  v128.store(out + stride * 2, add(d4MinusD3, scale(sub(d1, d2), 4)));
  v128.store(out + stride * 3, add(d4MinusD2, d3MinusD1Twice));
  v128.store(out + stride * 4, sub(d4MinusD2, d3MinusD1Twice));
  v128.store(out + stride * 5, add(sub(scale(d1, 4), scale(d3, 5)), d5));
}

@inline function inputRow6(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, d6: v128, d7: v128,
  out: usize, stride: usize): void {
  v128.store(out, add(sub(d0, d6), scale(sub(d4, d2), 5.25)));
  v128.store(out + stride * 7, add(sub(d7, d1), scale(sub(d3, d5), 5.25)));
  const a12 = sub(add(d2, d6), scale(d4, 4.25));
  const b12 = sub(add(d1, d5), scale(d3, 4.25));
  v128.store(out + stride, add(a12, b12));
  v128.store(out + stride * 2, sub(a12, b12));
  const a34 = sub(add(d6, scale(d2, 0.25)), scale(d4, 1.25));
  const b34 = add(sub(scale(d1, 0.5), scale(d3, 2.5)), scale(d5, 2));
  v128.store(out + stride * 3, add(a34, b34));
  v128.store(out + stride * 4, sub(a34, b34));
  const a56 = add(d6, scale(sub(d2, scale(d4, 1.25)), 4));
  const b56 = add(sub(scale(d1, 2), scale(d3, 2.5)), scale(d5, 0.5));
  v128.store(out + stride * 5, add(a56, b56));
  v128.store(out + stride * 6, sub(a56, b56));
}

/**
 * V = Bᵀ·d·B for one channel of 4 tiles. d(r, s) is the vector at src + r·rowStride +
 * (s mod m)·colA + (s div m)·colB; V(ξ, ν) goes to dst + (ξ·α + ν)·posStride. The first pass
 * writes Bᵀ-transformed rows into the destination, the second transforms its columns in place.
 */
function inputTransform(m: i32, src: usize, rowStride: usize, colA: usize, colB: usize, dst: usize, posStride: usize): void {
  const alpha = m + 2;
  const rowSlots = posStride * <usize>alpha;
  let s = src, d = dst;
  if (m == 2) {
    for (let r = 0; r < 4; r++) {
      inputRow2(v128.load(s), v128.load(s + colA), v128.load(s + colB), v128.load(s + colA + colB), d, posStride);
      s += rowStride; d += rowSlots;
    }
    d = dst;
    for (let nu = 0; nu < 4; nu++) {
      inputRow2(v128.load(d), v128.load(d + rowSlots), v128.load(d + rowSlots * 2), v128.load(d + rowSlots * 3), d, rowSlots);
      d += posStride;
    }
  } else if (m == 4) {
    for (let r = 0; r < 6; r++) {
      inputRow4(v128.load(s), v128.load(s + colA), v128.load(s + colA * 2), v128.load(s + colA * 3),
        v128.load(s + colB), v128.load(s + colA + colB), d, posStride);
      s += rowStride; d += rowSlots;
    }
    d = dst;
    for (let nu = 0; nu < 6; nu++) {
      inputRow4(v128.load(d), v128.load(d + rowSlots), v128.load(d + rowSlots * 2), v128.load(d + rowSlots * 3),
        v128.load(d + rowSlots * 4), v128.load(d + rowSlots * 5), d, rowSlots);
      d += posStride;
    }
  } else {
    for (let r = 0; r < 8; r++) {
      inputRow6(v128.load(s), v128.load(s + colA), v128.load(s + colA * 2), v128.load(s + colA * 3),
        v128.load(s + colA * 4), v128.load(s + colA * 5), v128.load(s + colB), v128.load(s + colA + colB), d, posStride);
      s += rowStride; d += rowSlots;
    }
    d = dst;
    for (let nu = 0; nu < 8; nu++) {
      inputRow6(v128.load(d), v128.load(d + rowSlots), v128.load(d + rowSlots * 2), v128.load(d + rowSlots * 3),
        v128.load(d + rowSlots * 4), v128.load(d + rowSlots * 5), v128.load(d + rowSlots * 6), v128.load(d + rowSlots * 7),
        d, rowSlots);
      d += posStride;
    }
  }
}

// One-dimensional output transforms (rows of Aᵀ); result i goes to out + i·stride.
@inline function outputRow2(m0: v128, m1: v128, m2: v128, m3: v128, out: usize, stride: usize): void {
  v128.store(out, add(add(m0, m1), m2));
  v128.store(out + stride, sub(sub(m1, m2), m3));
}

@inline function outputRow4(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, out: usize, stride: usize): void {
  const sum12 = add(m1, m2), diff12 = sub(m1, m2), sum34 = add(m3, m4), diff34 = sub(m3, m4);
  v128.store(out, add(add(m0, sum12), sum34));
  v128.store(out + stride, add(diff12, scale(diff34, 2)));
  v128.store(out + stride * 2, add(sum12, scale(sum34, 4)));
  v128.store(out + stride * 3, add(add(diff12, scale(diff34, 8)), m5));
}

@inline function outputRow6(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128,
  out: usize, stride: usize): void {
  const sum12 = add(m1, m2), diff12 = sub(m1, m2), sum34 = add(m3, m4), diff34 = sub(m3, m4);
  const sum56 = add(m5, m6), diff56 = sub(m5, m6);
  v128.store(out, add(add(add(m0, sum12), sum34), scale(sum56, 32)));
  v128.store(out + stride, add(add(diff12, scale(diff34, 2)), scale(diff56, 16)));
  v128.store(out + stride * 2, add(add(sum12, scale(sum34, 4)), scale(sum56, 8)));
  v128.store(out + stride * 3, add(add(diff12, scale(diff34, 8)), scale(diff56, 4)));
  v128.store(out + stride * 4, add(add(sum12, scale(sum34, 16)), scale(sum56, 2)));
  v128.store(out + stride * 5, add(add(add(m7, diff12), scale(diff34, 32)), diff56));
}

/**
 * Y = Aᵀ·M·A in place for one output channel of 4 tiles: M(ξ, ν) is the vector at
 * src + (ξ·α + ν)·32 (the GEMM output layout); Y(y, x) is left at src + (y·α + x)·32.
 */
function outputTransform(m: i32, src: usize): void {
  const alpha = m + 2;
  const rowSlots = <usize>alpha * 32;
  let s = src;
  if (m == 2) {
    for (let r = 0; r < 4; r++) {
      outputRow2(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), s, 32);
      s += rowSlots;
    }
    s = src;
    for (let x = 0; x < 2; x++) {
      outputRow2(v128.load(s), v128.load(s + rowSlots), v128.load(s + rowSlots * 2), v128.load(s + rowSlots * 3), s, rowSlots);
      s += 32;
    }
  } else if (m == 4) {
    for (let r = 0; r < 6; r++) {
      outputRow4(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), v128.load(s, 128), v128.load(s, 160), s, 32);
      s += rowSlots;
    }
    s = src;
    for (let x = 0; x < 4; x++) {
      outputRow4(v128.load(s), v128.load(s + rowSlots), v128.load(s + rowSlots * 2), v128.load(s + rowSlots * 3),
        v128.load(s + rowSlots * 4), v128.load(s + rowSlots * 5), s, rowSlots);
      s += 32;
    }
  } else {
    for (let r = 0; r < 8; r++) {
      outputRow6(v128.load(s), v128.load(s, 32), v128.load(s, 64), v128.load(s, 96), v128.load(s, 128), v128.load(s, 160),
        v128.load(s, 192), v128.load(s, 224), s, 32);
      s += rowSlots;
    }
    s = src;
    for (let x = 0; x < 6; x++) {
      outputRow6(v128.load(s), v128.load(s + rowSlots), v128.load(s + rowSlots * 2), v128.load(s + rowSlots * 3),
        v128.load(s + rowSlots * 4), v128.load(s + rowSlots * 5), v128.load(s + rowSlots * 6), v128.load(s + rowSlots * 7),
        s, rowSlots);
      s += 32;
    }
  }
}

/** Byte offset of tile n's top-left element in the prepared input's plane (phase 0). */
@inline function tileOffset(n: i32, m: i32, TW: i32, rowBytes: i32): usize {
  const ty = n / TW;
  return <usize>(ty * m) * <usize>rowBytes + (<usize>(n - ty * TW) << 2);
}

/** Copies d(r, s) of 4 tiles that are not neighbours into slot (r, s) of dst, one lane per tile. */
function gatherTiles(m: i32, src: usize, rel0: usize, rel1: usize, rel2: usize, rel3: usize,
  rowStride: usize, colA: usize, dst: usize, posStride: usize): void {
  const alpha = m + 2;
  for (let r = 0; r < alpha; r++) {
    const row = src + <usize>r * rowStride;
    for (let s = 0; s < alpha; s++) {
      const at = row + <usize>(s % m) * colA + (<usize>(s / m) << 2);
      let v = f32x4.splat(load<f32>(at + rel0));
      v = f32x4.replace_lane(v, 1, load<f32>(at + rel1));
      v = f32x4.replace_lane(v, 2, load<f32>(at + rel2));
      v = f32x4.replace_lane(v, 3, load<f32>(at + rel3));
      v128.store(dst + <usize>(r * alpha + s) * posStride, v);
    }
  }
}

/**
 * Input transform of panels [panelStart, panelEnd) (8 tiles each; tiles past T repeat tile T−1)
 * from the prepared input into V: panel j, position p, channel c, tile t at
 * V + (j·α² + p)·posStride + c·32 + t·4.
 */
export function winogradInputPanels(m: i32, prepared: usize, C: i32, rowBytes: i32, phaseBytes: i32, planeBytes: i32,
  TW: i32, T: i32, V: usize, posStride: i32, panelStart: i32, panelEnd: i32): void {
  const alpha = m + 2;
  const slotStride = <usize>posStride;
  const panelBytes = <usize>(alpha * alpha) * slotStride;
  for (let j = panelStart; j < panelEnd; j++) {
    for (let half = 0; half < 2; half++) {
      const n0 = j * TILE_N + half * 4;
      const rel0 = tileOffset(min(n0, T - 1), m, TW, rowBytes);
      const rel1 = tileOffset(min(n0 + 1, T - 1), m, TW, rowBytes);
      const rel2 = tileOffset(min(n0 + 2, T - 1), m, TW, rowBytes);
      const rel3 = tileOffset(min(n0 + 3, T - 1), m, TW, rowBytes);
      const neighbours = rel1 == rel0 + 4 && rel2 == rel0 + 8 && rel3 == rel0 + 12;
      let src = prepared;
      let dst = V + <usize>j * panelBytes + (<usize>half << 4);
      for (let c = 0; c < C; c++) {
        if (neighbours) {
          inputTransform(m, src + rel0, <usize>rowBytes, <usize>phaseBytes, 4, dst, slotStride);
        } else {
          gatherTiles(m, src, rel0, rel1, rel2, rel3, <usize>rowBytes, <usize>phaseBytes, dst, slotStride);
          inputTransform(m, dst, <usize>alpha * slotStride, slotStride, <usize>m * slotStride, dst, slotStride);
        }
        src += <usize>planeBytes;
        dst += TILE_N * 4;
      }
    }
  }
}

/**
 * The α² GEMMs of panels [panelStart, panelEnd): for each position p, U_p [M × C] times V_p of
 * each panel into Mbuf: panel j, channel oc, position p, tile t at Mbuf + ((j·M + oc)·α² + p)·32 + t·4.
 */
export function winogradGemmPanels(m: i32, U: usize, offsets: usize, C: i32, M: i32, V: usize, posStride: i32,
  Mbuf: usize, panelStart: i32, panelEnd: i32): void {
  const positions = (m + 2) * (m + 2);
  const panelBytes = <usize>positions * <usize>posStride;
  const ldo = <usize>positions * (TILE_N * 4);
  const outPanelBytes = <usize>M * ldo;
  const positionBytes = <usize>winogradPositionStride(M, C);
  for (let p = 0; p < positions; p++) {
    const Ap = U + <usize>p * positionBytes;
    const Vp = V + <usize>p * <usize>posStride;
    const Mp = Mbuf + (<usize>p << 5);
    for (let m0 = 0; m0 < M; m0 += TILE_M) {
      const a = Ap + <usize>m0 * <usize>C * 4;
      const validM = min(TILE_M, M - m0);
      const outRows = Mp + <usize>m0 * ldo;
      for (let j = panelStart; j < panelEnd; j++) {
        tilePackedA(a, offsets, Vp + <usize>j * panelBytes, C, outRows + <usize>j * outPanelBytes, ldo, validM, TILE_N, 0, 0, 0, 0);
      }
    }
  }
}

/** Copies tile n's m×m outputs (lane `src`, slot (y, x) at src + (y·α + x)·32) into the output plane, cut at its edges. */
function storeTile(m: i32, src: usize, n: i32, TW: i32, OH: i32, OW: i32, plane: usize): void {
  const alpha = m + 2;
  const ty = n / TW;
  const oy0 = ty * m;
  const ox0 = (n - ty * TW) * m;
  const rows = min(m, OH - oy0);
  const cols = min(m, OW - ox0);
  for (let y = 0; y < rows; y++) {
    const dst = plane + (<usize>((oy0 + y) * OW + ox0) << 2);
    const row = src + <usize>(y * alpha) * 32;
    for (let x = 0; x < cols; x++) store<f32>(dst + (<usize>x << 2), load<f32>(row + (<usize>x << 5)));
  }
}

/**
 * Output transform of panels [panelStart, panelEnd): Y = Aᵀ·M·A + bias, activated, into
 * out[M, OH, OW]. Runs in place in Mbuf.
 */
export function winogradOutputPanels(m: i32, Mbuf: usize, M: i32, TW: i32, T: i32, out: usize, OH: i32, OW: i32,
  panelStart: i32, panelEnd: i32, bias: usize, act: i32, p0: f32, p1: f32): void {
  const alpha = m + 2;
  const ldo = <usize>(alpha * alpha) * (TILE_N * 4);
  const outPanelBytes = <usize>M * ldo;
  const planeBytes = <usize>OH * <usize>OW << 2;
  for (let j = panelStart; j < panelEnd; j++) {
    for (let half = 0; half < 2; half++) {
      const n0 = j * TILE_N + half * 4;
      if (n0 >= T) break;
      const tiles = min(4, T - n0);
      let src = Mbuf + <usize>j * outPanelBytes + (<usize>half << 4);
      let plane = out;
      for (let oc = 0; oc < M; oc++) {
        outputTransform(m, src);
        const b = f32x4.splat(bias == 0 ? <f32>0 : load<f32>(bias + (<usize>oc << 2)));
        for (let y = 0; y < m; y++) {
          let slot = src + <usize>(y * alpha) * 32;
          for (let x = 0; x < m; x++) {
            v128.store(slot, activate4(add(v128.load(slot), b), act, p0, p1));
            slot += 32;
          }
        }
        for (let q = 0; q < tiles; q++) storeTile(m, src + (<usize>q << 2), n0 + q, TW, OH, OW, plane);
        src += ldo;
        plane += planeBytes;
      }
    }
  }
}
