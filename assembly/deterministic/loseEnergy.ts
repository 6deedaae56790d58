// loseEnergy: continuous slowing down over one step, psiIn -> psiOut: the
// particles of bin e in a cell of material m move to bins jLo..jLo+2 with the
// host's weights (bins below 0: absorbed), depositing their lost energy in the
// cell; then values below a floor are dropped as absorbed
// (src/deterministic/README.md, "loseEnergy").
//
//   loseEnergy(psiIn, psiOut, ne, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd,
//              cellMaterial, nMaterials, lossFirstBin, lossWeights,
//              lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV,
//              tallies, floor): void
//
//   psiIn, psiOut   f64 psi[((e * nz + z) * nx + x) * nTheta + t] (distinct buffers)
//   ne, nTheta      energy and direction bins (nTheta even)
//   nz, nx          cells in z and x
//   [zFirst, zEnd)  rows of cells done (all x)
//   [eFirst, eEnd)  source bins moved (psiIn is not read outside them)
//   cellMaterial    i32[nz * nx]: material m of cell (z, x)
//   lossFirstBin    i32[ne * nMaterials]: jLo of (e, m); jLo + 2 <= e
//   lossWeights     f64[ne * nMaterials * 3]: fraction to bin jLo + k, k = 0..2
//   lossDepositMeV  f64[ne * nMaterials]: energy deposited per particle
//   lossAbsorbed    f64[ne * nMaterials]: fraction absorbed (targets < 0)
//   energyMeV       f64[ne]: E_e (for the floor's deposits)
//   doseEnergyMeV   f64[nz * nx]: += energy deposited per cell (MeV)
//   tallies         f64[8] of this thread: [2] += absorbed particles (floor
//                   included), [3] += deposited energy (MeV, floor included),
//                   [4] += particles dropped below the floor
//   floor           values below it are dropped (<= 0: no floor)
//
// Writes psiOut(e, z, x, t) for all e in [0, ne), z in [zFirst, zEnd), all x
// and t (zero where nothing arrives), and nothing else; doseEnergyMeV of the
// cells in those rows.
//
// Work goes by runs of cells of one material along x (a whole row of cells
// in a uniform phantom), source bins from the top down, each bin for all the
// run's cells in turn: the run's rows of one bin lie side by side in memory,
// so the passes stream. Targets are never above the source, so once source
// e is done, row e of psiOut is final: the floor is applied to it at once
// (in the same pass when e is itself a target). A row is initialised by its
// first contribution (out = w in, even when in is all zero) or zeroed when it
// gets none; which rows those are follows from the tables alone: the rows
// [initLow, eEnd) are initialised once the sources above e are done. Every
// element of psiOut gets the same operations in the same order whichever path
// writes it: w in first, then + w' in' per later contribution, then the floor.
import { add, anyNonZero, hsum, mul, phases, rowSum, splat, whereBelow, whereNotBelow } from './pairs';
import { addTally, TALLY_ABSORBED, TALLY_DEPOSITED, TALLY_FLOORED } from './tallies';

@inline function zeroRows<V>(first: usize, rows: i32, planeBytes: usize, rowBytes: usize): void {
  const zero = splat<V>(0);
  for (let r = 0; r < rows; r++) {
    const row = first + <usize>r * planeBytes;
    for (let o: usize = 0; o < rowBytes; o += sizeof<V>()) store<V>(row + o, zero);
  }
}

/** out[t] = w in[t] (fresh) or out[t] + w in[t]. */
@inline function addScaledRow<V>(out: usize, src: usize, w: f64, rowBytes: usize, fresh: bool): void {
  const weight = splat<V>(w);
  for (let o: usize = 0; o < rowBytes; o += sizeof<V>()) {
    const moved = mul<V>(weight, load<V>(src + o));
    store<V>(out + o, fresh ? moved : add<V>(load<V>(out + o), moved));
  }
}

/** Counts `dropped` particles of energy `energyMeV` absorbed in the cell. */
@inline function recordFloor(dropped: f64, energyMeV: f64, doseAt: usize, tallies: usize): void {
  const energy = energyMeV * dropped;
  store<f64>(doseAt, load<f64>(doseAt) + energy);
  addTally(tallies, TALLY_DEPOSITED, energy);
  addTally(tallies, TALLY_ABSORBED, dropped);
  addTally(tallies, TALLY_FLOORED, dropped);
}

