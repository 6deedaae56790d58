// nuclearRows: nonelastic nuclear events of the deterministic solver, per cell
// (src/deterministic/README.md, "Nuclear events"), in place on psi between
// collide and stream.
//
//   nuclearRows(psi, nTheta, nz, nx, ne, zFirst, zEnd, eFirst, eEnd,
//               cellMaterial, nMaterials, removal, elastic, elasticKernel,
//               nodeOf, nodeWeight, nNodes,
//               yields, yieldTotal, nodeTop, nodeNeutralMeV, nodeLocalMeV,
//               nodeLeavingMeV, wideLocalBins, energyMeV, doseEnergyMeV,
//               tallies, scratch): void
//
//   psi             f64 psi[((e * nz + z) * nx + x) * nTheta + t]: rows z in
//                   [zFirst, zEnd) of bins [0, eEnd) are read and written
//   removal         f64 [e * nMaterials + m]: the fraction of bin e's particles
//                   in material m with a nonelastic event in one step
//   elastic         f64 [e * nMaterials + m]: the fraction with an elastic event
//                   on a nucleus heavier than hydrogen in one step
//   elasticKernel   f64 [(e * nMaterials + m) * (2 nTheta - 1) + d]: the
//                   probability that such an event turns the proton by
//                   d - (nTheta - 1) angle bins (summing to less than 1 where
//                   turns beyond 2 thetaMax are possible)
//   nodeOf, nodeWeight
//                   i32 g and f64 w [e]: bin e's events count w for node g and
//                   1 - w for node g + 1 (linear in energy between the nodes'
//                   energies, g + 1 < nNodes)
//   yields          f64 [((g * ne + j) * (2 nTheta - 1)) + d]: secondary protons
//                   per event at node g into bin j, at d - (nTheta - 1) angle
//                   bins from the parent's bin; yieldTotal [g * ne + j] their
//                   sum over d; nodeTop i32 [g]: yields are zero for j >= it,
//                   and nodeTop[g] <= e + 1 for every e with a weight on g (no
//                   product above its source: the host checks it)
//   nodeNeutralMeV, nodeLocalMeV, nodeLeavingMeV
//                   f64 [g], per event: energy carried by neutrals (with the
//                   binding energy), deposited in the cell, and carried by
//                   secondaries beyond the angle grid whatever the parent's bin
//   wideLocalBins   a secondary whose target bin lies beyond the angle grid is
//                   deposited in the cell if its bin j < wideLocalBins, else its
//                   energy leaves the solver (tally [8])
//   energyMeV       f64 [e]: E_e; doseEnergyMeV f64 [z * nx + x]
//   tallies         [3] deposited MeV, [6] nuclear events (particles removed),
//                   [7] neutral MeV, [8] MeV of secondaries beyond the angle
//                   grid not deposited, [9] secondaries placed in psi
//   scratch         2 nNodes f64
//
// Per cell: every bin e in [eFirst, eEnd) loses (removal + elastic) x psi in
// each direction bin. The elastically scattered particles go back to bin e,
// turned by elasticKernel about their mean direction bin (weighted by the
// particles); those turned beyond the grid go by wideLocalBins as secondaries.
// The nonelastic ones are summed per node, with their mean direction bin. Each node's products are
// placed about that mean bin: yields[g][j][t - mean + nTheta - 1] per event into
// psi[j][t]; what falls beyond the grid's nTheta bins goes by wideLocalBins.
// Energy: E_e = w E_g + (1 - w) E_{g+1}, and per node E_g = neutral + local +
// leaving + sum_j yieldTotal E_j (the host's tables), so the removed energy
// is the sum of what goes to psi, the cell, the neutrals and beyond the grid.

import {
  addTally, TALLY_DEPOSITED, TALLY_NUCLEAR_EVENTS, TALLY_NEUTRAL_ENERGY, TALLY_LEAVING_ENERGY, TALLY_SECONDARIES,
} from './tallies';

