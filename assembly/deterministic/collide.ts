// collide: the collision part of a step, scatter(ds/2) loseEnergy(ds)
// scatter(ds/2), fused into one pass psiIn -> psiOut that reads and writes
// each row of psi once (src/deterministic/README.md, "One step"). Bit for bit
// the same psiOut, dose and tallies as scatterAngles on psiIn (rows
// [eFirst, eEnd) x [zFirst, zEnd)), loseEnergy psiIn -> psiOut, then
// scatterAngles on psiOut (rows [eOutFirst, eEnd) x [zFirst, zEnd)), except
// that psiIn is left as it was.
//
//   collide(psiIn, psiOut, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd,
//           lossReach, cellMaterial, nMaterials, kernelHalfWidth,
//           kernelWeights, jMax, lossFirstBin, lossWeights, lossSlots,
//           lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies,
//           floor, scratch): void
//
//   psiIn, psiOut   f64 psi[((e * nz + z) * nx + x) * nTheta + t] (distinct
//                   buffers); psiIn is read in rows [eFirst, eEnd) x
//                   [zFirst, zEnd) only, and not written
//   lossReach       the most bins a particle drops in one step: every target
//                   j >= 0 of a weight != 0 of lossWeights has e - j <= lossReach
//   scratch         this thread's: collideScratchValues(nTheta, nx, jMax,
//                   lossReach) f64 (below), 16-byte aligned
//   the rest        as scatterAngles and loseEnergy (their file headers)
//
// Writes psiOut(e, z, x, t) for e in [eOutFirst, eEnd), eOutFirst =
// max(0, eFirst - lossReach), z in [zFirst, zEnd), all x and t (zero where
// nothing arrives), and nothing else: unlike loseEnergy, not the rows of the
// other bins (nothing can arrive there); doseEnergyMeV of the cells in those
// rows.
//
// The work is loseEnergy's (loseEnergy.ts moveRun, with fused = true): runs
// of cells of one material along x, source bins from the top down, each for
// all the run's cells in turn. A source row is scattered from psiIn into a
// row of scratch before it moves; its targets gather in a ring of
// lossReach + 1 slots of scratch (row j in slot j % (lossReach + 1), one row
// per cell of the run), so only the few rows that can still receive
// something are held, in cache. Once row e is final (source e done: no
// source below e reaches it), the floor is applied to it, as loseEnergy does,
// and it is scattered from the ring into psiOut; rows no source reached are
// written as zeros. In the usual case (three-point kernel, two or three
// consecutive targets below e) the SIMD build does all of that for a source
// row and row e in one pass (loseEnergy.ts collidePass). Every element gets
// the operations of the three kernels in their order, so the results are
// theirs bit for bit (the one proviso, a psi holding -0, which psi never does:
// see collidePass).
import { forEachRun } from './loseEnergy';

/** Even, so that rows in scratch stay 16-byte aligned: the zeros on each side of the padded row. */
@inline function padBins(jMax: i32): i32 { return (jMax + 1) & ~1; }

/**
 * The f64 of scratch collide needs: a row padded with zeros (for the wide
 * kernels' copies, scatterRow), a row (the scattered source), and the ring:
 * lossReach + 1 slots of nx rows. Mirrored by src/deterministic/solverMemory.ts.
 */
export function collideScratchValues(nTheta: i32, nx: i32, jMax: i32, lossReach: i32): i32 {
  return nTheta + 2 * padBins(jMax) + nTheta + (lossReach + 1) * nx * nTheta;
}

function collideRows<V>(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, lossReach: i32, cellMaterial: usize, nMaterials: i32,
  kernelHalfWidth: usize, kernelWeights: usize, jMax: i32,
  lossFirstBin: usize, lossWeights: usize, lossSlots: i32, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64, scratch: usize): void {
  if (zFirst >= zEnd) return;
  const rowBytes = <usize>nTheta << 3;
  const padBytes = <usize>padBins(jMax) << 3;
  const body = scratch + padBytes;
  memory.fill(scratch, 0, padBytes);   // the padding: every row is written before it is read
  memory.fill(body + rowBytes, 0, padBytes);
  const source = body + rowBytes + padBytes;
  const ring = source + rowBytes;
  forEachRun<V>(true, psiIn, psiOut, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, max(0, eFirst - lossReach), cellMaterial, nMaterials,
    lossFirstBin, lossWeights, lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor,
    kernelHalfWidth, kernelWeights, jMax, body, source, ring, lossReach + 1, <usize>nx * rowBytes);
}

/** See the file header. */
export function collide(psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, lossReach: i32, cellMaterial: usize, nMaterials: i32,
  kernelHalfWidth: usize, kernelWeights: usize, jMax: i32,
  lossFirstBin: usize, lossWeights: usize, lossSlots: i32, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64, scratch: usize): void {
  if (ASC_FEATURE_SIMD) {
    collideRows<v128>(psiIn, psiOut, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, lossReach, cellMaterial, nMaterials,
      kernelHalfWidth, kernelWeights, jMax, lossFirstBin, lossWeights, lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor, scratch);
  } else {
    collideRows<f64>(psiIn, psiOut, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, lossReach, cellMaterial, nMaterials,
      kernelHalfWidth, kernelWeights, jMax, lossFirstBin, lossWeights, lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor, scratch);
  }
}
