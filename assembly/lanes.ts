// Per-lane bookkeeping shared by the scalar and SIMD drivers: starting a
// history (source sampling), ending a step (scoring and outcomes), and
// entering a new material. The step physics itself is in stepScalar.ts and
// stepSimd.ts; both read and write the lane state laid out in layout.ts.
import {
  P_NX, P_NY, P_VOXEL_X_MM, P_VOXEL_Y_MM, P_ORIGIN_X_MM, P_ORIGIN_Y_MM,
  P_MATERIAL_INDEX_PTR, P_TABLES_PTR, P_TABLE_STRIDE, P_TABLE_LENGTH, P_MASS_NUMBER,
  P_BEAM_ENERGY_MEV_PER_U, P_BEAM_ENERGY_SIGMA_MEV_PER_U, P_BEAM_CENTER_X_MM, P_BEAM_CENTER_Y_MM,
  P_SPOT_SIGMA_X_MM, P_SPOT_SIGMA_Y_MM, P_DIVERGENCE_SIGMA_X_RAD, P_DIVERGENCE_SIGMA_Y_RAD,
  P_SEED_LO, P_SEED_HI,
  M_LOG_RANGE_MIN, M_INV_LOG_RANGE_STEP, M_Z_OVER_A_MOL_PER_G, M_RADIATION_LENGTH_G_PER_CM2,
  M_CUTOFF_RANGE_G_PER_CM2, T_RANGE_LOW_AT_RANGE, T_ENERGY_AT_RANGE,
  W_LANES_PTR, W_INCIDENT_ENERGY, W_DEPOSITED_ENERGY, W_CUTOFF_ENERGY, W_ESCAPED_ENERGY,
  W_STEPS, W_HISTORIES, W_STOPPED_COUNT, W_STOP_DEPTH_SUM, W_STOP_DEPTH_SUM_SQ,
  W_PROBE_COUNT, W_PROBE_SUM_X, W_PROBE_SUM_X_SQ, W_PROBE_SUM_Y, W_PROBE_SUM_Y_SQ,
  W_ABORTED_HISTORIES, W_MISSED_HISTORIES,
  L_X, L_Y, L_Z, L_U, L_V, L_W, L_RANGE, L_ENERGY, L_RANGE_LOW, L_PREV_ENERGY, L_RAD_LENGTHS,
  L_SCATTER_INTEGRAL, L_THETA2, L_IX, L_IY, L_IZ, L_MATERIAL, L_STEP, L_HISTORY_LO,
  L_HISTORY_HI, L_ALIVE, L_LIST_LENGTH, L_LOG_RANGE_MIN, L_INV_LOG_RANGE_STEP, L_Z_OVER_A,
  L_RADIATION_LENGTH, L_CUTOFF_RANGE, L_TABLE_PTR, L_VOXEL, L_VOXEL_Z, L_OUTCOME,
  L_CROSSED_PROBE, L_SCRATCH, L_ENERGY_OFFSET,
  ENERGY_UNITS_PER_MEV, LENGTH_UNITS_PER_MM,
} from './layout';
import { philox4x32 } from './philox';
import { logf, sinHalfPi, normalFromUniform, uniformFromBits } from './fastmath';
import { PI_F32, MAX_STEPS_PER_HISTORY } from './physicsConstants';
import { rangeAtEnergy, rangePosition, interpolate } from './tables';
import { recordDeposit, flushHistory } from './tally';

@inline export const OUTCOME_ALIVE: i32 = 0;
@inline export const OUTCOME_STOPPED: i32 = 1;
@inline export const OUTCOME_ESCAPED: i32 = 2;

@inline function laneField(worker: usize, field: i32, lane: i32): usize {
  return <usize>load<u32>(worker + W_LANES_PTR) + <usize>field + (<usize>lane << 2);
}
@inline function getF(worker: usize, field: i32, lane: i32): f32 { return load<f32>(laneField(worker, field, lane)); }
@inline function setF(worker: usize, field: i32, lane: i32, value: f32): void { store<f32>(laneField(worker, field, lane), value); }
@inline function getI(worker: usize, field: i32, lane: i32): i32 { return load<i32>(laneField(worker, field, lane)); }
@inline function setI(worker: usize, field: i32, lane: i32, value: i32): void { store<i32>(laneField(worker, field, lane), value); }

