// Global average pooling of NC4HW4 activations: each block's P pixels are P vectors of its 4
// channels, summed in four independent accumulators (the adds' latency, not their count, bounds
// a single chain) and written as the block's real channels of an NCHW [C] row.
import { storePartial } from './tile';

/** One image: x[⌈C/4⌉][P][4] → out[C], the mean over P. */
export function globalAveragePoolC4(x: usize, C: i32, P: i32, out: usize): void {
  const blockBytes = <usize>P << 4;
  const unrolledEnd = <usize>(P & ~3) << 4;
  const count = f32x4.splat(<f32>P);
  for (let block = 0; block < (C + 3) >> 2; block++) {
    const src = x + <usize>block * blockBytes;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let at: usize = 0;
    for (; at < unrolledEnd; at += 64) {
      s0 = f32x4.add(s0, v128.load(src + at));
      s1 = f32x4.add(s1, v128.load(src + at, 16));
      s2 = f32x4.add(s2, v128.load(src + at, 32));
      s3 = f32x4.add(s3, v128.load(src + at, 48));
    }
    for (; at < blockBytes; at += 16) s0 = f32x4.add(s0, v128.load(src + at));
    const mean = f32x4.div(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), count);
    storePartial(out + (<usize>block << 4), mean, C - block * 4);
  }
}
