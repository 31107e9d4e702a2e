// Transpose as a strided copy. The caller describes the output as `rank` axes (i32 arrays at
// `shape` and `strides`: each output axis's size and the byte stride of the input along it,
// after dropping size-1 axes and merging axes that stay adjacent). The last axis is copied as one
// block when it is contiguous in the input, element by element otherwise; an odometer in
// `counter` (rank i32s) walks the outer axes.

export function permute(x: usize, out: usize, rank: i32, shape: usize, strides: usize, counter: usize, elementBytes: i32): void {
  const last = <usize>(rank - 1) << 2;
  const n = load<i32>(shape + last);
  const step = <usize>load<i32>(strides + last);
  const runBytes = <usize>n * <usize>elementBytes;
  let outer = 1;
  for (let i = 0; i < rank - 1; i++) {
    outer *= load<i32>(shape + (<usize>i << 2));
    store<i32>(counter + (<usize>i << 2), 0);
  }
  let src = x;
  for (let o = 0; o < outer; o++) {
    if (step == <usize>elementBytes) {
      memory.copy(out, src, runBytes);
    } else if (elementBytes == 4) {
      let p = src;
      for (let k: usize = 0; k < runBytes; k += 4) {
        store<u32>(out + k, load<u32>(p));
        p += step;
      }
    } else {
      let p = src;
      for (let k: usize = 0; k < runBytes; k += <usize>elementBytes) {
        memory.copy(out + k, p, <usize>elementBytes);
        p += step;
      }
    }
    out += runBytes;
    for (let i = rank - 2; i >= 0; i--) {
      const at = counter + (<usize>i << 2);
      const stride = <usize>load<i32>(strides + (<usize>i << 2));
      const c = load<i32>(at) + 1;
      if (c < load<i32>(shape + (<usize>i << 2))) {
        store<i32>(at, c);
        src += stride;
        break;
      }
      store<i32>(at, 0);
      src -= stride * <usize>(c - 1);
    }
  }
}
