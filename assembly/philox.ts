// Philox4x32-10 counter-based random number generator.
// Source: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC'11 (2011); constants from the paper and the
// Random123 distribution (philox.h). A history's stream is the counter
// (draw, stream, historyLo, historyHi) under the key (seedLo, seedHi), so its
// numbers never depend on which thread, lane or batch runs it.

@inline const PHILOX_M0: u32 = 0xD2511F53;
@inline const PHILOX_M1: u32 = 0xCD9E8D57;
@inline const PHILOX_W0: u32 = 0x9E3779B9;
@inline const PHILOX_W1: u32 = 0xBB67AE85;

/** Scalar Philox4x32-10: writes the four output words to out[0..3]. */
export function philox4x32(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, out: usize): void {
  for (let round = 0; round < 10; round++) {
    const p0 = <u64>PHILOX_M0 * <u64>c0;
    const p1 = <u64>PHILOX_M1 * <u64>c2;
    const hi0 = <u32>(p0 >>> 32);
    const lo0 = <u32>p0;
    const hi1 = <u32>(p1 >>> 32);
    const lo1 = <u32>p1;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  store<u32>(out, c0);
  store<u32>(out, c1, 4);
  store<u32>(out, c2, 8);
  store<u32>(out, c3, 12);
}

/**
 * The four unsigned 32x32-bit products a[i] * m as (high words, low words):
 * two widening multiplies give all 64-bit products, shuffles pick the halves
 * (the low words this way cost a shuffle where i32x4.mul is a slow multiply).
 */
@inline function mulHi4(a: v128, m: v128): v128 {
  return v128.shuffle<i32>(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 1, 3, 5, 7);
}
@inline function mulLo4(a: v128, m: v128): v128 {
  return v128.shuffle<i32>(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 0, 2, 4, 6);
}

/**
 * Four independent Philox4x32-10 blocks, one per lane: lane i uses counter
 * (c0[i], c1[i], c2[i], c3[i]) and the shared key. Output word j of every lane
 * is stored as one v128 at out + 16 * j.
 */
@inline export function philox4x32x4(c0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32, out: usize): void {
  const m0 = i32x4.splat(PHILOX_M0);
  const m1 = i32x4.splat(PHILOX_M1);
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi4(c0, m0);
    const lo0 = mulLo4(c0, m0);
    const hi1 = mulHi4(c2, m1);
    const lo1 = mulLo4(c2, m1);
    c0 = v128.xor(v128.xor(hi1, c1), i32x4.splat(k0));
    c1 = lo1;
    c2 = v128.xor(v128.xor(hi0, c3), i32x4.splat(k1));
    c3 = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
  v128.store(out, c3, 48);
}
