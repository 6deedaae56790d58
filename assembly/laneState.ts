// Per-lane state access and the small operations that start a particle in a
// lane, shared by lanes.ts (histories, steps' outcomes) and nuclear.ts
// (nuclear events). Layout in layout.ts: structure of arrays, 4 lanes.
import {
  P_NY, P_NZ, P_TABLES_PTR, P_TABLE_STRIDE, P_TABLE_LENGTH, P_MASS_NUMBER, P_SEED_LO, P_SEED_HI,
  M_LOG_RANGE_MIN, M_INV_LOG_RANGE_STEP, M_Z_OVER_A_MOL_PER_G, M_RADIATION_LENGTH_G_PER_CM2,
  M_CUTOFF_RANGE_G_PER_CM2, T_RANGE_LOW_AT_RANGE, T_ENERGY_AT_RANGE, T_NUCLEAR_AT_RANGE,
  W_LANES_PTR, L_RANGE, L_ENERGY, L_RANGE_LOW, L_MATERIAL, L_LOG_RANGE_MIN, L_INV_LOG_RANGE_STEP,
  L_Z_OVER_A, L_RADIATION_LENGTH, L_CUTOFF_RANGE, L_TABLE_PTR, L_ENERGY_OFFSET, L_NUCLEAR_MU,
  L_MFP, L_SCRATCH, L_HISTORY_LO, L_HISTORY_HI, ENERGY_UNITS_PER_MEV, L_RANGE_POSITION,
  P_MATERIAL_COUNT, M_CHARGE_NUMBER, M_MASS_NUMBER, M_MASS_PER_NUCLEON_MEV,
  L_SPECIES, L_CHARGE_NUMBER, L_MASS_NUMBER, L_MASS_PER_NUCLEON_MEV,
} from './layout';
import { philox4x32 } from './philox';
import { logf, uniformFromBits } from './fastmath';
import { rangeAtEnergy, rangePosition, interpolate } from './tables';

@inline export function laneField(worker: usize, field: i32, lane: i32): usize {
  return <usize>load<u32>(worker + W_LANES_PTR) + <usize>field + (<usize>lane << 2);
}
@inline export function getF(worker: usize, field: i32, lane: i32): f32 { return load<f32>(laneField(worker, field, lane)); }
@inline export function setF(worker: usize, field: i32, lane: i32, value: f32): void { store<f32>(laneField(worker, field, lane), value); }
@inline export function getI(worker: usize, field: i32, lane: i32): i32 { return load<i32>(laneField(worker, field, lane)); }
@inline export function setI(worker: usize, field: i32, lane: i32, value: i32): void { store<i32>(laneField(worker, field, lane), value); }

@inline export function addCounter(worker: usize, offset: i32, value: i64): void {
  store<i64>(worker + offset, load<i64>(worker + offset) + value);
}

/** Energy (MeV, f64, exact for f32 inputs) of a whole nucleus of mass number A with energy per nucleon e, in fixed-point units. */
@inline export function energyUnitsOf(massNumber: f32, energyMeVPerU: f64): i64 {
  return <i64>nearest<f64>(energyMeVPerU * <f64>massNumber * ENERGY_UNITS_PER_MEV);
}

/** energyUnitsOf for a beam particle (P_MASS_NUMBER: before a lane holds it). */
@inline export function energyUnits(params: usize, energyMeVPerU: f64): i64 {
  return energyUnitsOf(load<f32>(params + P_MASS_NUMBER), energyMeVPerU);
}

/** Mass number of a species (the header of its first material block). */
@inline export function speciesMassNumber(params: usize, species: i32): f32 {
  const block = species * load<i32>(params + P_MATERIAL_COUNT);
  return load<f32>(<usize>load<u32>(params + P_TABLES_PTR) + <usize>(block * load<i32>(params + P_TABLE_STRIDE)) + M_MASS_NUMBER);
}

/** energyUnitsOf for the lane's particle (its species' mass number). */
@inline export function laneEnergyUnits(worker: usize, lane: i32, energyMeVPerU: f64): i64 {
  return energyUnitsOf(getF(worker, L_MASS_NUMBER, lane), energyMeVPerU);
}

/**
 * The kernel's index of voxel (ix, iy, iz): z fastest, so that the voxels a
 * track visits along the beam are neighbours in the material, density and
 * tally arrays (src/engine/voxelOrder.ts converts to and from the results'
 * x-fastest order).
 */
@inline export function voxelIndex(params: usize, ix: i32, iy: i32, iz: i32): i32 {
  return (ix * load<i32>(params + P_NY) + iy) * load<i32>(params + P_NZ) + iz;
}

