// streamZ: advection of psi along z (depth) by ds, out of place, in the
// conservative MUSCL flux form of muscl.ts, with limited slopes
// (src/deterministic/README.md, "streamX, streamZ").
//
//   streamZ(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd,
//           shiftZ, energyMeV, tallies, probeFace, probeFluence): void
//
//   psiIn, psiOut  f64 psi[((e * nz + z) * nx + x) * nTheta + t] (distinct buffers)
//   nTheta         direction bins (even)
//   nz, nx         cells in z and x
//   [eFirst, eEnd) energy bins moved; [zFirst, zEnd) rows that may hold
//                  particles (psiIn must be zero in the rows outside it)
//   shiftZ         f64[nTheta]: ds cos(theta_t) / dz, in [0, 1] (directions
//                  move toward +z only)
//   energyMeV      f64[ne]: E_e
//   tallies        f64[8] of this thread: [0] += escaped particles,
//                  [1] += escaped energy (MeV)
//   probeFace      1..nz-1: add the flux through the face between rows
//                  probeFace - 1 and probeFace to probeFluence; -1: no probe
//   probeFluence   f64[nx]: += particles crossing that face in +z, per x cell,
//                  summed over e and t
//
// Writes psiOut(e, z, x, t) for e in [eFirst, eEnd), z in
// [zFirst, min(zEnd + 1, nz)), all x and t (every value there is
// overwritten: row zEnd receives what flows out of row zEnd - 1), and nothing
// else. Reads psiIn rows [zFirst, min(zEnd + 1, nz)) of those e; row zEnd
// only as the neighbour of row zEnd - 1 (so it must be zero, as must be the
// rows below zFirst, which are not read).
// Flux through z = nz dz leaves the grid (tallied); nothing enters at z = 0.
//
// For each (e, x, t) the kernel walks the column of cells along z (muscl.ts
// walkColumn, stride one plane of nx x nTheta), from the first row of
// [zFirst, zEnd) that holds anything to one past the last (the row that
// receives its outflow, or the grid's last row); the rows of
// [zFirst, min(zEnd + 1, nz)) outside that walk are zeroed. The empty rows
// cut off carry no flux and have no slope, so the result is the same as a
// walk over the whole grid. The probe's flux is recomputed afterwards from
// psiIn with the same operations as the walk.
//
// streamZPlane (one energy bin) serves stream.ts too, from its scratch.
import { add, anyNonZero, hsum, phases, splat, sub } from './pairs';
import { donorFlux, limitedSlope, slopeWeight, walkColumn } from './muscl';
import { addTally, TALLY_ESCAPED, TALLY_ESCAPED_ENERGY } from './tallies';

/**
 * Adds to probeFluence[x] the flux, summed over t, from row `row` (walked
 * from row `walkFirst`) into row + 1 of one energy bin at `inE`.
 */
@inline function addProbeFlux<V>(inE: usize, row: i32, walkFirst: i32, nx: i32, nTheta: i32, planeBytes: usize,
  shiftZ: usize, probeFluence: usize): void {
  const rowBytes = <usize>nTheta << 3;
  const cur = inE + <usize>row * planeBytes;
  for (let x = 0; x < nx; x++) {
    const cell = cur + <usize>x * rowBytes;
    let sum = 0.0;
    for (let phase = 0; phase < phases<V>(); phase++) {
      let acc = splat<V>(0);
      for (let t = phase; t < nTheta; t += 2) {
        const at = cell + (<usize>t << 3);
        const f = load<V>(shiftZ + (<usize>t << 3));
        const q = load<V>(at);
        const diffNext = sub<V>(load<V>(at + planeBytes), q);
        // walkColumn's slope of this cell: none in grid row 0, limitedSlope(q - 0, .) in
        // the first row walked (the row below holds nothing), else from both sides.
        let slope = splat<V>(0);
        if (row == walkFirst && row > 0) slope = limitedSlope<V>(q, diffNext);
        else if (row > 0) slope = limitedSlope<V>(sub<V>(q, load<V>(at - planeBytes)), diffNext);
        acc = add<V>(acc, donorFlux<V>(q, slope, f, slopeWeight<V>(f)));
      }
      sum += hsum<V>(acc);
    }
    const p = probeFluence + (<usize>x << 3);
    store<f64>(p, load<f64>(p) + sum);
  }
}

