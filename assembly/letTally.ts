// LET scoring (issue 10, item 5): per voxel, the sums from which
// src/engine/letResults.ts forms the dose-averaged LET (LETd = sum e L / sum e)
// and the track-averaged LET (LETt = sum l L / sum l), in the medium and in water.
//
// What is scored, exactly (README, Physics: LET):
//  - every condensed-history step of every transported charged particle
//    (primaries and secondary protons), in the voxel the step lies in (steps
//    end at voxel planes);
//  - L is the unrestricted electronic stopping power averaged over the step:
//    the mean of S at the step's start (residual range R) and at its mean end
//    (R - rho s, the CSDA range after the step), both read at table positions
//    the step already has (the position kept with the lane's range, and the
//    one of its mean energy loss; no logarithm, three interpolations).
//    stepScalar.ts / stepSimd.ts compute it in f32, in the same operations.
//    In the medium L = S_medium rho_voxel; in water L = S_water * 1 g/cm^3,
//    with S_water from the material's T_WATER_STOPPING_AT_RANGE column
//    (water's stopping power at the same energy). 1 MeV cm^2/g * 1 g/cm^3 =
//    0.1 keV/um.
//  - e, the LETd weight, is the energy the step deposited (its sampled loss,
//    the same units as the dose); l, the LETt weight, is its length.
//  - Not scored: energy deposited locally (remnants below the cut-off, nuclear
//    recoils and short-range fragments, a full stack's secondaries): they are
//    in the dose but in neither sum of the LET average.
// The lane sums its steps' e L, e, l L and l in f64 while it stays in one
// voxel (L_LET_SUMS, like the dose list merges a voxel's deposits); when it
// scores a step in another voxel or its history ends (endParticle), the sums,
// rounded to the fixed-point units of layout.ts, go to the lane's LET list.
// The list is added to the voxels' LET lines when it is full and at the end of
// each transport call (drainLet): a burst of independent read-modify-writes
// the processor overlaps, where one per visit between steps stalled on each
// line (one thread, 150 MeV, nuclear on: 37.4k -> ... protons/s, bench/let.mjs).
// Every rounded visit is an integer and integer sums do not depend on order,
// so the sums are the same bit for bit for any driver, thread count, chunk
// size and list capacity.
import {
  W_LET_PTR, W_LET_LIST_PTR, W_LANES_PTR, L_LET_MEDIUM, L_LET_WATER, L_STEP_LENGTH, L_LET_VOXEL, L_LET_SUMS,
  L_LET_LIST_LENGTH, LET_FIELDS, LET_LIST_ENTRY_BYTES, LET_LIST_CAPACITY,
  ENERGY_UNITS_PER_MEV, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM,
  LET_LENGTH_UNITS_PER_MM_KEV_PER_UM,
} from './layout';
import { getI, setI, laneField } from './laneState';

/** e L in energy units x keV/um to the LETd sums' units (2^-16 / 2^-24: exact). */
@inline const ENERGY_LET_SCALE: f64 = LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM / ENERGY_UNITS_PER_MEV;

/** 2^52: adding it rounds a non-negative f64 below 2^51 to an integer (flushLet). */
@inline const ROUNDING_MAGIC: f64 = 4503599627370496.0;

@inline function sumsOf(worker: usize, lane: i32): usize {
  return <usize>load<u32>(worker + W_LANES_PTR) + <usize>L_LET_SUMS + (<usize>lane << 6);
}

@inline function listOf(worker: usize, lane: i32): usize {
  return <usize>load<u32>(worker + W_LET_LIST_PTR) + <usize>(lane * LET_LIST_CAPACITY * LET_LIST_ENTRY_BYTES);
}

/** Adds the lane's LET list to the voxels' LET lines and empties it. */
export function drainLet(worker: usize, lane: i32): void {
  const length = getI(worker, L_LET_LIST_LENGTH, lane);
  const list = listOf(worker, lane);
  const lines = <usize>load<u32>(worker + W_LET_PTR);
  for (let k = 0; k < length; k++) {
    const e = list + <usize>(k * LET_LIST_ENTRY_BYTES);
    const p = lines + (<usize>load<i64>(e)) * <usize>(LET_FIELDS << 3);
    if (ASC_FEATURE_SIMD) {
      // two fields at a time (the same integer sums)
      for (let o: usize = 0; o < <usize>(LET_FIELDS << 3); o += 16) v128.store(p + o, i64x2.add(v128.load(p + o), v128.load(e + o, 8)));
      continue;
    }
    for (let f = 0; f < LET_FIELDS; f++) {
      const o = <usize>(f << 3);
      store<i64>(p + o, load<i64>(p + o) + load<i64>(e + o, 8));
    }
  }
  setI(worker, L_LET_LIST_LENGTH, lane, 0);
}

