// scatterAngles: multiple Coulomb scattering over half a step, in place: each
// (e, z, x) row of nTheta direction bins is convolved with the kernel of its
// energy bin and cell material (src/deterministic/README.md, "scatter").
//
//   scatterAngles(psi, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd,
//                 cellMaterial, nMaterials, kernelHalfWidth, kernelWeights,
//                 jMax, scratch): void
//
//   psi              f64 psi[((e * nz + z) * nx + x) * nTheta + t], in place
//   nTheta           direction bins (even)
//   nz, nx           cells in z and x
//   [eFirst, eEnd)   energy bins, [zFirst, zEnd) rows scattered (all x)
//   cellMaterial     i32[nz * nx]: material m of cell (z, x)
//   nMaterials       materials in the tables
//   kernelHalfWidth  i32[ne * nMaterials]: J of kernel (e, m), 0 <= J <= jMax
//   kernelWeights    f64[(ne * nMaterials) * (2 jMax + 1)]: weight w_j of a
//                    move by j bins at (e * nMaterials + m) * (2 jMax + 1) + j + jMax
//   jMax             the tables' largest half width
//   scratch          caller-provided, per thread: at least nTheta + 2 jMax f64
//                    (the design reserves nTheta + 2 jMax + 4)
//
// Writes psi rows (e, z, x) for e in [eFirst, eEnd), z in [zFirst, zEnd), all
// x, and only rows that hold something: rows that are all zero are skipped.
//
// out[t] = sum over j = -J..J of w_j in[t - j], with moves beyond bin 0 or
// bin nTheta - 1 folded into that bin, so a row keeps its particles (to the
// rounding of sum w_j = 1). The row is copied into scratch between jMax zeros
// on each side (checking on the way whether it holds anything); the sum runs
// over that copy for every t (the moves that stay in the row), and the folded
// part, sum over sources s < J of in[s] (w_{-J} + ... + w_{-s-1}) and its
// mirror at the top, is added to the edge bins afterwards. The three-point
// kernel (J = 1) skips the copy: the row is read once into registers, as it
// is overwritten, with the same sums.
//
// scatterRow (below) does one row, in place or out of place; the fused
// collide kernel (collide.ts) uses it on rows of its scratch.
import { add, anyBits, anyNonZero, binAbove, binBelow, mul, orBits, splat } from './pairs';

/** Copies `bytes` from src to dst; returns whether any bit was set. */
@inline function copyIfNonZero<V>(src: usize, dst: usize, bytes: usize): bool {
  let bits = splat<V>(0);
  for (let o: usize = 0; o < bytes; o += sizeof<V>()) {
    const v = load<V>(src + o);
    store<V>(dst + o, v);
    bits = orBits<V>(bits, v);
  }
  return anyBits<V>(bits);
}

/** One output of the three-point kernel: w_{-1} in[t + 1] + w_0 in[t] + w_1 in[t - 1]. */
@inline export function threePoint<V>(wBelow: V, wStay: V, wAbove: V, above: V, cur: V, below: V): V {
  return add<V>(add<V>(mul<V>(wBelow, above), mul<V>(wStay, cur)), mul<V>(wAbove, below));
}

/**
 * The three-point kernel (J = 1, the usual one), from src to dst (dst may be
 * src: each pair is read before it is written), the inputs in registers (the
 * neighbours of a pair by shuffles), the two moves out of the row folded back
 * into the edge bins. Same sums as convolveRow + foldEdges.
 */
@inline function scatterThreePoint<V>(src: usize, dst: usize, rowBytes: usize, w0: usize): void {
  const step = <usize>sizeof<V>();
  const wBelowS = load<f64>(w0 - 8), wAboveS = load<f64>(w0 + 8);
  const wBelow = splat<V>(wBelowS), wStay = splat<V>(load<f64>(w0)), wAbove = splat<V>(wAboveS);
  const top = rowBytes - 8;
  const first = load<f64>(src), last = load<f64>(src + top);
  const zero = splat<V>(0);
  const toDst = dst - src;   // wrapping
  let prev = zero, cur = load<V>(src);
  const end = src + rowBytes - step;
  for (let p = src; p < end; p += step) {
    const next = load<V>(p + step);
    store<V>(p + toDst, threePoint<V>(wBelow, wStay, wAbove, binAbove<V>(cur, next), cur, binBelow<V>(prev, cur)));
    prev = cur; cur = next;
  }
  store<V>(end + toDst, threePoint<V>(wBelow, wStay, wAbove, binAbove<V>(cur, zero), cur, binBelow<V>(prev, cur)));
  store<f64>(dst, load<f64>(dst) + wBelowS * first);
  store<f64>(dst + top, load<f64>(dst + top) + wAboveS * last);
}

/**
 * row[t] = sum_j w_j in[t - j], j = -J..J in that order; in at `body` (zeros
 * around), w_j at w0 + 8 j. Four outputs at a time: each sum is a chain of
 * dependent adds, so four chains side by side keep the adder busy (every sum
 * still adds its terms in the order above).
 */