@inline function addCounter(worker: usize, offset: i32, value: i64): void {
  store<i64>(worker + offset, load<i64>(worker + offset) + value);
}

/** Energy (MeV, f64, exact for f32 inputs) of a whole ion with energy per nucleon e, in fixed-point units. */
@inline function energyUnits(params: usize, energyMeVPerU: f64): i64 {
  return <i64>nearest<f64>(energyMeVPerU * <f64>load<f32>(params + P_MASS_NUMBER) * ENERGY_UNITS_PER_MEV);
}

@inline function voxelIndex(params: usize, ix: i32, iy: i32, iz: i32): i32 {
  return (iz * load<i32>(params + P_NY) + iy) * load<i32>(params + P_NX) + ix;
}

/** Loads the material of the lane's current voxel: table pointer and per-material constants. */
function loadMaterial(params: usize, worker: usize, lane: i32, material: i32): void {
  const tablePtr = <usize>load<u32>(params + P_TABLES_PTR) + <usize>(material * load<i32>(params + P_TABLE_STRIDE));
  setI(worker, L_MATERIAL, lane, material);
  setI(worker, L_TABLE_PTR, lane, <i32>tablePtr);
  setF(worker, L_LOG_RANGE_MIN, lane, load<f32>(tablePtr + M_LOG_RANGE_MIN));
  setF(worker, L_INV_LOG_RANGE_STEP, lane, load<f32>(tablePtr + M_INV_LOG_RANGE_STEP));
  setF(worker, L_Z_OVER_A, lane, load<f32>(tablePtr + M_Z_OVER_A_MOL_PER_G));
  setF(worker, L_RADIATION_LENGTH, lane, load<f32>(tablePtr + M_RADIATION_LENGTH_G_PER_CM2));
  setF(worker, L_CUTOFF_RANGE, lane, load<f32>(tablePtr + M_CUTOFF_RANGE_G_PER_CM2));
}

/**
 * Sets the lane's residual range for an energy in its current material, and
 * the step limit derived from it. The energy itself is kept as given (not
 * re-read from the table), so crossing into a new material changes no energy;
 * the table's round-trip residue E - E(R(E)) is kept with it, and the steps add
 * it to every energy they read from the table (stepScalar.ts, header: c).
 */
function setRangeFromEnergy(params: usize, worker: usize, lane: i32, energyMeVPerU: f32): void {
  const tablePtr = <usize>getI(worker, L_TABLE_PTR, lane);
  const n = load<i32>(params + P_TABLE_LENGTH);
  const range = rangeAtEnergy(params, tablePtr, energyMeVPerU);
  const position = rangePosition(tablePtr, n, range);
  setF(worker, L_RANGE, lane, range);
  setF(worker, L_ENERGY, lane, energyMeVPerU);
  setF(worker, L_ENERGY_OFFSET, lane, energyMeVPerU - interpolate(tablePtr, n, T_ENERGY_AT_RANGE, position));
  setF(worker, L_RANGE_LOW, lane, interpolate(tablePtr, n, T_RANGE_LOW_AT_RANGE, position));
}

/**
 * Box-Muller: a 2-D standard Gaussian from two uniforms, as its radius and the
 * cosine and sine of its azimuth (the azimuth from its half-angle in (-pi/2, pi/2)).
 * Writes (r cos phi, r sin phi) to out[0], out[1].
 */
function gaussianPair(uRadius: f32, uAzimuth: f32, out: usize): void {
  const radius = sqrt<f32>(<f32>-2.0 * logf(uRadius));
  const s = sinHalfPi((uAzimuth - <f32>0.5) * PI_F32);
  const c = sqrt<f32>(max<f32>(<f32>1.0 - s * s, 0));
  store<f32>(out, radius * (<f32>1.0 - <f32>2.0 * s * s));
  store<f32>(out, radius * (<f32>2.0 * s * c), 4);
}

/**
 * Samples the source particle of history (historyLo, historyHi) into the lane.
 * Random words: counter (0, 0, history) for spot position and energy spread,
 * (1, 0, history) for divergence. Returns false when the history ended at once
 * (entered outside the phantom, or below the cut-off).
 */