/** Applies the floor to a row: values below it become 0 and are recorded as absorbed. */
@inline function floorRow<V>(row: usize, nTheta: i32, floor: V, energyMeV: f64, doseAt: usize, tallies: usize): void {
  let dropped = 0.0;
  for (let phase = 0; phase < phases<V>(); phase++) {
    let acc = splat<V>(0);
    for (let t = phase; t < nTheta; t += 2) {
      const p = row + (<usize>t << 3);
      const v = load<V>(p);
      acc = add<V>(acc, whereBelow<V>(v, floor));
      store<V>(p, whereNotBelow<V>(v, floor));
    }
    dropped += hsum<V>(acc);
  }
  if (dropped != 0) recordFloor(dropped, energyMeV, doseAt, tallies);
}

/**
 * The usual move, in one pass: a source row to three consecutive target rows
 * at out, out + planeBytes, out + 2 planeBytes; the lowest is fresh or not,
 * the top one final (floor applied, `topEnergyMeV` its energy) or not.
 * Returns the source row's particles.
 */
@inline function moveToThree<V>(src: usize, out: usize, planeBytes: usize, nTheta: i32, weights: usize,
  fresh: bool, floorTop: bool, floor: V, topEnergyMeV: f64, doseAt: usize, tallies: usize): f64 {
  const w0 = splat<V>(load<f64>(weights)), w1 = splat<V>(load<f64>(weights, 8)), w2 = splat<V>(load<f64>(weights, 16));
  const out1 = out + planeBytes, out2 = out1 + planeBytes;
  let particles = 0.0, dropped = 0.0;
  for (let phase = 0; phase < phases<V>(); phase++) {
    let acc = splat<V>(0), drops = splat<V>(0);
    for (let t = phase; t < nTheta; t += 2) {
      const o = <usize>t << 3;
      const v = load<V>(src + o);
      acc = add<V>(acc, v);
      const low = mul<V>(w0, v);
      store<V>(out + o, fresh ? low : add<V>(load<V>(out + o), low));
      store<V>(out1 + o, add<V>(load<V>(out1 + o), mul<V>(w1, v)));
      const top = add<V>(load<V>(out2 + o), mul<V>(w2, v));
      if (floorTop) {
        drops = add<V>(drops, whereBelow<V>(top, floor));
        store<V>(out2 + o, whereNotBelow<V>(top, floor));
      } else {
        store<V>(out2 + o, top);
      }
    }
    particles += hsum<V>(acc);
    dropped += hsum<V>(drops);
  }
  if (floorTop && dropped != 0) recordFloor(dropped, topEnergyMeV, doseAt, tallies);
  return particles;
}

