// Lane-generic f64 arithmetic for the deterministic solver's kernels
// (src/deterministic/README.md).
//
// Each kernel is written once over a lane type V: f64 in the scalar build (one
// direction bin per operation) and v128 in the SIMD build (f64x2 over the bins
// t and t + 1 of a pair; nTheta is even). Every helper below does, lane by
// lane, the same IEEE-754 operation in both builds: add, sub, mul and neg are
// exact twins, and pmin/pmax are defined by the SIMD spec as `b < a ? b : a`
// and `a < b ? b : a`, which is what the scalar versions compute (by a bit
// mask). So the two builds give bit-identical psi as long as the kernels also
// reduce in the same order: a reduction over t runs `phases<V>()` passes of
// t += 2 (below), so the scalar build sums the even and the odd bins apart, as
// the two SIMD lanes do, and then adds the two partial sums.
//
// No FMA anywhere (wasm has none outside relaxed SIMD), no approximations:
// every operation is correctly rounded f64.

/**
 * Passes over t, each of stride 2, that a reduction over t makes: 2 for f64
 * (even bins, then odd bins), 1 for v128 (both lanes at once). Write a
 * reduction as `for (p < phases) { acc = 0; for (t = p; t < n; t += 2) ...; sum += hsum(acc) }`.
 */
@inline export function phases<V>(): i32 { return isVector<V>() ? 1 : 2; }

@inline export function splat<V>(x: f64): V { if (isVector<V>()) return f64x2.splat(x); else return x; }
@inline export function add<V>(a: V, b: V): V { if (isVector<V>()) return f64x2.add(a, b); else return a + b; }
@inline export function sub<V>(a: V, b: V): V { if (isVector<V>()) return f64x2.sub(a, b); else return a - b; }
@inline export function mul<V>(a: V, b: V): V { if (isVector<V>()) return f64x2.mul(a, b); else return a * b; }
@inline export function neg<V>(a: V): V { if (isVector<V>()) return f64x2.neg(a); else return -a; }

/**
 * `when ? x : y` for f64 by a bit mask, without a branch: V8 compiles an f64
 * select to one, and in the min and max of the flux, whose outcome depends on
 * the data, it mispredicts (the scalar streams are about 20% faster so).
 */
@inline function choose(when: bool, x: f64, y: f64): f64 {
  const mask = -(<u64>when);
  return reinterpret<f64>((reinterpret<u64>(x) & mask) | (reinterpret<u64>(y) & ~mask));
}

/** b < a ? b : a, lane-wise (the SIMD spec's pmin; one minpd on x86). */
@inline export function pmin<V>(a: V, b: V): V {
  if (isVector<V>()) return f64x2.pmin(a, b); else return choose(b < a, b, a);
}

/** a < b ? b : a, lane-wise (the SIMD spec's pmax). */
@inline export function pmax<V>(a: V, b: V): V {
  if (isVector<V>()) return f64x2.pmax(a, b); else return choose(a < b, b, a);
}

/**
 * The values one bin below those of `cur`, given the vector `prev` before it:
 * (prev lane 1, cur lane 0) for v128, prev for f64.
 */
@inline export function binBelow<V>(prev: V, cur: V): V {
  if (isVector<V>()) return i8x16.shuffle(prev, cur, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
  else return prev;
}

/** The values one bin above those of `cur`, given the vector `next` after it: (cur lane 1, next lane 0) or next. */
@inline export function binAbove<V>(cur: V, next: V): V {
  if (isVector<V>()) return i8x16.shuffle(cur, next, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
  else return next;
}

/** Sum of the lanes: lane 0 + lane 1 (v128), the value itself (f64). */
@inline export function hsum<V>(a: V): f64 {
  if (isVector<V>()) return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1); else return a;
}

/** Lanes of `a` that are below `limit`, +0 elsewhere. */
@inline export function whereBelow<V>(a: V, limit: V): V {
  if (isVector<V>()) return v128.and(a, f64x2.lt(a, limit)); else return select<f64>(a, 0, a < limit);
}

/** Lanes of `a` that are not below `limit`, +0 elsewhere. */
@inline export function whereNotBelow<V>(a: V, limit: V): V {
  if (isVector<V>()) return v128.andnot(a, f64x2.lt(a, limit)); else return select<f64>(0, a, a < limit);
}

/** Bitwise or of the lanes' bits. */
@inline export function orBits<V>(a: V, b: V): V {
  if (isVector<V>()) return v128.or(a, b); else return reinterpret<f64>(reinterpret<u64>(a) | reinterpret<u64>(b));
}

/** Whether any bit of `a` is set (so -0 counts as non-zero, in both builds). */
@inline export function anyBits<V>(a: V): bool {
  if (isVector<V>()) return v128.any_true(a); else return reinterpret<u64>(a) != 0;
}

/** Whether any of the `count` f64 at `p` has a bit set; stops at the first that has. */
export function anyNonZero<V>(p: usize, count: i32): bool {
  const end = p + (<usize>count << 3);
  const step = <usize>sizeof<V>();
  for (; p < end; p += step) if (anyBits<V>(load<V>(p))) return true;
  return false;
}

/** Whether any of the `count` f64 at `p` has a bit set; reads them all (a sequential pass that also brings them into cache). */
export function anyNonZeroAll<V>(p: usize, count: i32): bool {
  const end = p + (<usize>count << 3);
  let bits = splat<V>(0);
  for (; p < end; p += <usize>sizeof<V>()) bits = orBits<V>(bits, load<V>(p));
  return anyBits<V>(bits);
}

/** Sum of the `n` f64 of a row at `p`, in the lane order described above. */
@inline export function rowSum<V>(p: usize, n: i32): f64 {
  let sum = 0.0;
  for (let phase = 0; phase < phases<V>(); phase++) {
    let acc = splat<V>(0);
    for (let t = phase; t < n; t += 2) acc = add<V>(acc, load<V>(p + (<usize>t << 3)));
    sum += hsum<V>(acc);
  }
  return sum;
}
