// streamX: advection of psi along x by ds, out of place, in the conservative
// MUSCL flux form of muscl.ts, with limited slopes (src/deterministic/README.md,
// "streamX, streamZ").
//
//   streamX(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd,
//           shiftX, energyMeV, tallies): void
//
//   psiIn, psiOut  f64 psi[((e * nz + z) * nx + x) * nTheta + t] (distinct buffers)
//   nTheta         direction bins (even)
//   nz, nx         cells in z and x
//   [eFirst, eEnd) energy bins moved; [zFirst, zEnd) rows moved
//   shiftX         f64[nTheta]: ds sin(theta_t) / dx, signed, |.| <= 1
//   energyMeV      f64[ne]: E_e
//   tallies        f64[8] of this thread: [0] += escaped particles,
//                  [1] += escaped energy (MeV, E_e x particles)
//
// Writes psiOut(e, z, x, t) for e in [eFirst, eEnd), z in [zFirst, zEnd), all
// x and t (every value there is overwritten), and nothing else. Reads psiIn
// at the same places only. Flux through the faces x = 0 and x = nx dx leaves
// the grid (tallied); nothing enters.
//
// For each (e, z, t) the kernel walks the column of nx cells downstream of
// its shift (x up for f >= 0, down for f <= 0, so one walker, muscl.ts
// walkColumn, serves both), with the donor cell's slope and flux kept in
// registers. Before the walks, which stride through an (e, z) block of
// nx x nTheta values, both blocks are passed over in order, psiIn read (which
// tells whether it holds anything: if not, there is nothing to walk) and
// psiOut zeroed: that brings both into cache, and halves the time of a dense
// grid. A SIMD pair of bins with shifts of opposite signs (no physical grid
// has one: the signs change at the bin theta = 0, which starts a pair, or
// ends one when nTheta / 2 is odd) takes two walks: up with max(f, 0), then
// down with max(-f, 0) in place on psiOut; a walk with f = 0 is the
// identity. The scalar build makes the same choice per pair, so both builds
// do the same operations on every bin.
//
// streamXBlock (one (e, z) block) serves stream.ts too, into its scratch.
import { add, anyNonZeroAll, hsum, neg, phases, pmax, splat } from './pairs';
import { walkColumn } from './muscl';
import { addTally, TALLY_ESCAPED, TALLY_ESCAPED_ENERGY } from './tallies';

/**
 * Streams one (e, z) block of nx x nTheta values from src to dst; returns the
 * particles that left through x = 0 and x = nx dx. `prefill`: zero dst before
 * the walks, which bring it into cache (psi in memory); else dst is only
 * zeroed when src holds nothing (a dst in cache: the walks write all of it).
 */
@inline export function streamXBlock<V>(src: usize, dst: usize, nTheta: i32, nx: i32, shiftX: usize, prefill: bool): f64 {
  const rowBytes = <usize>nTheta << 3;
  const blockBytes = <usize>nx * rowBytes;
  const lastRow = blockBytes - rowBytes;
  const backward = -rowBytes;                       // wrapping: a step of one cell toward x = 0
  if (prefill) memory.fill(dst, 0, blockBytes);
  if (!anyNonZeroAll<V>(src, nx * nTheta)) {
    if (!prefill) memory.fill(dst, 0, blockBytes);
    return 0;
  }
  let block = 0.0;
  for (let phase = 0; phase < phases<V>(); phase++) {
    let acc = splat<V>(0);
    for (let t = phase; t < nTheta; t += 2) {
      const pair = shiftX + (<usize>(t & ~1) << 3);
      const fa = load<f64>(pair), fb = load<f64>(pair, 8);
      const up = fa >= 0 && fb >= 0, down = fa <= 0 && fb <= 0;
      const f = load<V>(shiftX + (<usize>t << 3));
      const from = src + (<usize>t << 3), to = dst + (<usize>t << 3);
      const zero = splat<V>(0);
      if (down) {
        acc = add<V>(acc, walkColumn<V>(from + lastRow, to + lastRow, backward, nx, neg<V>(f), false));
      } else {
        acc = add<V>(acc, walkColumn<V>(from, to, rowBytes, nx, up ? f : pmax<V>(f, zero), false));
        if (!up) acc = add<V>(acc, walkColumn<V>(to + lastRow, to + lastRow, backward, nx, pmax<V>(neg<V>(f), zero), false));
      }
    }
    block += hsum<V>(acc);
  }
  return block;
}

function streamXRows<V>(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32,
  zFirst: i32, zEnd: i32, shiftX: usize, energyMeV: usize, tallies: usize): void {
  const blockBytes = <usize>nx * (<usize>nTheta << 3);   // one (e, z): nx rows of nTheta
  let escapedParticles = 0.0, escapedEnergy = 0.0;
  for (let e = eFirst; e < eEnd; e++) {
    let escaped = 0.0;
    for (let z = zFirst; z < zEnd; z++) {
      const offset = <usize>(e * nz + z) * blockBytes;
      escaped += streamXBlock<V>(psiIn + offset, psiOut + offset, nTheta, nx, shiftX, true);
    }
    escapedParticles += escaped;
    escapedEnergy += load<f64>(energyMeV + (<usize>e << 3)) * escaped;
  }
  addTally(tallies, TALLY_ESCAPED, escapedParticles);
  addTally(tallies, TALLY_ESCAPED_ENERGY, escapedEnergy);
}

/** See the file header. */
export function streamX(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32,
  zFirst: i32, zEnd: i32, shiftX: usize, energyMeV: usize, tallies: usize): void {
  if (ASC_FEATURE_SIMD) streamXRows<v128>(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftX, energyMeV, tallies);
  else streamXRows<f64>(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftX, energyMeV, tallies);
}
