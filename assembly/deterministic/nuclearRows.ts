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
//   scratch         nuclearScratchValues(nNodes, nx) f64 (below)
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
//
// Order of the work, per row of cells: first every cell's removal (and its
// elastic turns), the removed particles and their moments gathered per
// (node, cell) in scratch; then node by node, product bin by product bin, the
// yields' row (2 nTheta - 1 f64) is applied to every cell of the row that had
// events at that node. The yields (nodes x ne x (2 nTheta - 1) f64, 7 MB at
// 150 MeV, 27 MB with 4 bins per step) are so read once per row instead of
// once per cell (a cell at a time, the pass ran from main memory and took
// 40-60 % of a step). Each psi value and each cell's dose get the same
// additions in the same order (nodes up, then bins up) as cell by cell. Sums
// over t (the particles placed, the removal's sums) run in the lane order of
// pairs.ts, so the scalar and SIMD builds agree bit for bit.

import {
  addTally, TALLY_DEPOSITED, TALLY_NUCLEAR_EVENTS, TALLY_NEUTRAL_ENERGY, TALLY_LEAVING_ENERGY, TALLY_SECONDARIES,
} from './tallies';
import { add, hsum, mul, phases, splat, sub } from './pairs';

/**
 * The f64 of scratch nuclearRows needs: per (node, cell of a row) the removed
 * particles and their direction moment, and per cell its local deposit, its
 * removed particles and the mean direction bin of the node at hand. Mirrored by
 * src/deterministic/solverMemory.ts.
 */
export function nuclearScratchValues(nNodes: i32, nx: i32): i32 {
  return 2 * nNodes * nx + 3 * nx;
}

/** The direction bins t, t + 1 (v128) or t (f64), as f64. */
@inline function binIndex<V>(t: i32): V {
  if (isVector<V>()) return f64x2.replace_lane(f64x2.splat(<f64>t), 1, <f64>(t + 1)); else return <f64>t;
}

/** row[t] += scale x weights[t] for t in [0, nTheta); returns the sum of what was added (pairs.ts lane order). */
@inline function addScaled<V>(row: usize, weights: usize, scale: f64, nTheta: i32): f64 {
  const s = splat<V>(scale);
  let placed = 0.0;
  for (let phase = 0; phase < phases<V>(); phase++) {
    let acc = splat<V>(0);
    for (let t = phase; t < nTheta; t += 2) {
      const o = <usize>t << 3;
      const a = mul<V>(s, load<V>(weights + o));
      store<V>(row + o, add<V>(load<V>(row + o), a));
      acc = add<V>(acc, a);
    }
    placed += hsum<V>(acc);
  }
  return placed;
}

/** Bin `mean` (nearest to moment / particles) within the grid's nTheta bins. */
@inline function meanBin(moment: f64, particles: f64, nTheta: i32): i32 {
  return min<i32>(max<i32>(<i32>nearest<f64>(moment / particles), 0), nTheta - 1);
}