export function startHistory(params: usize, worker: usize, lane: i32, historyLo: u32, historyHi: u32): bool {
  const seedLo = load<u32>(params + P_SEED_LO);
  const seedHi = load<u32>(params + P_SEED_HI);
  const words = laneField(worker, L_SCRATCH, lane * 4);
  philox4x32(0, 0, historyLo, historyHi, seedLo, seedHi, words);
  const energy = max<f32>(load<f32>(params + P_BEAM_ENERGY_MEV_PER_U)
    + load<f32>(params + P_BEAM_ENERGY_SIGMA_MEV_PER_U) * normalFromUniform(uniformFromBits(load<u32>(words, 8))), 0);
  // Spot: 2-D Gaussian (the pair overwrites the first two random words, already used).
  gaussianPair(uniformFromBits(load<u32>(words)), uniformFromBits(load<u32>(words, 4)), words);
  const x = load<f32>(params + P_BEAM_CENTER_X_MM) + load<f32>(params + P_SPOT_SIGMA_X_MM) * load<f32>(words);
  const y = load<f32>(params + P_BEAM_CENTER_Y_MM) + load<f32>(params + P_SPOT_SIGMA_Y_MM) * load<f32>(words, 4);
  let u: f32 = 0, v: f32 = 0, w: f32 = 1;
  const divergenceX = load<f32>(params + P_DIVERGENCE_SIGMA_X_RAD);
  const divergenceY = load<f32>(params + P_DIVERGENCE_SIGMA_Y_RAD);
  if (divergenceX > 0 || divergenceY > 0) {
    philox4x32(1, 0, historyLo, historyHi, seedLo, seedHi, words);
    gaussianPair(uniformFromBits(load<u32>(words)), uniformFromBits(load<u32>(words, 4)), words);
    // Small-angle direction (tan theta ~ theta): (theta_x, theta_y, 1), normalised.
    const thetaX = divergenceX * load<f32>(words);
    const thetaY = divergenceY * load<f32>(words, 4);
    const norm = <f32>1.0 / sqrt<f32>(<f32>1.0 + thetaX * thetaX + thetaY * thetaY);
    u = thetaX * norm; v = thetaY * norm; w = norm;
  }
  addCounter(worker, W_HISTORIES, 1);
  addCounter(worker, W_INCIDENT_ENERGY, energyUnits(params, <f64>energy));

  const ix = <i32>floor<f32>((x - load<f32>(params + P_ORIGIN_X_MM)) / load<f32>(params + P_VOXEL_X_MM));
  const iy = <i32>floor<f32>((y - load<f32>(params + P_ORIGIN_Y_MM)) / load<f32>(params + P_VOXEL_Y_MM));
  if (ix < 0 || iy < 0 || ix >= load<i32>(params + P_NX) || iy >= load<i32>(params + P_NY)) {
    addCounter(worker, W_ESCAPED_ENERGY, energyUnits(params, <f64>energy));
    addCounter(worker, W_MISSED_HISTORIES, 1);
    return false;
  }
  setF(worker, L_X, lane, x); setF(worker, L_Y, lane, y); setF(worker, L_Z, lane, 0);
  setF(worker, L_U, lane, u); setF(worker, L_V, lane, v); setF(worker, L_W, lane, w);
  setI(worker, L_IX, lane, ix); setI(worker, L_IY, lane, iy); setI(worker, L_IZ, lane, 0);
  setF(worker, L_RAD_LENGTHS, lane, 0); setF(worker, L_SCATTER_INTEGRAL, lane, 0); setF(worker, L_THETA2, lane, 0);
  setI(worker, L_STEP, lane, 0);
  setI(worker, L_HISTORY_LO, lane, <i32>historyLo); setI(worker, L_HISTORY_HI, lane, <i32>historyHi);
  setI(worker, L_LIST_LENGTH, lane, 0);
  setF(worker, L_PREV_ENERGY, lane, energy);
  const voxel = voxelIndex(params, ix, iy, 0);
  loadMaterial(params, worker, lane, <i32>load<u8>(<usize>load<u32>(params + P_MATERIAL_INDEX_PTR) + <usize>voxel));
  setRangeFromEnergy(params, worker, lane, energy);
  if (getF(worker, L_RANGE, lane) <= getF(worker, L_CUTOFF_RANGE, lane)) {
    // Below the cut-off on entry: absorbed in the entrance voxel.
    const units = energyUnits(params, <f64>energy);
    recordDeposit(worker, lane, voxel, 0, units);
    addCounter(worker, W_CUTOFF_ENERGY, units);
    flushHistory(worker, lane);
    return false;
  }
  setI(worker, L_ALIVE, lane, -1);
  return true;
}