@inline function convolveRow<V>(body: usize, row: usize, rowBytes: usize, w0: usize, halfWidth: i32): void {
  const reach = <usize>halfWidth << 3;
  const step = <usize>sizeof<V>();
  let o: usize = 0;
  for (; o + 4 * step <= rowBytes; o += 4 * step) {
    const p = body + o;
    const wFirst = splat<V>(load<f64>(w0 - reach));
    let s0 = mul<V>(wFirst, load<V>(p + reach)), s1 = mul<V>(wFirst, load<V>(p + step + reach));
    let s2 = mul<V>(wFirst, load<V>(p + 2 * step + reach)), s3 = mul<V>(wFirst, load<V>(p + 3 * step + reach));
    for (let j: usize = 8 - reach; <isize>j <= <isize>reach; j += 8) {
      const w = splat<V>(load<f64>(w0 + j));
      const q = p - j;
      s0 = add<V>(s0, mul<V>(w, load<V>(q)));
      s1 = add<V>(s1, mul<V>(w, load<V>(q + step)));
      s2 = add<V>(s2, mul<V>(w, load<V>(q + 2 * step)));
      s3 = add<V>(s3, mul<V>(w, load<V>(q + 3 * step)));
    }
    store<V>(row + o, s0);
    store<V>(row + o + step, s1);
    store<V>(row + o + 2 * step, s2);
    store<V>(row + o + 3 * step, s3);
  }
  for (; o < rowBytes; o += step) {
    const p = body + o;
    let sum = mul<V>(splat<V>(load<f64>(w0 - reach)), load<V>(p + reach));
    for (let j: usize = 8 - reach; <isize>j <= <isize>reach; j += 8) {
      sum = add<V>(sum, mul<V>(splat<V>(load<f64>(w0 + j)), load<V>(p - j)));
    }
    store<V>(row + o, sum);
  }
}

/**
 * The moves beyond the edges, added to the edge bins: bin 0 gains
 * sum_{s < J} in[s] (w_{-J} + ... + w_{-s-1}), bin n - 1 the mirror image.
 * Scalar code in both builds.
 */
@inline function foldEdges(body: usize, row: usize, rowBytes: usize, w0: usize, halfWidth: i32): void {
  const top = rowBytes - 8;
  let below = 0.0, beyondLow = 0.0, above = 0.0, beyondHigh = 0.0;
  for (let s = halfWidth - 1; s >= 0; s--) {
    const k = <usize>(s + 1) << 3;
    below += load<f64>(w0 - k);
    beyondLow += below * load<f64>(body + k - 8);
    above += load<f64>(w0 + k);
    beyondHigh += above * load<f64>(body + top - k + 8);
  }
  store<f64>(row, load<f64>(row) + beyondLow);
  store<f64>(row + top, load<f64>(row + top) + beyondHigh);
}

/**
 * Scatters the row of nTheta bins at src into dst (dst may be src) with the
 * kernel whose w_0 is at w0 (w_j at w0 + 8 j) and half width J. `body` is the
 * row part of a scratch of nTheta + 2 jMax f64 whose jMax f64 at each end are
 * zero: J > 1 copies src there first. When src itself has jMax zeros on each
 * side (`padded`), body is not used. Returns false, and leaves dst alone, when
 * src is all zero (no bit set).
 */
@inline export function scatterRow<V>(src: usize, dst: usize, nTheta: i32, w0: usize, halfWidth: i32, body: usize, padded: bool): bool {
  const rowBytes = <usize>nTheta << 3;
  if (halfWidth == 1) {
    if (!anyNonZero<V>(src, nTheta)) return false;
    scatterThreePoint<V>(src, dst, rowBytes, w0);
    return true;
  }
  if (padded) {
    if (!anyNonZero<V>(src, nTheta)) return false;
    body = src;
  } else if (!copyIfNonZero<V>(src, body, rowBytes)) {
    return false;
  }
  convolveRow<V>(body, dst, rowBytes, w0, halfWidth);
  if (halfWidth > 0) foldEdges(body, dst, rowBytes, w0, halfWidth);
  return true;
}

/** The weights' w_0 of kernel (e, m): kernelWeights + ((e nMaterials + m) (2 jMax + 1) + jMax) f64. */
@inline export function kernelCentre(kernelWeights: usize, k: i32, jMax: i32): usize {
  return kernelWeights + (<usize>(k * (2 * jMax + 1) + jMax) << 3);
}

function scatterRows<V>(psi: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32, zFirst: i32, zEnd: i32,
  cellMaterial: usize, nMaterials: i32, kernelHalfWidth: usize, kernelWeights: usize, jMax: i32, scratch: usize): void {
  const rowBytes = <usize>nTheta << 3;
  const padBytes = <usize>jMax << 3;
  const body = scratch + padBytes;
  memory.fill(scratch, 0, padBytes);
  memory.fill(body + rowBytes, 0, padBytes);
  for (let e = eFirst; e < eEnd; e++) {
    for (let z = zFirst; z < zEnd; z++) {
      let row = psi + <usize>(e * nz + z) * <usize>nx * rowBytes;
      const cells = cellMaterial + (<usize>(z * nx) << 2);
      for (let x = 0; x < nx; x++, row += rowBytes) {
        const k = e * nMaterials + load<i32>(cells + (<usize>x << 2));
        scatterRow<V>(row, row, nTheta, kernelCentre(kernelWeights, k, jMax), load<i32>(kernelHalfWidth + (<usize>k << 2)), body, false);
      }
    }
  }
}

/** See the file header. */
export function scatterAngles(psi: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32, zFirst: i32, zEnd: i32,
  cellMaterial: usize, nMaterials: i32, kernelHalfWidth: usize, kernelWeights: usize, jMax: i32, scratch: usize): void {
  if (ASC_FEATURE_SIMD) scatterRows<v128>(psi, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, cellMaterial, nMaterials, kernelHalfWidth, kernelWeights, jMax, scratch);
  else scatterRows<f64>(psi, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, cellMaterial, nMaterials, kernelHalfWidth, kernelWeights, jMax, scratch);
}
