// LET scoring (issue 10, item 5): per voxel, the sums from which
// src/engine/letResults.ts forms the dose-averaged LET (LETd = sum e L / sum e)
// and the track-averaged LET (LETt = sum l L / sum l), in the medium and in water.
//
// What is scored, exactly (README, Physics: LET):
//  - every condensed-history step of every transported charged particle
//    (primaries and secondary protons), in the voxel the step lies in (steps
//    end at voxel planes);
//  - L is the unrestricted electronic stopping power at the step's mean energy:
//    the S(R) table read at the residual range halfway along the step,
//    R - rho s / 2 (stepScalar.ts stores it), which is the CSDA energy at the
//    step's midpoint. In the medium L = S_medium(E) rho_voxel; in water
//    L = S_water(E) * 1 g/cm^3, with S_water from the material's
//    T_WATER_STOPPING_AT_RANGE column (water's stopping power at the same
//    energy). 1 MeV cm^2/g * 1 g/cm^3 = 0.1 keV/um.
//  - e, the LETd weight, is the energy the step deposited (its sampled loss,
//    the same units as the dose); l, the LETt weight, is its length.
//  - Not scored: energy deposited locally (remnants below the cut-off, nuclear
//    recoils and short-range fragments, a full stack's secondaries): they are
//    in the dose but in neither sum of the LET average.
// Products are rounded to the fixed-point units of layout.ts in f64 here, in
// scalar code shared by the scalar and SIMD drivers, so the sums are integers
// that are the same bit for bit for any thread count, chunk size or driver.
import {
  P_TABLE_LENGTH, P_DENSITY_PTR, T_STOPPING_AT_RANGE, T_WATER_STOPPING_AT_RANGE,
  W_LET_PTR, L_TABLE_PTR, L_LET_RANGE, L_STEP_LENGTH, LET_FIELDS,
  ENERGY_UNITS_PER_MEV, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM,
  LET_LENGTH_UNITS_PER_MM_KEV_PER_UM,
} from './layout';
import { getF, getI } from './laneState';
import { rangePosition, interpolate } from './tables';

/** keV/um per MeV cm^2/g at 1 g/cm^3. */
@inline const KEV_PER_UM_PER_MEV_PER_CM: f64 = 0.1;

@inline function add(p: usize, value: i64): void {
  store<i64>(p, load<i64>(p) + value);
}

/**
 * Scores the lane's last step, which deposited `deposit` energy units in
 * `voxel`; `primary` adds it to the primaries' LETd sums too.
 */
export function scoreLetStep(params: usize, worker: usize, lane: i32, voxel: i32, deposit: i64, primary: bool): void {
  const tablePtr = <usize>getI(worker, L_TABLE_PTR, lane);
  const n = load<i32>(params + P_TABLE_LENGTH);
  const position = rangePosition(tablePtr, n, getF(worker, L_LET_RANGE, lane));
  const density = <f64>load<f32>(<usize>load<u32>(params + P_DENSITY_PTR) + (<usize>voxel << 2));
  const water = <f64>interpolate(tablePtr, n, T_WATER_STOPPING_AT_RANGE, position) * KEV_PER_UM_PER_MEV_PER_CM;
  const medium = <f64>interpolate(tablePtr, n, T_STOPPING_AT_RANGE, position) * density * KEV_PER_UM_PER_MEV_PER_CM;
  const lengthMm = <f64>getF(worker, L_STEP_LENGTH, lane);
  const p = <usize>load<u32>(worker + W_LET_PTR) + (<usize>voxel) * <usize>(LET_FIELDS << 3);
  if (deposit != 0) {
    const energyMeV = <f64>deposit / ENERGY_UNITS_PER_MEV;
    const dWater = <i64>nearest<f64>(energyMeV * water * LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM);
    add(p, dWater);
    add(p + 8, <i64>nearest<f64>(energyMeV * medium * LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM));
    add(p + 16, deposit);
    if (primary) {
      add(p + 24, dWater);
      add(p + 32, deposit);
    }
  }
  if (lengthMm > 0) {
    add(p + 40, <i64>nearest<f64>(lengthMm * water * LET_LENGTH_UNITS_PER_MM_KEV_PER_UM));
    add(p + 48, <i64>nearest<f64>(lengthMm * medium * LET_LENGTH_UNITS_PER_MM_KEV_PER_UM));
    add(p + 56, <i64>nearest<f64>(lengthMm * LET_LENGTH_UNITS_PER_MM));
  }
}