/** The lane's four scratch random words (16 bytes) for scalar code. */
@inline export function scratchWords(worker: usize, lane: i32): usize {
  return laneField(worker, L_SCRATCH, lane * 4);
}

/** Philox block (c0, c1, history) of the lane's history under the run's seed, into the lane's scratch words. */
export function laneRandom(params: usize, worker: usize, lane: i32, c0: u32, c1: u32): usize {
  const words = scratchWords(worker, lane);
  philox4x32(c0, c1, <u32>getI(worker, L_HISTORY_LO, lane), <u32>getI(worker, L_HISTORY_HI, lane),
    load<u32>(params + P_SEED_LO), load<u32>(params + P_SEED_HI), words);
  return words;
}

/** Mean free paths to the next nuclear event, -ln u: exponential, > 0 (u < 1). */
@inline export function meanFreePaths(bits: u32): f32 {
  return -logf(uniformFromBits(bits));
}

/** Samples the lane's mean free paths from word 0 of block (c0, c1). */
export function sampleMeanFreePaths(params: usize, worker: usize, lane: i32, c0: u32, c1: u32): void {
  setF(worker, L_MFP, lane, meanFreePaths(load<u32>(laneRandom(params, worker, lane, c0, c1))));
}

/**
 * Loads the material of the lane's current voxel for the lane's species
 * (L_SPECIES): the block's table pointer and its per-material and per-species
 * constants.
 */
export function loadMaterial(params: usize, worker: usize, lane: i32, material: i32): void {
  const block = getI(worker, L_SPECIES, lane) * load<i32>(params + P_MATERIAL_COUNT) + material;
  const tablePtr = <usize>load<u32>(params + P_TABLES_PTR) + <usize>(block * load<i32>(params + P_TABLE_STRIDE));
  setI(worker, L_MATERIAL, lane, material);
  setI(worker, L_TABLE_PTR, lane, <i32>tablePtr);
  setF(worker, L_LOG_RANGE_MIN, lane, load<f32>(tablePtr + M_LOG_RANGE_MIN));
  setF(worker, L_INV_LOG_RANGE_STEP, lane, load<f32>(tablePtr + M_INV_LOG_RANGE_STEP));
  setF(worker, L_Z_OVER_A, lane, load<f32>(tablePtr + M_Z_OVER_A_MOL_PER_G));
  setF(worker, L_RADIATION_LENGTH, lane, load<f32>(tablePtr + M_RADIATION_LENGTH_G_PER_CM2));
  setF(worker, L_CUTOFF_RANGE, lane, load<f32>(tablePtr + M_CUTOFF_RANGE_G_PER_CM2));
  setF(worker, L_CHARGE_NUMBER, lane, load<f32>(tablePtr + M_CHARGE_NUMBER));
  setF(worker, L_MASS_NUMBER, lane, load<f32>(tablePtr + M_MASS_NUMBER));
  setF(worker, L_MASS_PER_NUCLEON_MEV, lane, load<f32>(tablePtr + M_MASS_PER_NUCLEON_MEV));
}

/**
 * Sets the lane's residual range for an energy in its current material, and
 * the step limit derived from it. The energy itself is kept as given (not
 * re-read from the table), so crossing into a new material changes no energy;
 * the table's round-trip residue E - E(R(E)) is kept with it, and the steps add
 * it to every energy they read from the table (stepScalar.ts, header: c).
 * Also the nuclear mu/rho at that range (zero in tables without nuclear data).
 */
export function setRangeFromEnergy(params: usize, worker: usize, lane: i32, energyMeVPerU: f32): void {
  const tablePtr = <usize>getI(worker, L_TABLE_PTR, lane);
  const n = load<i32>(params + P_TABLE_LENGTH);
  const range = rangeAtEnergy(params, tablePtr, energyMeVPerU);
  const position = rangePosition(tablePtr, n, range);
  setF(worker, L_RANGE, lane, range);
  setF(worker, L_RANGE_POSITION, lane, position);
  setF(worker, L_ENERGY, lane, energyMeVPerU);
  setF(worker, L_ENERGY_OFFSET, lane, energyMeVPerU - interpolate(tablePtr, n, T_ENERGY_AT_RANGE, position));
  setF(worker, L_RANGE_LOW, lane, interpolate(tablePtr, n, T_RANGE_LOW_AT_RANGE, position));
  setF(worker, L_NUCLEAR_MU, lane, interpolate(tablePtr, n, T_NUCLEAR_AT_RANGE, position));
}