/** See the file header. */
export function nuclearRows(psi: usize, nTheta: i32, nz: i32, nx: i32, ne: i32, zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32,
  cellMaterial: usize, nMaterials: i32, removal: usize, elastic: usize, elasticKernel: usize, nodeOf: usize, nodeWeight: usize, nNodes: i32,
  yields: usize, yieldTotal: usize, nodeTop: usize, nodeNeutralMeV: usize, nodeLocalMeV: usize, nodeLeavingMeV: usize,
  wideLocalBins: i32, energyMeV: usize, doseEnergyMeV: usize, tallies: usize, scratch: usize): void {
  const width = 2 * nTheta - 1;
  const removedAt = scratch, momentAt = scratch + (<usize>nNodes << 3);
  let events: f64 = 0, neutral: f64 = 0, leaving: f64 = 0, deposited: f64 = 0, secondaries: f64 = 0;
  for (let z = zFirst; z < zEnd; z++) {
    for (let x = 0; x < nx; x++) {
      const cell = z * nx + x;
      const m = load<i32>(cellMaterial + (<usize>cell << 2));
      memory.fill(scratch, 0, <usize>nNodes << 4);
      let removedHere: f64 = 0;
      for (let e = eFirst; e < eEnd; e++) {
        const pair = e * nMaterials + m;
        const p = load<f64>(removal + (<usize>pair << 3));
        const q = load<f64>(elastic + (<usize>pair << 3));
        if (p == 0 && q == 0) continue;
        const row = psi + (<usize>(((e * nz + z) * nx + x) * nTheta) << 3);
        let sum: f64 = 0, moment: f64 = 0, turned: f64 = 0, turnedMoment: f64 = 0;
        for (let t = 0; t < nTheta; t++) {
          const at = row + (<usize>t << 3);
          const v = load<f64>(at);
          const r = p * v, s = q * v;
          store<f64>(at, v - r - s);
          sum += r;
          moment += r * <f64>t;
          turned += s;
          turnedMoment += s * <f64>t;
        }
        if (turned != 0) {
          events += turned;
          const mean = min<i32>(max<i32>(<i32>nearest<f64>(turnedMoment / turned), 0), nTheta - 1);
          const k = elasticKernel + (<usize>(pair * width + nTheta - 1 - mean) << 3);
          let placed: f64 = 0;
          for (let t = 0; t < nTheta; t++) {
            const a = turned * load<f64>(k + (<usize>t << 3));
            store<f64>(row + (<usize>t << 3), load<f64>(row + (<usize>t << 3)) + a);
            placed += a;
          }
          secondaries += placed;
          const beyond = (turned - placed) * load<f64>(energyMeV + (<usize>e << 3));
          if (e < wideLocalBins) {
            const d = doseEnergyMeV + (<usize>cell << 3);
            store<f64>(d, load<f64>(d) + beyond);
            deposited += beyond;
          } else {
            leaving += beyond;
          }
        }
        if (sum == 0) continue;
        removedHere += sum;
        const g = load<i32>(nodeOf + (<usize>e << 2));
        const w = load<f64>(nodeWeight + (<usize>e << 3));
        const lo = <usize>g << 3, hi = <usize>(g + 1) << 3;
        store<f64>(removedAt + lo, load<f64>(removedAt + lo) + w * sum);
        store<f64>(momentAt + lo, load<f64>(momentAt + lo) + w * moment);
        store<f64>(removedAt + hi, load<f64>(removedAt + hi) + (1.0 - w) * sum);
        store<f64>(momentAt + hi, load<f64>(momentAt + hi) + (1.0 - w) * moment);
      }
      if (removedHere == 0) continue;
      events += removedHere;
      let depositHere: f64 = 0;
      for (let g = 0; g < nNodes; g++) {
        const removed = load<f64>(removedAt + (<usize>g << 3));
        if (removed == 0) continue;
        const mean = min<i32>(max<i32>(<i32>nearest<f64>(load<f64>(momentAt + (<usize>g << 3)) / removed), 0), nTheta - 1);
        neutral += removed * load<f64>(nodeNeutralMeV + (<usize>g << 3));
        depositHere += removed * load<f64>(nodeLocalMeV + (<usize>g << 3));
        leaving += removed * load<f64>(nodeLeavingMeV + (<usize>g << 3));
        const top = load<i32>(nodeTop + (<usize>g << 2));
        for (let j = 0; j < top; j++) {
          const total = load<f64>(yieldTotal + (<usize>(g * ne + j) << 3));
          if (total == 0) continue;
          const y = yields + (<usize>((g * ne + j) * width + nTheta - 1 - mean) << 3);
          const row = psi + (<usize>(((j * nz + z) * nx + x) * nTheta) << 3);
          let placed: f64 = 0;
          for (let t = 0; t < nTheta; t++) {
            const a = removed * load<f64>(y + (<usize>t << 3));
            store<f64>(row + (<usize>t << 3), load<f64>(row + (<usize>t << 3)) + a);
            placed += a;
          }
          secondaries += placed;
          const beyond = (removed * total - placed) * load<f64>(energyMeV + (<usize>j << 3));
          if (j < wideLocalBins) depositHere += beyond;
          else leaving += beyond;
        }
      }
      const d = doseEnergyMeV + (<usize>cell << 3);
      store<f64>(d, load<f64>(d) + depositHere);
      deposited += depositHere;
    }
  }
  addTally(tallies, TALLY_DEPOSITED, deposited);
  addTally(tallies, TALLY_NUCLEAR_EVENTS, events);
  addTally(tallies, TALLY_NEUTRAL_ENERGY, neutral);
  addTally(tallies, TALLY_LEAVING_ENERGY, leaving);
  addTally(tallies, TALLY_SECONDARIES, secondaries);
}