function nuclearRowsOf<V>(psi: usize, nTheta: i32, nz: i32, nx: i32, ne: i32, zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32,
  cellMaterial: usize, nMaterials: i32, removal: usize, elastic: usize, elasticKernel: usize, nodeOf: usize, nodeWeight: usize, nNodes: i32,
  yields: usize, yieldTotal: usize, nodeTop: usize, nodeNeutralMeV: usize, nodeLocalMeV: usize, nodeLeavingMeV: usize,
  wideLocalBins: i32, energyMeV: usize, doseEnergyMeV: usize, tallies: usize, scratch: usize): void {
  const width = 2 * nTheta - 1;
  const nodeCells = <usize>nNodes * <usize>nx;
  // scratch: removed[g * nx + x], moment[g * nx + x], depositHere[x], removedHere[x], mean[x] (i32 in an f64 slot)
  const removedAt = scratch, momentAt = scratch + (nodeCells << 3);
  const depositAt = momentAt + (nodeCells << 3), removedHereAt = depositAt + (<usize>nx << 3), meanAt = removedHereAt + (<usize>nx << 3);
  const rowBytes = <usize>nTheta << 3;
  let events: f64 = 0, neutral: f64 = 0, leaving: f64 = 0, deposited: f64 = 0, secondaries: f64 = 0;
  for (let z = zFirst; z < zEnd; z++) {
    memory.fill(scratch, 0, (nodeCells << 4) + (<usize>nx << 4));
    // Removal and elastic turns, cell by cell; the removed particles gathered per (node, cell).
    for (let x = 0; x < nx; x++) {
      const cell = z * nx + x;
      const m = load<i32>(cellMaterial + (<usize>cell << 2));
      let removedHere: f64 = 0;
      for (let e = eFirst; e < eEnd; e++) {
        const pair = e * nMaterials + m;
        const p = load<f64>(removal + (<usize>pair << 3));
        const q = load<f64>(elastic + (<usize>pair << 3));
        if (p == 0 && q == 0) continue;
        const row = psi + (<usize>(((e * nz + z) * nx + x) * nTheta) << 3);
        const pV = splat<V>(p), qV = splat<V>(q);
        let sum: f64 = 0, moment: f64 = 0, turned: f64 = 0, turnedMoment: f64 = 0;
        for (let phase = 0; phase < phases<V>(); phase++) {
          let sumV = splat<V>(0), momentV = splat<V>(0), turnedV = splat<V>(0), turnedMomentV = splat<V>(0);
          for (let t = phase; t < nTheta; t += 2) {
            const at = row + (<usize>t << 3);
            const v = load<V>(at);
            const r = mul<V>(pV, v), s = mul<V>(qV, v);
            store<V>(at, sub<V>(sub<V>(v, r), s));
            const bin = binIndex<V>(t);
            sumV = add<V>(sumV, r);
            momentV = add<V>(momentV, mul<V>(r, bin));
            turnedV = add<V>(turnedV, s);
            turnedMomentV = add<V>(turnedMomentV, mul<V>(s, bin));
          }
          sum += hsum<V>(sumV); moment += hsum<V>(momentV); turned += hsum<V>(turnedV); turnedMoment += hsum<V>(turnedMomentV);
        }
        if (turned != 0) {
          events += turned;
          const k = elasticKernel + (<usize>(pair * width + nTheta - 1 - meanBin(turnedMoment, turned, nTheta)) << 3);
          const placed = addScaled<V>(row, k, turned, nTheta);
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
        const lo = (<usize>g * <usize>nx + <usize>x) << 3, hi = lo + (<usize>nx << 3);
        store<f64>(removedAt + lo, load<f64>(removedAt + lo) + w * sum);
        store<f64>(momentAt + lo, load<f64>(momentAt + lo) + w * moment);
        store<f64>(removedAt + hi, load<f64>(removedAt + hi) + (1.0 - w) * sum);
        store<f64>(momentAt + hi, load<f64>(momentAt + hi) + (1.0 - w) * moment);
      }
      store<f64>(removedHereAt + (<usize>x << 3), removedHere);
      events += removedHere;
    }
    // The products, node by node and bin by bin, into every cell with events at the node.
    const rowCells = psi + (<usize>(z * nx * nTheta) << 3);
    for (let g = 0; g < nNodes; g++) {
      const nodeRemoved = removedAt + ((<usize>g * <usize>nx) << 3), nodeMoment = momentAt + ((<usize>g * <usize>nx) << 3);
      let any = false;
      for (let x = 0; x < nx; x++) {
        const removed = load<f64>(nodeRemoved + (<usize>x << 3));
        if (removed == 0) continue;
        any = true;
        store<i32>(meanAt + (<usize>x << 3), meanBin(load<f64>(nodeMoment + (<usize>x << 3)), removed, nTheta));
        neutral += removed * load<f64>(nodeNeutralMeV + (<usize>g << 3));
        const d = depositAt + (<usize>x << 3);
        store<f64>(d, load<f64>(d) + removed * load<f64>(nodeLocalMeV + (<usize>g << 3)));
        leaving += removed * load<f64>(nodeLeavingMeV + (<usize>g << 3));
      }
      if (!any) continue;
      const top = load<i32>(nodeTop + (<usize>g << 2));
      for (let j = 0; j < top; j++) {
        const total = load<f64>(yieldTotal + (<usize>(g * ne + j) << 3));
        if (total == 0) continue;
        const y = yields + (<usize>((g * ne + j) * width + nTheta - 1) << 3);
        const energy = load<f64>(energyMeV + (<usize>j << 3));
        const bins = rowCells + <usize>j * <usize>nz * <usize>nx * rowBytes;
        for (let x = 0; x < nx; x++) {
          const removed = load<f64>(nodeRemoved + (<usize>x << 3));
          if (removed == 0) continue;
          const mean = load<i32>(meanAt + (<usize>x << 3));
          const placed = addScaled<V>(bins + <usize>x * rowBytes, y - (<usize>mean << 3), removed, nTheta);
          secondaries += placed;
          const beyond = (removed * total - placed) * energy;
          if (j < wideLocalBins) {
            const d = depositAt + (<usize>x << 3);
            store<f64>(d, load<f64>(d) + beyond);
          } else {
            leaving += beyond;
          }
        }
      }
    }
    for (let x = 0; x < nx; x++) {
      if (load<f64>(removedHereAt + (<usize>x << 3)) == 0) continue;
      const depositHere = load<f64>(depositAt + (<usize>x << 3));
      const d = doseEnergyMeV + (<usize>(z * nx + x) << 3);
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

/** See the file header. */
export function nuclearRows(psi: usize, nTheta: i32, nz: i32, nx: i32, ne: i32, zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32,
  cellMaterial: usize, nMaterials: i32, removal: usize, elastic: usize, elasticKernel: usize, nodeOf: usize, nodeWeight: usize, nNodes: i32,
  yields: usize, yieldTotal: usize, nodeTop: usize, nodeNeutralMeV: usize, nodeLocalMeV: usize, nodeLeavingMeV: usize,
  wideLocalBins: i32, energyMeV: usize, doseEnergyMeV: usize, tallies: usize, scratch: usize): void {
  if (ASC_FEATURE_SIMD) {
    nuclearRowsOf<v128>(psi, nTheta, nz, nx, ne, zFirst, zEnd, eFirst, eEnd, cellMaterial, nMaterials, removal, elastic, elasticKernel, nodeOf, nodeWeight,
      nNodes, yields, yieldTotal, nodeTop, nodeNeutralMeV, nodeLocalMeV, nodeLeavingMeV, wideLocalBins, energyMeV, doseEnergyMeV, tallies, scratch);
  } else {
    nuclearRowsOf<f64>(psi, nTheta, nz, nx, ne, zFirst, zEnd, eFirst, eEnd, cellMaterial, nMaterials, removal, elastic, elasticKernel, nodeOf, nodeWeight,
      nNodes, yields, yieldTotal, nodeTop, nodeNeutralMeV, nodeLocalMeV, nodeLeavingMeV, wideLocalBins, energyMeV, doseEnergyMeV, tallies, scratch);
  }
}
