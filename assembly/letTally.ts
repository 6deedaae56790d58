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
// voxel (L_LET_SUMS, like the dose list merges a voxel's deposits), and adds
// them, rounded to the fixed-point units of layout.ts, to the voxel's LET line
// only when it scores a step in another voxel or its history ends (endParticle).
// A history's steps come in one order whatever the driver, thread count or
// chunk size, so the sums are integers that are the same bit for bit for all.
import {
  W_LET_PTR, W_LANES_PTR, L_LET_MEDIUM, L_LET_WATER, L_STEP_LENGTH, L_LET_VOXEL, L_LET_SUMS, LET_FIELDS,
  ENERGY_UNITS_PER_MEV, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM,
  LET_LENGTH_UNITS_PER_MM_KEV_PER_UM,
} from './layout';
import { getF, getI, setI } from './laneState';

/** e L in energy units x keV/um to the LETd sums' units (2^-16 / 2^-24: exact). */
@inline const ENERGY_LET_SCALE: f64 = LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM / ENERGY_UNITS_PER_MEV;

@inline function sumsOf(worker: usize, lane: i32): usize {
  return <usize>load<u32>(worker + W_LANES_PTR) + <usize>L_LET_SUMS + (<usize>lane << 6);
}

@inline function add(p: usize, value: i64): void {
  store<i64>(p, load<i64>(p) + value);
}

/** Adds the lane's pending sums to their voxel's LET line and clears them. */
export function flushLet(worker: usize, lane: i32): void {
  const q = sumsOf(worker, lane);
  const length = load<f64>(q, 56);
  const energy = load<f64>(q, 16);
  if (length == 0 && energy == 0) return;
  const p = <usize>load<u32>(worker + W_LET_PTR) + (<usize>getI(worker, L_LET_VOXEL, lane)) * <usize>(LET_FIELDS << 3);
  add(p, <i64>nearest<f64>(load<f64>(q) * ENERGY_LET_SCALE));
  add(p + 8, <i64>nearest<f64>(load<f64>(q, 8) * ENERGY_LET_SCALE));
  add(p + 16, <i64>energy);
  add(p + 24, <i64>nearest<f64>(load<f64>(q, 24) * ENERGY_LET_SCALE));
  add(p + 32, <i64>load<f64>(q, 32));
  add(p + 40, <i64>nearest<f64>(load<f64>(q, 40) * LET_LENGTH_UNITS_PER_MM_KEV_PER_UM));
  add(p + 48, <i64>nearest<f64>(load<f64>(q, 48) * LET_LENGTH_UNITS_PER_MM_KEV_PER_UM));
  add(p + 56, <i64>nearest<f64>(length * LET_LENGTH_UNITS_PER_MM));
  for (let k = 0; k < LET_FIELDS; k++) store<i64>(q + (<usize>k << 3), 0);
}

/**
 * Scores the lane's last step, which deposited `deposit` energy units in
 * `voxel`; `primary` adds it to the primaries' LETd sums too.
 */
export function scoreLetStep(worker: usize, lane: i32, voxel: i32, deposit: i64, primary: bool): void {
  if (getI(worker, L_LET_VOXEL, lane) != voxel) {
    flushLet(worker, lane);
    setI(worker, L_LET_VOXEL, lane, voxel);
  }
  const q = sumsOf(worker, lane);
  const water = <f64>getF(worker, L_LET_WATER, lane);
  const medium = <f64>getF(worker, L_LET_MEDIUM, lane);
  const lengthMm = <f64>getF(worker, L_STEP_LENGTH, lane);
  const e = <f64>deposit;
  const eWater = e * water;
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