/**
 * Scores the lane's last step and acts on its outcome. Returns true while the
 * history goes on. The step left the new state (range, energy, position,
 * indices), the voxel it started in and its outcome in the lane.
 */
export function finishStep(params: usize, worker: usize, lane: i32): bool {
  const voxel = getI(worker, L_VOXEL, lane);
  const iz = getI(worker, L_VOXEL_Z, lane);
  // The energy after the step, never above the energy before it: a deposit is
  // never negative, even where the last bit of the f32 table lookup is not
  // monotonic in the range (a step without loss gives exactly the energy
  // before it: stepScalar.ts, header: c).
  const previous = getF(worker, L_PREV_ENERGY, lane);
  const energy = min<f32>(getF(worker, L_ENERGY, lane), previous);
  const deposit = energyUnits(params, <f64>previous - <f64>energy);
  recordDeposit(worker, lane, voxel, iz, deposit);
  addCounter(worker, W_DEPOSITED_ENERGY, deposit);
  addCounter(worker, W_STEPS, 1);
  setF(worker, L_PREV_ENERGY, lane, energy);
  if (getI(worker, L_CROSSED_PROBE, lane) != 0) {
    const x = <f64>getF(worker, L_X, lane);
    const y = <f64>getF(worker, L_Y, lane);
    addCounter(worker, W_PROBE_COUNT, 1);
    addCounter(worker, W_PROBE_SUM_X, <i64>nearest<f64>(x * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_PROBE_SUM_X_SQ, <i64>nearest<f64>(x * x * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_PROBE_SUM_Y, <i64>nearest<f64>(y * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_PROBE_SUM_Y_SQ, <i64>nearest<f64>(y * y * LENGTH_UNITS_PER_MM));
  }
  let outcome = getI(worker, L_OUTCOME, lane);
  if (outcome == OUTCOME_ALIVE && getI(worker, L_STEP, lane) >= MAX_STEPS_PER_HISTORY) {
    addCounter(worker, W_ABORTED_HISTORIES, 1);
    outcome = OUTCOME_STOPPED;
  }
  if (outcome == OUTCOME_STOPPED) {
    const units = energyUnits(params, <f64>energy);
    recordDeposit(worker, lane, voxel, iz, units);
    addCounter(worker, W_CUTOFF_ENERGY, units);
    const depth = <f64>getF(worker, L_Z, lane);
    addCounter(worker, W_STOPPED_COUNT, 1);
    addCounter(worker, W_STOP_DEPTH_SUM, <i64>nearest<f64>(depth * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_STOP_DEPTH_SUM_SQ, <i64>nearest<f64>(depth * depth * LENGTH_UNITS_PER_MM));
    flushHistory(worker, lane);
    return false;
  }
  if (outcome == OUTCOME_ESCAPED) {
    addCounter(worker, W_ESCAPED_ENERGY, energyUnits(params, <f64>energy));
    flushHistory(worker, lane);
    return false;
  }
  const next = voxelIndex(params, getI(worker, L_IX, lane), getI(worker, L_IY, lane), getI(worker, L_IZ, lane));
  const material = <i32>load<u8>(<usize>load<u32>(params + P_MATERIAL_INDEX_PTR) + <usize>next);
  if (material != getI(worker, L_MATERIAL, lane)) {
    // Same energy, new material: the residual range is re-derived from the energy.
    loadMaterial(params, worker, lane, material);
    setRangeFromEnergy(params, worker, lane, energy);
  }
  return true;
}

/** Marks a lane as idle, with indices that keep its (ignored) SIMD loads inside the phantom. */
export function parkLane(worker: usize, lane: i32): void {
  setI(worker, L_ALIVE, lane, 0);
  setI(worker, L_IX, lane, 0); setI(worker, L_IY, lane, 0); setI(worker, L_IZ, lane, 0);
}