/** Moves the particles of a run of `cells` cells of material m, from cell `first` on (see the file header). */
@inline function moveRun<V>(psiIn: usize, psiOut: usize, nTheta: i32, planeBytes: usize, first: i32, cells: i32, m: i32,
  eFirst: i32, eEnd: i32, nMaterials: i32, lossFirstBin: usize, lossWeights: usize, lossDepositMeV: usize,
  lossAbsorbed: usize, energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64): void {
  const rowBytes = <usize>nTheta << 3;
  const floorV = splat<V>(floor);
  const useFloor = floor > 0;
  const runIn = psiIn + <usize>first * rowBytes, runOut = psiOut + <usize>first * rowBytes;
  const runDose = doseEnergyMeV + (<usize>first << 3);
  let initLow = eEnd;
  for (let e = eEnd - 1; e >= eFirst; e--) {
    const k = e * nMaterials + m;
    const jLo = load<i32>(lossFirstBin + (<usize>k << 2));
    const weights = lossWeights + <usize>k * 24;
    let low = e + 1;   // the lowest target (none: e + 1)
    for (let q = 2; q >= 0; q--) if (jLo + q >= 0 && load<f64>(weights + (<usize>q << 3)) != 0) low = jLo + q;
    const fresh = low <= e && low < initLow;   // the lowest target gets its first contribution
    const three = low == jLo && load<f64>(weights, 8) != 0 && load<f64>(weights, 16) != 0;
    const floorTop = useFloor && three && jLo + 2 == e;
    const depositMeV = load<f64>(lossDepositMeV + (<usize>k << 3));
    const absorbed = load<f64>(lossAbsorbed + (<usize>k << 3));
    const energy = load<f64>(energyMeV + (<usize>e << 3));
    const lowOffset = <usize>low * planeBytes;
    const initLowAfter = fresh ? low : initLow;
    for (let c = 0; c < cells; c++) {
      const row = runIn + <usize>e * planeBytes + <usize>c * rowBytes;
      const out = runOut + <usize>c * rowBytes;
      const doseAt = runDose + (<usize>c << 3);
      if (fresh) zeroRows<V>(out + lowOffset + planeBytes, initLow - low - 1, planeBytes, rowBytes);
      let floored = false;
      if (anyNonZero<V>(row, nTheta)) {
        let particles: f64;
        if (three) {
          if (fresh) {
            particles = floorTop
              ? moveToThree<V>(row, out + lowOffset, planeBytes, nTheta, weights, true, true, floorV, energy, doseAt, tallies)
              : moveToThree<V>(row, out + lowOffset, planeBytes, nTheta, weights, true, false, floorV, energy, doseAt, tallies);
          } else {
            particles = floorTop
              ? moveToThree<V>(row, out + lowOffset, planeBytes, nTheta, weights, false, true, floorV, energy, doseAt, tallies)
              : moveToThree<V>(row, out + lowOffset, planeBytes, nTheta, weights, false, false, floorV, energy, doseAt, tallies);
          }
          floored = floorTop;
        } else {
          particles = rowSum<V>(row, nTheta);
          for (let q = 0; q < 3; q++) {
            const j = jLo + q;
            const w = load<f64>(weights + (<usize>q << 3));
            if (j < 0 || w == 0) continue;
            const target = out + <usize>j * planeBytes;
            if (j == low && fresh) addScaledRow<V>(target, row, w, rowBytes, true);
            else addScaledRow<V>(target, row, w, rowBytes, false);
          }
        }
        const deposit = depositMeV * particles;
        store<f64>(doseAt, load<f64>(doseAt) + deposit);
        addTally(tallies, TALLY_DEPOSITED, deposit);
        addTally(tallies, TALLY_ABSORBED, absorbed * particles);
      } else if (fresh) {
        zeroRows<V>(out + lowOffset, 1, planeBytes, rowBytes);   // nothing arrives: w 0 = 0
      }
      // Row e is final: no source below e reaches it.
      if (useFloor && !floored && e >= initLowAfter) floorRow<V>(out + <usize>e * planeBytes, nTheta, floorV, energy, doseAt, tallies);
    }
    initLow = initLowAfter;
  }
  // Rows below the sources: floor those that received something, zero the rest.
  for (let c = 0; c < cells; c++) {
    const out = runOut + <usize>c * rowBytes;
    const doseAt = runDose + (<usize>c << 3);
    if (useFloor) {
      for (let j = initLow; j < min(eFirst, eEnd); j++) {
        floorRow<V>(out + <usize>j * planeBytes, nTheta, floorV, load<f64>(energyMeV + (<usize>j << 3)), doseAt, tallies);
      }
    }
    zeroRows<V>(out, initLow, planeBytes, rowBytes);
  }
}

function loseEnergyRows<V>(psiIn: usize, psiOut: usize, ne: i32, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, cellMaterial: usize, nMaterials: i32,
  lossFirstBin: usize, lossWeights: usize, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64): void {
  if (zFirst >= zEnd) return;
  const rowBytes = <usize>nTheta << 3;
  const planeBytes = <usize>nz * <usize>nx * rowBytes;   // one energy bin
  const rowsBytes = <usize>((zEnd - zFirst) * nx) * rowBytes;
  for (let e = eEnd; e < ne; e++) memory.fill(psiOut + <usize>e * planeBytes + <usize>(zFirst * nx) * rowBytes, 0, rowsBytes);
  for (let z = zFirst; z < zEnd; z++) {
    let x = 0;
    while (x < nx) {
      const first = z * nx + x;
      const m = load<i32>(cellMaterial + (<usize>first << 2));
      let end = x + 1;
      while (end < nx && load<i32>(cellMaterial + (<usize>(z * nx + end) << 2)) == m) end++;
      moveRun<V>(psiIn, psiOut, nTheta, planeBytes, first, end - x, m, eFirst, eEnd, nMaterials, lossFirstBin, lossWeights,
        lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor);
      x = end;
    }
  }
}

/** See the file header. */
export function loseEnergy(psiIn: usize, psiOut: usize, ne: i32, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, cellMaterial: usize, nMaterials: i32,
  lossFirstBin: usize, lossWeights: usize, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64): void {
  if (ASC_FEATURE_SIMD) {
    loseEnergyRows<v128>(psiIn, psiOut, ne, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, cellMaterial, nMaterials,
      lossFirstBin, lossWeights, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor);
  } else {
    loseEnergyRows<f64>(psiIn, psiOut, ne, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, cellMaterial, nMaterials,
      lossFirstBin, lossWeights, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor);
  }
}