/**
 * Streams the rows [zFirst, min(zEnd + 1, nz)) of one energy bin, inE -> outE
 * (row z at inE + z nx nTheta f64, likewise outE), with the probe's flux
 * added to probeFluence (see the file header); returns the particles that
 * left through z = nz dz.
 */
@inline export function streamZPlane<V>(inE: usize, outE: usize, nTheta: i32, nz: i32, nx: i32, zFirst: i32, zEnd: i32,
  shiftZ: usize, probeFace: i32, probeFluence: usize): f64 {
  const rowBytes = <usize>nTheta << 3;
  const planeBytes = <usize>nx * rowBytes;
  const writeEnd = min(zEnd + 1, nz);
  let first = zFirst;
  while (first < zEnd && !anyNonZero<V>(inE + <usize>first * planeBytes, nx * nTheta)) first++;
  if (first == zEnd) {
    if (zFirst < writeEnd) memory.fill(outE + <usize>zFirst * planeBytes, 0, <usize>(writeEnd - zFirst) * planeBytes);
    return 0;
  }
  let lastHeld = zEnd - 1;
  while (!anyNonZero<V>(inE + <usize>lastHeld * planeBytes, nx * nTheta)) lastHeld--;
  const last = min(lastHeld + 1, nz - 1);   // the walk's last row
  memory.fill(outE + <usize>zFirst * planeBytes, 0, <usize>(first - zFirst) * planeBytes);
  memory.fill(outE + <usize>(last + 1) * planeBytes, 0, <usize>(writeEnd - last - 1) * planeBytes);
  const cells = last - first + 1;
  const from = inE + <usize>first * planeBytes, to = outE + <usize>first * planeBytes;
  let escaped = 0.0;
  for (let x = 0; x < nx; x++) {
    const cell = <usize>x * rowBytes;
    let sum = 0.0;
    for (let phase = 0; phase < phases<V>(); phase++) {
      let acc = splat<V>(0);
      for (let t = phase; t < nTheta; t += 2) {
        const at = cell + (<usize>t << 3);
        acc = add<V>(acc, walkColumn<V>(from + at, to + at, planeBytes, cells, load<V>(shiftZ + (<usize>t << 3)), first > 0));
      }
      sum += hsum<V>(acc);
    }
    escaped += sum;
  }
  if (probeFace > 0 && probeFace < nz && probeFace - 1 >= first && probeFace - 1 <= lastHeld) {
    addProbeFlux<V>(inE, probeFace - 1, first, nx, nTheta, planeBytes, shiftZ, probeFluence);
  }
  return escaped;
}

function streamZRows<V>(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32,
  zFirst: i32, zEnd: i32, shiftZ: usize, energyMeV: usize, tallies: usize, probeFace: i32, probeFluence: usize): void {
  const energyBytes = <usize>nz * <usize>nx * (<usize>nTheta << 3);
  let escapedParticles = 0.0, escapedEnergy = 0.0;
  for (let e = eFirst; e < eEnd; e++) {
    const offset = <usize>e * energyBytes;
    const escaped = streamZPlane<V>(psiIn + offset, psiOut + offset, nTheta, nz, nx, zFirst, zEnd, shiftZ, probeFace, probeFluence);
    escapedParticles += escaped;
    escapedEnergy += load<f64>(energyMeV + (<usize>e << 3)) * escaped;
  }
  addTally(tallies, TALLY_ESCAPED, escapedParticles);
  addTally(tallies, TALLY_ESCAPED_ENERGY, escapedEnergy);
}

/** See the file header. */
export function streamZ(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32,
  zFirst: i32, zEnd: i32, shiftZ: usize, energyMeV: usize, tallies: usize, probeFace: i32, probeFluence: usize): void {
  if (ASC_FEATURE_SIMD) streamZRows<v128>(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftZ, energyMeV, tallies, probeFace, probeFluence);
  else streamZRows<f64>(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftZ, energyMeV, tallies, probeFace, probeFluence);
}
