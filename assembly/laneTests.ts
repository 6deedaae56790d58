// Entry points that let tests reach the lane-wise (f32x4) code directly.
// In the scalar build they run the scalar functions lane by lane, so a test
// written once holds both builds to the same answers.
import { logf, sinHalfPi, normalFromUniform, wordThreshold } from './fastmath';
import { logf4, sinHalfPi4, normalFromUniform4, wordThreshold4 } from './fastmath4';
import { philox4x32, philox4x32x4 } from './philox';

@inline const MATH_LOG: i32 = 0;
@inline const MATH_SIN: i32 = 1;
@inline const MATH_NORMAL: i32 = 2;

/**
 * Applies function `which` (0 log, 1 sin on |x| <= pi/2, 2 normal from uniform,
 * 3 word threshold of a probability, written as u32) to four f32 at `values`, in place.
 */
export function mathLanes(which: i32, values: usize): void {
  if (ASC_FEATURE_SIMD) {
    const x = v128.load(values);
    v128.store(values, which == MATH_LOG ? logf4(x) : which == MATH_SIN ? sinHalfPi4(x)
      : which == MATH_NORMAL ? normalFromUniform4(x) : wordThreshold4(x));
  } else {
    for (let i = 0; i < 4; i++) {
      const p = values + (<usize>i << 2);
      const x = load<f32>(p);
      if (which > MATH_NORMAL) store<u32>(p, wordThreshold(x));
      else store<f32>(p, which == MATH_LOG ? logf(x) : which == MATH_SIN ? sinHalfPi(x) : normalFromUniform(x));
    }
  }
}

/**
 * Four Philox4x32-10 blocks: counters at `counters` as four u32x4 words
 * (word j of lane i at counters + 16 j + 4 i), outputs in the same layout at `out`.
 */
export function philoxLanes(counters: usize, k0: u32, k1: u32, out: usize): void {
  if (ASC_FEATURE_SIMD) {
    philox4x32x4(v128.load(counters), v128.load(counters, 16), v128.load(counters, 32), v128.load(counters, 48), k0, k1, out);
  } else {
    for (let i = 0; i < 4; i++) {
      const c = counters + (<usize>i << 2);
      const scratch = out + 64;
      philox4x32(load<u32>(c), load<u32>(c, 16), load<u32>(c, 32), load<u32>(c, 48), k0, k1, scratch);
      for (let j = 0; j < 4; j++) store<u32>(out + (<usize>(j * 16 + i * 4)), load<u32>(scratch + (<usize>j << 2)));
    }
  }
}
