// The pieces of the second-order upwind (MUSCL) flux that streamX and streamZ
// share: the limited slope and the flux out of a donor cell.
//
// Scheme: van Leer, "Towards the ultimate conservative difference scheme V.
// A second-order sequel to Godunov's method", J. Comput. Phys. 32 (1979) 101;
// written as in LeVeque, "Finite Volume Methods for Hyperbolic Problems"
// (Cambridge, 2002), chapter 6 (the REA algorithm with piecewise-linear
// reconstruction, slope limiters, minmod, and its flux form). In a donor cell
// q(xi) = q + s (xi - 1/2) on xi in [0, 1]; with shift f in [0, 1] (the
// Courant number), the part that crosses the downstream face in one step is
//   F = integral over [1 - f, 1] of q(xi) = f q + f (1 - f) s / 2.
// With a slope limited to |s| <= 2 q (limitedSlope, for q and its
// neighbours >= 0), 0 <= F <= q (see there). F is still clamped to q, so
// that rounding can never take a cell below zero.
import { add, mul, pmin, pmax, splat, sub } from './pairs';

/**
 * The monotonized central slope (van Leer, J. Comput. Phys. 23 (1977) 276; LeVeque 2002, chapter 6):
 * minmod((a + b)/2, 2a, 2b), minmod being the argument nearest zero when all
 * have the same sign, else 0 (LeVeque 2002, chapter 6). Steeper than minmod(a, b)
 * where the profile is smooth, so far less numerical diffusion, and still
 * |s| <= 2 q_i, which keeps 0 <= F <= q for f in [0, 1]:
 * f q + f (1 - f) q = f (2 - f) q <= q.
 */
@inline export function limitedSlope<V>(a: V, b: V): V {
  const two = splat<V>(2);
  return slopeOf<V>(a, b, mul<V>(two, a), mul<V>(two, b));
}

/**
 * limitedSlope(a, b) given twoA = 2a and twoB = 2b (a walk computes each
 * 2 (q_{i+1} - q_i) once, for two cells), branch-free: with c = (a + b)/2,
 * the median of 0, min(2a, 2b, c) and max(2a, 2b, c), six pmin/pmax. The
 * nested form minmod(minmod(2a, 2b), c), each minmod(x, y) the median
 * min(max(0, min(x, y)), max(x, y)), takes eight and gives the same value bit
 * for bit: both only select one of 2a, 2b, c and +0 by comparisons among them,
 * and select the same one for every order of three values around +-0, ties
 * included (test/deterministic/kernels.test.ts; psi holds no NaN).
 */
@inline export function slopeOf<V>(a: V, b: V, twoA: V, twoB: V): V {
  const c = mul<V>(add<V>(a, b), splat<V>(0.5));
  return pmin<V>(pmax<V>(splat<V>(0), pmin<V>(pmin<V>(twoA, twoB), c)), pmax<V>(pmax<V>(twoA, twoB), c));
}

/** b = f (1 - f) / 2: the slope's weight in the flux of a shift f in [0, 1]. */
@inline export function slopeWeight<V>(f: V): V {
  return mul<V>(mul<V>(f, sub<V>(splat<V>(1), f)), splat<V>(0.5));
}

/**
 * Flux out of a donor cell of mean q and slope s (oriented downstream) for a
 * shift f in [0, 1] with b = slopeWeight(f): min(f q + b s, q). f = 1 gives q
 * exactly (b = 0), f = 0 gives +0.
 */
@inline export function donorFlux<V>(q: V, s: V, f: V, b: V): V {
  return pmin<V>(add<V>(mul<V>(f, q), mul<V>(b, s)), q);
}

/**
 * Advects one column of n cells (at src, src + stride, ...; stride may be
 * negative, as a wrapping usize) by a shift f in [0, 1] (lane-wise) toward
 * increasing index, into dst (same stride; dst may equal src: each cell is
 * read before it is written). Cell i: out_i = (q_i - F_i) + F_{i-1}, with
 * F_i = donorFlux(q_i, s_i) the flux from cell i to i + 1 and
 * s_i = limitedSlope(q_i - q_{i-1}, q_{i+1} - q_i). Nothing enters the first cell;
 * the last cell has no slope (the edge of the grid, or an empty cell whose
 * true slope is 0). The first cell has none either unless `emptyBefore`: the
 * column then continues below it with a cell that holds nothing (not read),
 * so s_0 = limitedSlope(q_0 - 0, q_1 - q_0). Returns F_{n-1}, the flux out of the
 * last cell.
 */
@inline export function walkColumn<V>(src: usize, dst: usize, stride: usize, n: i32, f: V, emptyBefore: bool): V {
  const b = slopeWeight<V>(f);
  const zero = splat<V>(0);
  let q = load<V>(src);
  if (n == 1) {   // a lone cell: its slope is 0 either way (limitedSlope(q, -q) = 0)
    const out = donorFlux<V>(q, zero, f, b);
    store<V>(dst, sub<V>(q, out));
    return out;
  }
  let next = load<V>(src + stride);
  let diff = sub<V>(next, q);   // q_{i+1} - q_i
  const two = splat<V>(2);
  let twoDiff = mul<V>(two, diff);
  let slope = emptyBefore ? limitedSlope<V>(q, diff) : zero;
  let inflow = zero;
  const end = src + <usize>n * stride;
  const toOut = dst - src - (stride << 1);   // from cell i + 2 of src to cell i of dst
  for (let p = src + (stride << 1); p != end; p += stride) {   // p: cell i + 2
    const after = load<V>(p);
    const diffNext = sub<V>(after, next);
    const twoDiffNext = mul<V>(two, diffNext);
    const out = donorFlux<V>(q, slope, f, b);
    store<V>(p + toOut, add<V>(sub<V>(q, out), inflow));
    inflow = out;
    slope = slopeOf<V>(diff, diffNext, twoDiff, twoDiffNext);
    q = next; next = after; diff = diffNext; twoDiff = twoDiffNext;
  }
  // Cell n - 2 (its slope from the loop, or the first cell's when n = 2), then the last cell.
  const last = dst + <usize>(n - 1) * stride;
  let out = donorFlux<V>(q, slope, f, b);
  store<V>(last - stride, add<V>(sub<V>(q, out), inflow));
  inflow = out;
  out = donorFlux<V>(next, zero, f, b);
  store<V>(last, add<V>(sub<V>(next, out), inflow));
  return out;
}