/** Moves the lane's pending sums, rounded, to its LET list and clears them. */
export function flushLet(worker: usize, lane: i32): void {
  const q = sumsOf(worker, lane);
  const length = load<f64>(q, 56);
  const energy = load<f64>(q, 16);
  if (length == 0 && energy == 0) return;
  let n = getI(worker, L_LET_LIST_LENGTH, lane);
  if (n == LET_LIST_CAPACITY) {
    drainLet(worker, lane);
    n = 0;
  }
  const e = listOf(worker, lane) + <usize>(n * LET_LIST_ENTRY_BYTES);
  setI(worker, L_LET_LIST_LENGTH, lane, n + 1);
  store<i64>(e, <i64>getI(worker, L_LET_VOXEL, lane));
  if (ASC_FEATURE_SIMD) {
    // Two fields at a time: x + 2^52 rounds x to the nearest integer, ties to
    // even (the f64 add's rounding), exactly as nearest() does for 0 <= x < 2^51,
    // and that integer is then the low bits of the sum (every rounded visit
    // sum is below 2^41: letResults.ts bounds whole runs far lower).
    const magic = f64x2.splat(ROUNDING_MAGIC);
    const magicBits = i64x2.splat(reinterpret<i64>(ROUNDING_MAGIC));
    v128.store(e, i64x2.sub(f64x2.add(f64x2.mul(v128.load(q), f64x2.splat(ENERGY_LET_SCALE)), magic), magicBits), 8);
    v128.store(e, i64x2.sub(f64x2.add(f64x2.mul(v128.load(q, 16), f64x2(1, ENERGY_LET_SCALE)), magic), magicBits), 24);
    v128.store(e, i64x2.sub(f64x2.add(f64x2.mul(v128.load(q, 32), f64x2(1, LET_LENGTH_UNITS_PER_MM_KEV_PER_UM)), magic), magicBits), 40);
    v128.store(e, i64x2.sub(f64x2.add(f64x2.mul(v128.load(q, 48), f64x2(LET_LENGTH_UNITS_PER_MM_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM)), magic), magicBits), 56);
    const zero = f64x2.splat(0);
    v128.store(q, zero); v128.store(q, zero, 16); v128.store(q, zero, 32); v128.store(q, zero, 48);
    return;
  }
  store<i64>(e, <i64>nearest<f64>(load<f64>(q) * ENERGY_LET_SCALE), 8);
  store<i64>(e, <i64>nearest<f64>(load<f64>(q, 8) * ENERGY_LET_SCALE), 16);
  store<i64>(e, <i64>energy, 24);
  store<i64>(e, <i64>nearest<f64>(load<f64>(q, 24) * ENERGY_LET_SCALE), 32);
  store<i64>(e, <i64>load<f64>(q, 32), 40);
  store<i64>(e, <i64>nearest<f64>(load<f64>(q, 40) * LET_LENGTH_UNITS_PER_MM_KEV_PER_UM), 48);
  store<i64>(e, <i64>nearest<f64>(load<f64>(q, 48) * LET_LENGTH_UNITS_PER_MM_KEV_PER_UM), 56);
  store<i64>(e, <i64>nearest<f64>(length * LET_LENGTH_UNITS_PER_MM), 64);
  for (let k = 0; k < LET_FIELDS; k++) store<i64>(q + (<usize>k << 3), 0);
}

/**
 * Scores the lane's last step, which deposited `deposit` energy units in
 * `voxel`; `primary` adds it to the primaries' LETd sums too.
 */
export function scoreLetStep(worker: usize, lane: i32, voxel: i32, deposit: i64, primary: bool): void {
  const at = laneField(worker, 0, lane);
  if (load<i32>(at + L_LET_VOXEL) != voxel) {
    flushLet(worker, lane);
    store<i32>(at + L_LET_VOXEL, voxel);
  }
  const q = sumsOf(worker, lane);
  const water = <f64>load<f32>(at + L_LET_WATER);
  const medium = <f64>load<f32>(at + L_LET_MEDIUM);
  const lengthMm = <f64>load<f32>(at + L_STEP_LENGTH);
  const e = <f64>deposit;
  const eWater = e * water;
  if (ASC_FEATURE_SIMD) {
    // The same products and sums, two fields at a time (a primary flag of 0
    // adds +0, which leaves a sum that is never -0 unchanged).
    const ePrimary = primary ? e : 0;
    const eWaterPrimary = primary ? eWater : 0;
    v128.store(q, f64x2.add(v128.load(q), f64x2.mul(f64x2.splat(e), f64x2(water, medium))));
    v128.store(q, f64x2.add(v128.load(q, 16), f64x2(e, eWaterPrimary)), 16);
    v128.store(q, f64x2.add(v128.load(q, 32), f64x2(ePrimary, lengthMm * water)), 32);
    v128.store(q, f64x2.add(v128.load(q, 48), f64x2.mul(f64x2.splat(lengthMm), f64x2(medium, 1))), 48);
    return;
  }
  store<f64>(q, load<f64>(q) + eWater);
  store<f64>(q, load<f64>(q, 8) + e * medium, 8);
  store<f64>(q, load<f64>(q, 16) + e, 16);
  if (primary) {
    store<f64>(q, load<f64>(q, 24) + eWater, 24);
    store<f64>(q, load<f64>(q, 32) + e, 32);
  }
  store<f64>(q, load<f64>(q, 40) + lengthMm * water, 40);
  store<f64>(q, load<f64>(q, 48) + lengthMm * medium, 48);
  store<f64>(q, load<f64>(q, 56) + lengthMm, 56);
}
