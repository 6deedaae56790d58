// loseEnergy: continuous slowing down over one step, psiIn -> psiOut: the
// particles of bin e in a cell of material m move to bins jLo..jLo+L-1 with
// the host's weights (bins below 0: absorbed), depositing their lost energy in the
// cell; then values below a floor are dropped as absorbed
// (src/deterministic/README.md, "loseEnergy").
//
//   loseEnergy(psiIn, psiOut, ne, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd,
//              cellMaterial, nMaterials, lossFirstBin, lossWeights,
//              lossSlots, lossDepositMeV, lossAbsorbed, energyMeV,
//              doseEnergyMeV, tallies, floor): void
//
//   psiIn, psiOut   f64 psi[((e * nz + z) * nx + x) * nTheta + t] (distinct buffers)
//   ne, nTheta      energy and direction bins (nTheta even)
//   nz, nx          cells in z and x
//   [zFirst, zEnd)  rows of cells done (all x)
//   [eFirst, eEnd)  source bins moved (psiIn is not read outside them)
//   cellMaterial    i32[nz * nx]: material m of cell (z, x)
//   lossFirstBin    i32[ne * nMaterials]: jLo of (e, m); no target of a
//                   weight != 0 above e
//   lossWeights     f64[ne * nMaterials * L]: fraction to bin jLo + k,
//                   k = 0..L-1
//   lossSlots       L >= 3: targets per (e, m)
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
// (moveRows: in the move's own pass, as its top target or not). A row is
// initialised by its first contribution (out = w in, even when in is all
// zero) or zeroed when it gets none; which rows those are follows from the
// tables alone: the rows [initLow, eEnd) are initialised once the sources
// above e are done. Every element of psiOut gets the same operations in the
// same order whichever path writes it: w in first, then + w' in' per later
// contribution, then the floor; and each cell's dose the same additions in
// the same order (the source's deposit, and the floor's before it only when
// the source's three targets end at row e). A source whose targets (of
// weight != 0, bins >= 0) are two or three consecutive bins takes the one-pass
// moves (moveRows); any other, the general path, target by target.
//
// moveRun serves collide.ts too (fused = true): there the source rows are
// scattered first, the targets are rows of a ring in scratch, and each row,
// once final, is scattered into psiOut.
import { add, anyNonZero, binAbove, binBelow, hsum, mul, phases, rowSum, splat, whereBelow, whereNotBelow } from './pairs';
import { kernelCentre, scatterRow, threePoint } from './scatterAngles';
import { addTally, TALLY_ABSORBED, TALLY_DEPOSITED, TALLY_FLOORED } from './tallies';

