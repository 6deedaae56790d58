// stream: the streaming part of a step, streamX then streamZ, fused per
// energy bin so that the intermediate never goes to memory
// (src/deterministic/README.md, "One step"). Bit for bit the same psiOut,
// tallies and probe fluence as streamX psiIn -> tmp then streamZ tmp -> psiOut
// over the same ranges (with tmp zero in row zEnd), and psiIn is left as it was.
//
//   stream(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftX,
//          shiftZ, energyMeV, tallies, probeFace, probeFluence, scratch): void
//
//   psiIn, psiOut   f64 psi[((e * nz + z) * nx + x) * nTheta + t] (distinct
//                   buffers); psiIn is read in rows [eFirst, eEnd) x
//                   [zFirst, zEnd) only, and not written
//   scratch         this thread's: nz * nx * nTheta f64
//   the rest        as streamX and streamZ (their file headers)
//
// Writes psiOut(e, z, x, t) for e in [eFirst, eEnd), z in
// [zFirst, min(zEnd + 1, nz)), all x and t, and nothing else (nothing at all
// when zFirst >= zEnd). Tallies: [0] and [1] gain streamX's escapes, then
// streamZ's, as the two kernels add them.
//
// For each e, streamX's blocks (streamX.ts streamXBlock) go into the rows
// [zFirst, zEnd) of a plane in scratch, whose row zEnd (the z walk's
// neighbour of row zEnd - 1) is zero; streamZ's plane (streamZ.ts
// streamZPlane) then walks that plane into psiOut. One plane (nz x nx x
// nTheta f64) stays in this core's cache between the two.
import { streamXBlock } from './streamX';
import { streamZPlane } from './streamZ';
import { addTally, TALLY_ESCAPED, TALLY_ESCAPED_ENERGY } from './tallies';

function streamRows<V>(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32,
  zFirst: i32, zEnd: i32, shiftX: usize, shiftZ: usize, energyMeV: usize, tallies: usize,
  probeFace: i32, probeFluence: usize, scratch: usize): void {
  if (zFirst >= zEnd) return;
  const blockBytes = <usize>nx * (<usize>nTheta << 3);   // one (e, z)
  const energyBytes = <usize>nz * blockBytes;
  const plane = scratch - <usize>zFirst * blockBytes;     // wrapping: row z of the plane at plane + z blockBytes
  if (zEnd < nz) memory.fill(plane + <usize>zEnd * blockBytes, 0, blockBytes);
  let xParticles = 0.0, xEnergy = 0.0, zParticles = 0.0, zEnergy = 0.0;
  for (let e = eFirst; e < eEnd; e++) {
    const inE = psiIn + <usize>e * energyBytes;
    let escapedX = 0.0;
    for (let z = zFirst; z < zEnd; z++) {
      escapedX += streamXBlock<V>(inE + <usize>z * blockBytes, plane + <usize>z * blockBytes, nTheta, nx, shiftX, false);
    }
    const energy = load<f64>(energyMeV + (<usize>e << 3));
    xParticles += escapedX;
    xEnergy += energy * escapedX;
    const escapedZ = streamZPlane<V>(plane, psiOut + <usize>e * energyBytes, nTheta, nz, nx, zFirst, zEnd, shiftZ, probeFace, probeFluence);
    zParticles += escapedZ;
    zEnergy += energy * escapedZ;
  }
  addTally(tallies, TALLY_ESCAPED, xParticles);
  addTally(tallies, TALLY_ESCAPED_ENERGY, xEnergy);
  addTally(tallies, TALLY_ESCAPED, zParticles);
  addTally(tallies, TALLY_ESCAPED_ENERGY, zEnergy);
}

/** See the file header. */
export function stream(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32, eFirst: i32, eEnd: i32,
  zFirst: i32, zEnd: i32, shiftX: usize, shiftZ: usize, energyMeV: usize, tallies: usize,
  probeFace: i32, probeFluence: usize, scratch: usize): void {
  if (ASC_FEATURE_SIMD) streamRows<v128>(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftX, shiftZ, energyMeV, tallies, probeFace, probeFluence, scratch);
  else streamRows<f64>(psiIn, psiOut, nTheta, nz, nx, eFirst, eEnd, zFirst, zEnd, shiftX, shiftZ, energyMeV, tallies, probeFace, probeFluence, scratch);
}