@inline function zeroRow<V>(row: usize, rowBytes: usize): void {
  const zero = splat<V>(0);
  for (let o: usize = 0; o < rowBytes; o += sizeof<V>()) store<V>(row + o, zero);
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

/** How a move pass treats row e (of the source's own bin): not at all, as its top target, or as a row it does not reach. */
@inline const FLOOR_NONE: i32 = 0;
@inline const FLOOR_TOP: i32 = 1;
@inline const FLOOR_OTHER: i32 = 2;

/** The deposit of a source row's `particles` that moved: depositMeV each in the cell, `absorbed` of each absorbed. */
@inline function recordMove(particles: f64, depositMeV: f64, absorbed: f64, doseAt: usize, tallies: usize): void {
  const deposit = depositMeV * particles;
  store<f64>(doseAt, load<f64>(doseAt) + deposit);
  addTally(tallies, TALLY_DEPOSITED, deposit);
  addTally(tallies, TALLY_ABSORBED, absorbed * particles);
}

/**
 * The usual move, in one pass: a source row to the two or three (`three`)
 * consecutive target rows out0, out1 (, out2), from the lowest target on,
 * with the weights at `weights` on; the lowest fresh or not; then its
 * deposit (recordMove). Row e at `eRow` (energy energyMeV), final now, gets
 * the floor in the same pass (`floorMode`): as the top target, or as a row
 * this source does not reach. The floor's record comes before the deposit for
 * three targets with FLOOR_TOP (as loseEnergy always did), after it otherwise
 * (as floorRow after the general move).
 */
@inline function moveRows<V>(three: bool, fresh: bool, floorMode: i32, src: usize, out0: usize, out1: usize, out2: usize,
  eRow: usize, nTheta: i32, weights: usize, floor: V, energyMeV: f64, depositMeV: f64, absorbed: f64, doseAt: usize, tallies: usize): void {
  const w0 = splat<V>(load<f64>(weights)), w1 = splat<V>(load<f64>(weights, 8)), w2 = splat<V>(three ? load<f64>(weights, 16) : 0);
  let particles = 0.0, dropped = 0.0;
  for (let phase = 0; phase < phases<V>(); phase++) {
    let acc = splat<V>(0), drops = splat<V>(0);
    for (let t = phase; t < nTheta; t += 2) {
      const o = <usize>t << 3;
      const v = load<V>(src + o);
      acc = add<V>(acc, v);
      const low = mul<V>(w0, v);
      store<V>(out0 + o, fresh ? low : add<V>(load<V>(out0 + o), low));
      let top: V;
      if (three) {
        store<V>(out1 + o, add<V>(load<V>(out1 + o), mul<V>(w1, v)));
        top = add<V>(load<V>(out2 + o), mul<V>(w2, v));
      } else {
        top = add<V>(load<V>(out1 + o), mul<V>(w1, v));
      }
      const topRow = three ? out2 : out1;
      if (floorMode == FLOOR_TOP) {
        drops = add<V>(drops, whereBelow<V>(top, floor));
        store<V>(topRow + o, whereNotBelow<V>(top, floor));
      } else {
        store<V>(topRow + o, top);
        if (floorMode == FLOOR_OTHER) {
          const r = load<V>(eRow + o);
          drops = add<V>(drops, whereBelow<V>(r, floor));
          store<V>(eRow + o, whereNotBelow<V>(r, floor));
        }
      }
    }
    particles += hsum<V>(acc);
    dropped += hsum<V>(drops);
  }
  if (three && floorMode == FLOOR_TOP) {
    if (dropped != 0) recordFloor(dropped, energyMeV, doseAt, tallies);
    recordMove(particles, depositMeV, absorbed, doseAt, tallies);
  } else {
    recordMove(particles, depositMeV, absorbed, doseAt, tallies);
    if (floorMode != FLOOR_NONE && dropped != 0) recordFloor(dropped, energyMeV, doseAt, tallies);
  }
}

/** moveRows with its flags as constants, so each case gets its own loop. */
@inline function moveRowsCase<V>(three: bool, fresh: bool, floorMode: i32, src: usize, out0: usize, out1: usize, out2: usize,
  eRow: usize, nTheta: i32, weights: usize, floor: V, energyMeV: f64, depositMeV: f64, absorbed: f64, doseAt: usize, tallies: usize): void {
  if (three) {
    if (fresh) moveRowsFloor<V>(true, true, floorMode, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
    else moveRowsFloor<V>(true, false, floorMode, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  } else if (fresh) {
    moveRowsFloor<V>(false, true, floorMode, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  } else {
    moveRowsFloor<V>(false, false, floorMode, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  }
}

/** moveRows with floorMode as a constant. */
@inline function moveRowsFloor<V>(three: bool, fresh: bool, floorMode: i32, src: usize, out0: usize, out1: usize, out2: usize,
  eRow: usize, nTheta: i32, weights: usize, floor: V, energyMeV: f64, depositMeV: f64, absorbed: f64, doseAt: usize, tallies: usize): void {
  if (floorMode == FLOOR_TOP) {
    moveRows<V>(three, fresh, FLOOR_TOP, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  } else if (floorMode == FLOOR_OTHER) {
    moveRows<V>(three, fresh, FLOOR_OTHER, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  } else {
    moveRows<V>(three, fresh, FLOOR_NONE, src, out0, out1, out2, eRow, nTheta, weights, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  }
}

/** One pair of the moves of moveRows (no floor): s to out0, out1 (, out2) at offset o. */
@inline function movePair(three: bool, fresh: bool, o: usize, s: v128, out0: usize, out1: usize, out2: usize, w0: v128, w1: v128, w2: v128): void {
  const low = f64x2.mul(w0, s);
  v128.store(out0 + o, fresh ? low : f64x2.add(v128.load(out0 + o), low));
  v128.store(out1 + o, f64x2.add(v128.load(out1 + o), f64x2.mul(w1, s)));
  if (three) v128.store(out2 + o, f64x2.add(v128.load(out2 + o), f64x2.mul(w2, s)));
}

@inline function addToLane0(v: v128, x: f64): v128 { return f64x2.replace_lane(v, 0, f64x2.extract_lane(v, 0) + x); }
@inline function addToLane1(v: v128, x: f64): v128 { return f64x2.replace_lane(v, 1, f64x2.extract_lane(v, 1) + x); }

/**
 * collide's usual case in one pass, SIMD build: the source row at inRow is
 * scattered with the three-point kernel at w0s (scatterRow's operations, in
 * registers), moved to two or three targets (moveRows'), and row e at eRow,
 * which this source does not reach, is floored (moveRows' FLOOR_OTHER, the
 * records after the deposit) and scattered with the same kernel into outRow
 * (finishRow's). So each element gets the operations of the separate passes,
 * in their order; the one difference is that a source row whose scattered
 * values all come out +0 still moves (the separate passes skip it), adding +0
 * to its targets, which changes nothing unless a target holds -0 (psi never
 * holds one).
 */
@inline function collidePass(three: bool, fresh: bool, inRow: usize, out0: usize, out1: usize, out2: usize, eRow: usize, outRow: usize,
  nTheta: i32, weights: usize, w0s: usize, floor: v128, energyMeV: f64, depositMeV: f64, absorbed: f64, doseAt: usize, tallies: usize): void {
  const sBelow = load<f64>(w0s - 8), sAbove = load<f64>(w0s + 8);
  const wBelow = f64x2.splat(sBelow), wStay = f64x2.splat(load<f64>(w0s)), wAbove = f64x2.splat(sAbove);
  const zero = f64x2.splat(0);
  const last = (<usize>nTheta << 3) - 16;   // the last pair
  const w0 = f64x2.splat(load<f64>(weights)), w1 = f64x2.splat(load<f64>(weights, 8)), w2 = f64x2.splat(three ? load<f64>(weights, 16) : 0);
  const firstIn = load<f64>(inRow), lastIn = load<f64>(inRow + last + 8);
  let prev = zero, cur = v128.load(inRow);
  let acc = zero;
  for (let o: usize = 0; o < last; o += 16) {
    const next = v128.load(inRow + o + 16);
    let s = threePoint<v128>(wBelow, wStay, wAbove, binAbove<v128>(cur, next), cur, binBelow<v128>(prev, cur));
    if (o == 0) s = addToLane0(s, sBelow * firstIn);
    acc = f64x2.add(acc, s);
    movePair(three, fresh, o, s, out0, out1, out2, w0, w1, w2);
    prev = cur; cur = next;
  }
  let s = threePoint<v128>(wBelow, wStay, wAbove, binAbove<v128>(cur, zero), cur, binBelow<v128>(prev, cur));
  if (last == 0) s = addToLane0(s, sBelow * firstIn);
  s = addToLane1(s, sAbove * lastIn);
  acc = f64x2.add(acc, s);
  movePair(three, fresh, last, s, out0, out1, out2, w0, w1, w2);
  const r = v128.load(eRow);
  let drops = whereBelow<v128>(r, floor);
  prev = zero; cur = whereNotBelow<v128>(r, floor);
  const firstE = f64x2.extract_lane(cur, 0);
  for (let o: usize = 0; o < last; o += 16) {
    const rNext = v128.load(eRow + o + 16);
    drops = f64x2.add(drops, whereBelow<v128>(rNext, floor));
    const next = whereNotBelow<v128>(rNext, floor);
    let y = threePoint<v128>(wBelow, wStay, wAbove, binAbove<v128>(cur, next), cur, binBelow<v128>(prev, cur));
    if (o == 0) y = addToLane0(y, sBelow * firstE);
    v128.store(outRow + o, y);
    prev = cur; cur = next;
  }
  let y = threePoint<v128>(wBelow, wStay, wAbove, binAbove<v128>(cur, zero), cur, binBelow<v128>(prev, cur));
  if (last == 0) y = addToLane0(y, sBelow * firstE);
  y = addToLane1(y, sAbove * f64x2.extract_lane(cur, 1));
  v128.store(outRow + last, y);
  recordMove(0.0 + hsum<v128>(acc), depositMeV, absorbed, doseAt, tallies);
  const dropped = 0.0 + hsum<v128>(drops);
  if (dropped != 0) recordFloor(dropped, energyMeV, doseAt, tallies);
}

/** collidePass with its flags as constants. */
@inline function collidePassCase(three: bool, fresh: bool, inRow: usize, out0: usize, out1: usize, out2: usize, eRow: usize, outRow: usize,
  nTheta: i32, weights: usize, w0s: usize, floor: v128, energyMeV: f64, depositMeV: f64, absorbed: f64, doseAt: usize, tallies: usize): void {
  if (three) {
    if (fresh) collidePass(true, true, inRow, out0, out1, out2, eRow, outRow, nTheta, weights, w0s, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
    else collidePass(true, false, inRow, out0, out1, out2, eRow, outRow, nTheta, weights, w0s, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  } else if (fresh) {
    collidePass(false, true, inRow, out0, out1, out2, eRow, outRow, nTheta, weights, w0s, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  } else {
    collidePass(false, false, inRow, out0, out1, out2, eRow, outRow, nTheta, weights, w0s, floor, energyMeV, depositMeV, absorbed, doseAt, tallies);
  }
}

/**
 * Where the run's row of bin j lies (that of its first cell; cells follow at
 * a fixed step): in psiOut (loseEnergy: `base` + j planeBytes) or, `fused`, in
 * slot j % slots of the ring in scratch (collide).
 */
@inline function targetRow(fused: bool, base: usize, j: i32, slots: i32, slotBytes: usize): usize {
  return base + <usize>(fused ? j % slots : j) * slotBytes;
}

/**
 * Row j of a cell is final: collide (`fused`) scatters it from the ring
 * (`target`) into psiOut (`outRow`) with kernel k (wide kernels by way of
 * `body`, see scatterRow), or zeroes outRow when it holds nothing; loseEnergy
 * has it in psiOut already (target = outRow) and zeroes it when no source
 * reached it (`held` false).
 */
@inline function finishRow<V>(fused: bool, held: bool, target: usize, outRow: usize, nTheta: i32,
  kernelHalfWidth: usize, kernelWeights: usize, jMax: i32, k: i32, body: usize): void {
  if (fused) {
    if (!held || !scatterRow<V>(target, outRow, nTheta, kernelCentre(kernelWeights, k, jMax), load<i32>(kernelHalfWidth + (<usize>k << 2)), body, false)) {
      zeroRow<V>(outRow, <usize>nTheta << 3);
    }
  } else if (!held) {
    zeroRow<V>(outRow, <usize>nTheta << 3);
  }
}

/**
 * Moves the particles of a run of `cells` cells of material m, from cell
 * `first` on (see the file header), and writes the run's psiOut rows of bins
 * [rowsLow, eEnd). `fused` (collide.ts): each source row is scattered first,
 * into `source` (wide kernels by way of `body`, see scatterRow); the targets
 * go to a ring of `slots` slots in scratch (`ring`: cell 0's row of slot 0;
 * cells a row apart, slots `slotBytes`) and each row, once final, is
 * scattered into psiOut (finishRow). Otherwise the targets are psiOut's rows
 * themselves and the scatter parameters are not used.
 */
@inline export function moveRun<V>(fused: bool, psiIn: usize, psiOut: usize, nTheta: i32, planeBytes: usize, first: i32, cells: i32, m: i32,
  eFirst: i32, eEnd: i32, rowsLow: i32, nMaterials: i32, lossFirstBin: usize, lossWeights: usize, lossSlots: i32, lossDepositMeV: usize,
  lossAbsorbed: usize, energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64,
  kernelHalfWidth: usize, kernelWeights: usize, jMax: i32, body: usize, source: usize,
  ring: usize, slots: i32, slotBytes: usize): void {
  const rowBytes = <usize>nTheta << 3;
  const floorV = splat<V>(floor);
  const useFloor = floor > 0;
  const runIn = psiIn + <usize>first * rowBytes, runOut = psiOut + <usize>first * rowBytes;
  const runDose = doseEnergyMeV + (<usize>first << 3);
  const base = fused ? ring : runOut;
  const step = fused ? slotBytes : planeBytes;   // between bins, in targetRow
  let initLow = eEnd;
  for (let e = eEnd - 1; e >= eFirst; e--) {
    const k = e * nMaterials + m;
    const jLo = load<i32>(lossFirstBin + (<usize>k << 2));
    const weights = lossWeights + <usize>k * (<usize>lossSlots << 3);
    let low = e + 1;   // the lowest target (none: e + 1)
    let high = -1;     // the highest target
    let gaps = 0;      // targets between them of weight 0
    for (let q = lossSlots - 1; q >= 0; q--) {
      if (jLo + q < 0) break;
      if (load<f64>(weights + (<usize>q << 3)) != 0) {
        if (high < 0) high = jLo + q;
        else gaps += low - (jLo + q) - 1;
        low = jLo + q;
      }
    }
    const fresh = low <= e && low < initLow;   // the lowest target gets its first contribution
    // The usual moves, to two or three consecutive bins from the lowest target on, in one pass
    // (moveRows, with the weights from lowWeights on); others by the general path.
    const lowWeights = weights + (<usize>(low - jLo) << 3);
    const pass = gaps == 0 && (high - low == 1 || high - low == 2);
    const three = pass && high - low == 2;
    const depositMeV = load<f64>(lossDepositMeV + (<usize>k << 3));
    const absorbed = load<f64>(lossAbsorbed + (<usize>k << 3));
    const energy = load<f64>(energyMeV + (<usize>e << 3));
    const initLowAfter = fresh ? low : initLow;
    const held = e >= initLowAfter;   // row e has received something: final now (no source below e reaches it)
    const top = three ? low + 2 : low + 1;
    const floorMode = !useFloor || !held ? FLOOR_NONE : top == e ? FLOOR_TOP : FLOOR_OTHER;
    const lowRow = targetRow(fused, base, low, slots, step);
    const lowRow1 = targetRow(fused, base, low + 1, slots, step), lowRow2 = targetRow(fused, base, low + 2, slots, step);
    const eRow = targetRow(fused, base, e, slots, step);
    const sourceW0 = kernelCentre(kernelWeights, k, jMax);
    const sourceHalfWidth = fused ? load<i32>(kernelHalfWidth + (<usize>k << 2)) : 0;
    // collide's usual case, all in one pass (SIMD build): see collidePass.
    const onePass = isVector<V>() && fused && pass && floorMode == FLOOR_OTHER && sourceHalfWidth == 1;
    for (let c = 0; c < cells; c++) {
      const inRow = runIn + <usize>e * planeBytes + <usize>c * rowBytes;
      const cell = <usize>c * rowBytes;
      const doseAt = runDose + (<usize>c << 3);
      // Rows low + 1 .. e that have had no contribution yet start from zero
      // (those above e are final, and were written as zero when they were).
      if (fresh) for (let j = low + 1; j < min(initLow, e + 1); j++) zeroRow<V>(targetRow(fused, base, j, slots, step) + cell, rowBytes);
      const outRow = runOut + <usize>e * planeBytes + <usize>c * rowBytes;
      if (isVector<V>()) {
        if (onePass && anyNonZero<V>(inRow, nTheta)) {
          collidePassCase(three, fresh, inRow, lowRow + cell, lowRow1 + cell, lowRow2 + cell, eRow + cell, outRow,
            nTheta, lowWeights, sourceW0, floorV, energy, depositMeV, absorbed, doseAt, tallies);
          continue;
        }
      }
      let row = inRow;
      let holds: bool;
      if (fused) {
        holds = scatterRow<V>(inRow, source, nTheta, sourceW0, sourceHalfWidth, body, false) && anyNonZero<V>(source, nTheta);
        row = source;
      } else {
        holds = anyNonZero<V>(inRow, nTheta);
      }
      let floored = false;
      if (holds) {
        if (pass) {
          moveRowsCase<V>(three, fresh, floorMode, row, lowRow + cell, lowRow1 + cell, lowRow2 + cell, eRow + cell,
            nTheta, lowWeights, floorV, energy, depositMeV, absorbed, doseAt, tallies);
          floored = floorMode != FLOOR_NONE;
        } else {
          const particles = rowSum<V>(row, nTheta);
          for (let q = 0; q < lossSlots; q++) {
            const j = jLo + q;
            const w = load<f64>(weights + (<usize>q << 3));
            if (j < 0 || w == 0) continue;
            const target = targetRow(fused, base, j, slots, step) + cell;
            if (j == low && fresh) addScaledRow<V>(target, row, w, rowBytes, true);
            else addScaledRow<V>(target, row, w, rowBytes, false);
          }
          recordMove(particles, depositMeV, absorbed, doseAt, tallies);
        }
      } else if (fresh) {
        zeroRow<V>(lowRow + cell, rowBytes);   // nothing arrives: w 0 = 0
      }
      if (useFloor && !floored && held) floorRow<V>(eRow + cell, nTheta, floorV, energy, doseAt, tallies);
      finishRow<V>(fused, held, eRow + cell, outRow, nTheta, kernelHalfWidth, kernelWeights, jMax, k, body);
    }
    initLow = initLowAfter;
  }
  // Rows below the sources: floor those that received something, zero the rest.
  const belowEnd = min(eFirst, eEnd);
  for (let c = 0; c < cells; c++) {
    const cell = <usize>c * rowBytes;
    const out = runOut + <usize>c * rowBytes;
    const doseAt = runDose + (<usize>c << 3);
    for (let j = initLow; j < belowEnd; j++) {
      const target = targetRow(fused, base, j, slots, step) + cell;
      if (useFloor) floorRow<V>(target, nTheta, floorV, load<f64>(energyMeV + (<usize>j << 3)), doseAt, tallies);
      finishRow<V>(fused, true, target, out + <usize>j * planeBytes, nTheta, kernelHalfWidth, kernelWeights, jMax, j * nMaterials + m, body);
    }
    for (let j = rowsLow; j < min(initLow, belowEnd); j++) zeroRow<V>(out + <usize>j * planeBytes, rowBytes);
  }
}

/**
 * Calls `moveRun` for every run of cells of one material in rows
 * [zFirst, zEnd) (along x; a whole row in a uniform phantom).
 */
@inline export function forEachRun<V>(fused: bool, psiIn: usize, psiOut: usize, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, rowsLow: i32, cellMaterial: usize, nMaterials: i32,
  lossFirstBin: usize, lossWeights: usize, lossSlots: i32, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64,
  kernelHalfWidth: usize, kernelWeights: usize, jMax: i32, body: usize, source: usize,
  ring: usize, slots: i32, slotBytes: usize): void {
  const planeBytes = <usize>nz * <usize>nx * (<usize>nTheta << 3);   // one energy bin
  for (let z = zFirst; z < zEnd; z++) {
    let x = 0;
    while (x < nx) {
      const first = z * nx + x;
      const m = load<i32>(cellMaterial + (<usize>first << 2));
      let end = x + 1;
      while (end < nx && load<i32>(cellMaterial + (<usize>(z * nx + end) << 2)) == m) end++;
      moveRun<V>(fused, psiIn, psiOut, nTheta, planeBytes, first, end - x, m, eFirst, eEnd, rowsLow, nMaterials, lossFirstBin, lossWeights,
        lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor,
        kernelHalfWidth, kernelWeights, jMax, body, source, ring, slots, slotBytes);
      x = end;
    }
  }
}

function loseEnergyRows<V>(psiIn: usize, psiOut: usize, ne: i32, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, cellMaterial: usize, nMaterials: i32,
  lossFirstBin: usize, lossWeights: usize, lossSlots: i32, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64): void {
  if (zFirst >= zEnd) return;
  const rowBytes = <usize>nTheta << 3;
  const planeBytes = <usize>nz * <usize>nx * rowBytes;   // one energy bin
  const rowsBytes = <usize>((zEnd - zFirst) * nx) * rowBytes;
  for (let e = eEnd; e < ne; e++) memory.fill(psiOut + <usize>e * planeBytes + <usize>(zFirst * nx) * rowBytes, 0, rowsBytes);
  forEachRun<V>(false, psiIn, psiOut, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, 0, cellMaterial, nMaterials,
    lossFirstBin, lossWeights, lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor, 0, 0, 0, 0, 0, 0, 1, 0);
}

/** See the file header. */
export function loseEnergy(psiIn: usize, psiOut: usize, ne: i32, nTheta: i32, nz: i32, nx: i32,
  zFirst: i32, zEnd: i32, eFirst: i32, eEnd: i32, cellMaterial: usize, nMaterials: i32,
  lossFirstBin: usize, lossWeights: usize, lossSlots: i32, lossDepositMeV: usize, lossAbsorbed: usize,
  energyMeV: usize, doseEnergyMeV: usize, tallies: usize, floor: f64): void {
  if (ASC_FEATURE_SIMD) {
    loseEnergyRows<v128>(psiIn, psiOut, ne, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, cellMaterial, nMaterials,
      lossFirstBin, lossWeights, lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor);
  } else {
    loseEnergyRows<f64>(psiIn, psiOut, ne, nTheta, nz, nx, zFirst, zEnd, eFirst, eEnd, cellMaterial, nMaterials,
      lossFirstBin, lossWeights, lossSlots, lossDepositMeV, lossAbsorbed, energyMeV, doseEnergyMeV, tallies, floor);
  }
}
