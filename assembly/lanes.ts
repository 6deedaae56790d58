// Per-lane bookkeeping shared by the scalar and SIMD drivers: starting a
// history (source sampling), ending a step (scoring and outcomes), and
// entering a new material. The step physics itself is in stepScalar.ts and
// stepSimd.ts; both read and write the lane state laid out in layout.ts.
import {
  P_NX, P_NY, P_NZ, P_PROBE_Z_INDEX, W_SLAB_PRIMARIES_PTR, P_VOXEL_X_MM, P_VOXEL_Y_MM, P_ORIGIN_X_MM, P_ORIGIN_Y_MM,
  P_MATERIAL_INDEX_PTR, P_BEAM_ENERGY_MEV_PER_U, P_BEAM_ENERGY_SIGMA_MEV_PER_U, P_BEAM_CENTER_X_MM, P_BEAM_CENTER_Y_MM,
  P_SPOT_SIGMA_X_MM, P_SPOT_SIGMA_Y_MM, P_DIVERGENCE_SIGMA_X_RAD, P_DIVERGENCE_SIGMA_Y_RAD,
  P_SEED_LO, P_SEED_HI, P_NUCLEAR, P_SCORE_LET, P_BEAM_SPECIES, L_SPECIES, L_MASS_NUMBER, L_TABLE_PTR, M_LIBRARY_ROW, L_PRIMARY_EVENTS,
  W_INCIDENT_ENERGY, W_DEPOSITED_ENERGY, W_CUTOFF_ENERGY, W_ESCAPED_ENERGY,
  W_STEPS, W_HISTORIES, W_STOPPED_COUNT, W_STOP_DEPTH_SUM, W_STOP_DEPTH_SUM_SQ,
  W_PROBE_COUNT, W_PROBE_SUM_X, W_PROBE_SUM_X_SQ, W_PROBE_SUM_Y, W_PROBE_SUM_Y_SQ,
  W_ABORTED_HISTORIES, W_MISSED_HISTORIES,
  L_X, L_Y, L_Z, L_U, L_V, L_W, L_RANGE, L_ENERGY, L_PREV_ENERGY, L_RAD_LENGTHS,
  L_SCATTER_INTEGRAL, L_THETA2, L_IX, L_IY, L_IZ, L_MATERIAL, L_STEP, L_HISTORY_LO,
  L_HISTORY_HI, L_ALIVE, L_LIST_LENGTH, L_CUTOFF_RANGE, L_VOXEL, L_VOXEL_Z, L_OUTCOME,
  L_CROSSED_PLANE, L_SCRATCH, L_MFP, L_STREAM, L_SECONDARIES, L_STACK_SIZE,
  LENGTH_UNITS_PER_MM, P_VOXEL_Z_MM, P_SOURCE_MODE, P_BEAM_U_X, P_BEAM_U_Y, P_BEAM_U_Z, P_BEAM_V_X, P_BEAM_V_Y, P_BEAM_V_Z,
  P_BEAM_DIR_X, P_BEAM_DIR_Y, P_BEAM_DIR_Z, P_ISOCENTER_X_MM, P_ISOCENTER_Y_MM, P_ISOCENTER_Z_MM,
  P_SOURCE_AXIS_DISTANCE_X_MM, P_SOURCE_AXIS_DISTANCE_Y_MM, P_SPOT_COUNT, PARAMS_BYTES, SPOT_BYTES, SPOT_FIRST_HISTORY, SPOT_BEAM, SPOT_FRAME,
} from './layout';
import { philox4x32 } from './philox';
import { logf, sinHalfPi, normalFromUniform, uniformFromBits } from './fastmath';
import { PI_F32, MAX_STEPS_PER_HISTORY } from './physicsConstants';
import { recordDeposit, flushHistory } from './tally';
import { ionReaction } from './ionReaction';
import { scoreLetStep, flushLet } from './letTally';
import {
  laneField, getF, setF, getI, setI, addCounter, energyUnits, energyUnitsOf, laneEnergyUnits, voxelIndex, loadMaterial, setRangeFromEnergy,
  sampleMeanFreePaths,
} from './laneState';
import {
  nuclearEvent, stackField, S_X, S_Y, S_Z, S_U, S_V, S_W, S_ENERGY, S_IX, S_IY, S_IZ, S_PARTICLE, S_SPECIES,
} from './nuclear';

@inline export const OUTCOME_ALIVE: i32 = 0;
@inline export const OUTCOME_STOPPED: i32 = 1;
@inline export const OUTCOME_ESCAPED: i32 = 2;
/** The step ended where a nuclear event happens (stepScalar.ts, 5.). */
@inline export const OUTCOME_NUCLEAR: i32 = 3;

@inline function nuclearOn(params: usize): bool { return load<i32>(params + P_NUCLEAR) != 0; }

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
/**
 * The record of the plan's spot that history h draws: the last whose first history is at most h
 * (histories go to spots in order: src/beam/planSpots.ts), by bisection.
 */
function spotOfHistory(params: usize, history: u32): usize {
  const spots = params + <usize>PARAMS_BYTES;
  let low = 0, high = load<i32>(params + P_SPOT_COUNT) - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (load<u32>(spots + <usize>(middle * SPOT_BYTES + SPOT_FIRST_HISTORY)) <= history) low = middle;
    else high = middle - 1;
  }
  return spots + <usize>(low * SPOT_BYTES);
}

/**
 * The axis (0 x, 1 y, 2 z) through whose face the ray from p along d enters the box
 * [lo, hi] (lo z = 0), or -1 if it misses it: the slab method (Kay and Kajiya, SIGGRAPH 1986),
 * as src/beam/beamGeometry.ts rayEntry.
 */
function boxEntryAxis(px: f32, py: f32, pz: f32, dx: f32, dy: f32, dz: f32, lowX: f32, lowY: f32, highX: f32, highY: f32, highZ: f32): i32 {
  let enter: f32 = -Infinity, leave: f32 = Infinity;
  let axis = -1;
  for (let a = 0; a < 3; a++) {
    const p = a == 0 ? px : a == 1 ? py : pz;
    const d = a == 0 ? dx : a == 1 ? dy : dz;
    const lo = a == 0 ? lowX : a == 1 ? lowY : <f32>0;
    const hi = a == 0 ? highX : a == 1 ? highY : highZ;
    if (d == 0) {
      if (p < lo || p > hi) return -1;
      continue;
    }
    const t1 = (lo - p) / d, t2 = (hi - p) / d;
    const near = min<f32>(t1, t2), far = max<f32>(t1, t2);
    if (near > enter) { enter = near; axis = a; }
    leave = min<f32>(leave, far);
  }
  return enter <= leave ? axis : -1;
}

export function startHistory(params: usize, worker: usize, lane: i32, historyLo: u32, historyHi: u32): bool {
  const seedLo = load<u32>(params + P_SEED_LO);
  const seedHi = load<u32>(params + P_SEED_HI);
  const words = laneField(worker, L_SCRATCH, lane * 4);
  philox4x32(0, 0, historyLo, historyHi, seedLo, seedHi, words);
  // The beam's fields and frame: the run's (sourceMode 0, 1), or the record of the plan's spot that
  // this history draws (2), whose fields lie in the same order (layout.ts: SPOT).
  const sourceMode = load<i32>(params + P_SOURCE_MODE);
  let beam: usize = params + P_BEAM_ENERGY_MEV_PER_U;
  let frame: usize = params + P_BEAM_U_X;
  if (sourceMode == 2) {
    const spot = spotOfHistory(params, historyLo);
    beam = spot + SPOT_BEAM;
    frame = spot + SPOT_FRAME;
  }
  const energy = max<f32>(load<f32>(beam, P_BEAM_ENERGY_MEV_PER_U - P_BEAM_ENERGY_MEV_PER_U)
    + load<f32>(beam, P_BEAM_ENERGY_SIGMA_MEV_PER_U - P_BEAM_ENERGY_MEV_PER_U) * normalFromUniform(uniformFromBits(load<u32>(words, 8))), 0);
  // Spot: 2-D Gaussian (the pair overwrites the first two random words, already used).
  gaussianPair(uniformFromBits(load<u32>(words)), uniformFromBits(load<u32>(words, 4)), words);
  // The spot's position: in the phantom's x, y (sourceMode 0) or in the beam's eye view at the isocentre plane (1).
  const centerX = load<f32>(beam, P_BEAM_CENTER_X_MM - P_BEAM_ENERGY_MEV_PER_U);
  const centerY = load<f32>(beam, P_BEAM_CENTER_Y_MM - P_BEAM_ENERGY_MEV_PER_U);
  let x = centerX + load<f32>(beam, P_SPOT_SIGMA_X_MM - P_BEAM_ENERGY_MEV_PER_U) * load<f32>(words);
  let y = centerY + load<f32>(beam, P_SPOT_SIGMA_Y_MM - P_BEAM_ENERGY_MEV_PER_U) * load<f32>(words, 4);
  let z: f32 = 0;
  let u: f32 = 0, v: f32 = 0, w: f32 = 1;
  let thetaX: f32 = 0, thetaY: f32 = 0;
  const divergenceX = load<f32>(beam, P_DIVERGENCE_SIGMA_X_RAD - P_BEAM_ENERGY_MEV_PER_U);
  const divergenceY = load<f32>(beam, P_DIVERGENCE_SIGMA_Y_RAD - P_BEAM_ENERGY_MEV_PER_U);
  if (divergenceX > 0 || divergenceY > 0) {
    philox4x32(1, 0, historyLo, historyHi, seedLo, seedHi, words);
    gaussianPair(uniformFromBits(load<u32>(words)), uniformFromBits(load<u32>(words, 4)), words);
    // Small-angle direction (tan theta ~ theta): (theta_x, theta_y, 1), normalised.
    thetaX = divergenceX * load<f32>(words);
    thetaY = divergenceY * load<f32>(words, 4);
    const norm = <f32>1.0 / sqrt<f32>(<f32>1.0 + thetaX * thetaX + thetaY * thetaY);
    u = thetaX * norm; v = thetaY * norm; w = norm;
  }
  addCounter(worker, W_HISTORIES, 1);
  addCounter(worker, W_INCIDENT_ENERGY, energyUnits(params, <f64>energy));

  const originX = load<f32>(params + P_ORIGIN_X_MM), originY = load<f32>(params + P_ORIGIN_Y_MM);
  const voxelX = load<f32>(params + P_VOXEL_X_MM), voxelY = load<f32>(params + P_VOXEL_Y_MM), voxelZ = load<f32>(params + P_VOXEL_Z_MM);
  const nx = load<i32>(params + P_NX), ny = load<i32>(params + P_NY), nz = load<i32>(params + P_NZ);
  let ix: i32 = 0, iy: i32 = 0, iz: i32 = 0;
  let enteringDepth = true;
  if (sourceMode == 0) {
    ix = <i32>floor<f32>((x - originX) / voxelX);
    iy = <i32>floor<f32>((y - originY) / voxelY);
    if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) {
      addCounter(worker, W_ESCAPED_ENERGY, energyUnits(params, <f64>energy));
      addCounter(worker, W_MISSED_HISTORIES, 1);
      return false;
    }
  } else {
    // The room's geometry (src/beam/beamGeometry.ts): aimed from the virtual source through the spot
    // centre, spread by the divergence; from the spot's point at the isocentre plane back along the
    // direction to where it enters the phantom's box (slab method), through vacuum.
    const sourceX = load<f32>(frame, P_SOURCE_AXIS_DISTANCE_X_MM - P_BEAM_U_X), sourceY = load<f32>(frame, P_SOURCE_AXIS_DISTANCE_Y_MM - P_BEAM_U_X);
    const slopeX = (sourceX > 0 ? centerX / sourceX : <f32>0) + thetaX;
    const slopeY = (sourceY > 0 ? centerY / sourceY : <f32>0) + thetaY;
    const norm = <f32>1.0 / sqrt<f32>(<f32>1.0 + slopeX * slopeX + slopeY * slopeY);
    const ux = load<f32>(frame, P_BEAM_U_X - P_BEAM_U_X), uy = load<f32>(frame, P_BEAM_U_Y - P_BEAM_U_X), uz = load<f32>(frame, P_BEAM_U_Z - P_BEAM_U_X);
    const vx = load<f32>(frame, P_BEAM_V_X - P_BEAM_U_X), vy = load<f32>(frame, P_BEAM_V_Y - P_BEAM_U_X), vz = load<f32>(frame, P_BEAM_V_Z - P_BEAM_U_X);
    u = (load<f32>(frame, P_BEAM_DIR_X - P_BEAM_U_X) + slopeX * ux + slopeY * vx) * norm;
    v = (load<f32>(frame, P_BEAM_DIR_Y - P_BEAM_U_X) + slopeX * uy + slopeY * vy) * norm;
    w = (load<f32>(frame, P_BEAM_DIR_Z - P_BEAM_U_X) + slopeX * uz + slopeY * vz) * norm;
    const px = load<f32>(frame, P_ISOCENTER_X_MM - P_BEAM_U_X) + x * ux + y * vx;
    const py = load<f32>(frame, P_ISOCENTER_Y_MM - P_BEAM_U_X) + x * uy + y * vy;
    const pz = load<f32>(frame, P_ISOCENTER_Z_MM - P_BEAM_U_X) + x * uz + y * vz;
    const highX = originX + <f32>nx * voxelX, highY = originY + <f32>ny * voxelY, highZ = <f32>nz * voxelZ;
    const entry = boxEntryAxis(px, py, pz, u, v, w, originX, originY, highX, highY, highZ);
    if (entry < 0) {
      addCounter(worker, W_ESCAPED_ENERGY, energyUnits(params, <f64>energy));
      addCounter(worker, W_MISSED_HISTORIES, 1);
      return false;
    }
    // The distance to the face it enters through (negative: upstream of the isocentre plane).
    const t = entry == 0 ? ((u > 0 ? originX : highX) - px) / u : entry == 1 ? ((v > 0 ? originY : highY) - py) / v : ((w > 0 ? <f32>0 : highZ) - pz) / w;
    x = entry == 0 ? (u > 0 ? originX : highX) : px + t * u;
    y = entry == 1 ? (v > 0 ? originY : highY) : py + t * v;
    z = entry == 2 ? (w > 0 ? <f32>0 : highZ) : pz + t * w;
    ix = min(max(<i32>floor<f32>((x - originX) / voxelX), 0), nx - 1);
    iy = min(max(<i32>floor<f32>((y - originY) / voxelY), 0), ny - 1);
    iz = min(max(<i32>floor<f32>(z / voxelZ), 0), nz - 1);
    // The fluence by depth counts primaries through the z = 0 face.
    enteringDepth = entry == 2 && w > 0;
  }
  if (enteringDepth) {
    // The primary enters slab 0 (the fluence by depth: finishStep).
    const entering = <usize>load<u32>(worker + W_SLAB_PRIMARIES_PTR);
    store<i64>(entering, load<i64>(entering) + 1);
  }
  setF(worker, L_X, lane, x); setF(worker, L_Y, lane, y); setF(worker, L_Z, lane, z);
  setF(worker, L_U, lane, u); setF(worker, L_V, lane, v); setF(worker, L_W, lane, w);
  setI(worker, L_IX, lane, ix); setI(worker, L_IY, lane, iy); setI(worker, L_IZ, lane, iz);
  setF(worker, L_RAD_LENGTHS, lane, 0); setF(worker, L_SCATTER_INTEGRAL, lane, 0); setF(worker, L_THETA2, lane, 0);
  setI(worker, L_STEP, lane, 0);
  setI(worker, L_HISTORY_LO, lane, <i32>historyLo); setI(worker, L_HISTORY_HI, lane, <i32>historyHi);
  setI(worker, L_LIST_LENGTH, lane, 0);
  // The primary is particle 0: steps on Philox word 1 = 1, nuclear numbers on 2 (nuclear.ts).
  setI(worker, L_STREAM, lane, 1);
  setI(worker, L_SECONDARIES, lane, 0);
  setI(worker, L_STACK_SIZE, lane, 0);
  setI(worker, L_PRIMARY_EVENTS, lane, 0);
  if (nuclearOn(params)) sampleMeanFreePaths(params, worker, lane, 0, 2);
  setF(worker, L_PREV_ENERGY, lane, energy);
  setI(worker, L_SPECIES, lane, load<i32>(params + P_BEAM_SPECIES));
  const voxel = voxelIndex(params, ix, iy, iz);
  loadMaterial(params, worker, lane, <i32>load<u8>(<usize>load<u32>(params + P_MATERIAL_INDEX_PTR) + <usize>voxel));
  setRangeFromEnergy(params, worker, lane, energy);
  if (getF(worker, L_RANGE, lane) <= getF(worker, L_CUTOFF_RANGE, lane)) {
    // Below the cut-off on entry: absorbed in the entrance voxel.
    const units = energyUnits(params, <f64>energy);
    recordDeposit(worker, lane, voxel, iz, units);
    addCounter(worker, W_CUTOFF_ENERGY, units);
    flushHistory(worker, lane);
    return false;
  }
  setI(worker, L_ALIVE, lane, -1);
  return true;
}

/**
 * Starts the secondary on top of the lane's stack (nuclear.ts) as the lane's
 * particle: its own step counter, scattering history, Philox streams and mean
 * free paths. False if it is below the cut-off (then absorbed where it is).
 */
function startSecondary(params: usize, worker: usize, lane: i32): bool {
  const entry = getI(worker, L_STACK_SIZE, lane) - 1;
  setI(worker, L_STACK_SIZE, lane, entry);
  const energy = load<f32>(stackField(worker, lane, entry, S_ENERGY));
  const particle = load<i32>(stackField(worker, lane, entry, S_PARTICLE));
  setI(worker, L_SPECIES, lane, load<i32>(stackField(worker, lane, entry, S_SPECIES)));
  const ix = load<i32>(stackField(worker, lane, entry, S_IX));
  const iy = load<i32>(stackField(worker, lane, entry, S_IY));
  const iz = load<i32>(stackField(worker, lane, entry, S_IZ));
  setF(worker, L_X, lane, load<f32>(stackField(worker, lane, entry, S_X)));
  setF(worker, L_Y, lane, load<f32>(stackField(worker, lane, entry, S_Y)));
  setF(worker, L_Z, lane, load<f32>(stackField(worker, lane, entry, S_Z)));
  setF(worker, L_U, lane, load<f32>(stackField(worker, lane, entry, S_U)));
  setF(worker, L_V, lane, load<f32>(stackField(worker, lane, entry, S_V)));
  setF(worker, L_W, lane, load<f32>(stackField(worker, lane, entry, S_W)));
  setI(worker, L_IX, lane, ix); setI(worker, L_IY, lane, iy); setI(worker, L_IZ, lane, iz);
  setF(worker, L_RAD_LENGTHS, lane, 0); setF(worker, L_SCATTER_INTEGRAL, lane, 0); setF(worker, L_THETA2, lane, 0);
  setI(worker, L_STEP, lane, 0);
  setI(worker, L_STREAM, lane, 1 + 2 * particle);
  setF(worker, L_PREV_ENERGY, lane, energy);
  const voxel = voxelIndex(params, ix, iy, iz);
  loadMaterial(params, worker, lane, <i32>load<u8>(<usize>load<u32>(params + P_MATERIAL_INDEX_PTR) + <usize>voxel));
  setRangeFromEnergy(params, worker, lane, energy);
  sampleMeanFreePaths(params, worker, lane, 0, <u32>(2 + 2 * particle));
  if (getF(worker, L_RANGE, lane) > getF(worker, L_CUTOFF_RANGE, lane)) return true;
  const units = laneEnergyUnits(worker, lane, <f64>energy);
  recordDeposit(worker, lane, voxel, iz, units);
  addCounter(worker, W_CUTOFF_ENERGY, units);
  return false;
}

/** The lane's particle has ended: the next one from its stack goes on, or the history ends (false). */
function endParticle(params: usize, worker: usize, lane: i32): bool {
  while (getI(worker, L_STACK_SIZE, lane) > 0) {
    if (startSecondary(params, worker, lane)) return true;
  }
  if (load<i32>(params + P_SCORE_LET) != 0) flushLet(worker, lane);
  flushHistory(worker, lane);
  return false;
}

/**
 * Scores the lane's last step and acts on its outcome. Returns true while the
 * history goes on. The step left the new state (range, energy, position,
 * indices), the voxel it started in and its outcome in the lane.
 */
export function finishStep(params: usize, worker: usize, lane: i32): bool {
  // The lane's fields, addressed once (laneField: the lanes pointer is read from memory).
  const at = laneField(worker, 0, lane);
  const voxel = load<i32>(at + L_VOXEL);
  const iz = load<i32>(at + L_VOXEL_Z);
  // The energy after the step, never above the energy before it: a deposit is
  // never negative, even where the last bit of the f32 table lookup is not
  // monotonic in the range (a step without loss gives exactly the energy
  // before it: stepScalar.ts, header: c).
  const previous = load<f32>(at + L_PREV_ENERGY);
  const energy = min<f32>(load<f32>(at + L_ENERGY), previous);
  const massNumber = load<f32>(at + L_MASS_NUMBER);
  const deposit = energyUnitsOf(massNumber, <f64>previous - <f64>energy);
  recordDeposit(worker, lane, voxel, iz, deposit);
  addCounter(worker, W_DEPOSITED_ENERGY, deposit);
  addCounter(worker, W_STEPS, 1);
  store<f32>(at + L_PREV_ENERGY, energy);
  const primary = load<i32>(at + L_STREAM) == 1;
  if (load<i32>(params + P_SCORE_LET) != 0) scoreLetStep(worker, lane, voxel, deposit, primary);
  // A primary that crossed a z plane forward enters slab L_IZ (its fluence by depth), and the
  // probe plane's lateral spread is recorded.
  const slab = load<i32>(at + L_IZ);
  if (load<i32>(at + L_CROSSED_PLANE) != 0 && primary && slab < load<i32>(params + P_NZ)) {
    const fluence = <usize>load<u32>(worker + W_SLAB_PRIMARIES_PTR) + (<usize>slab << 3);
    store<i64>(fluence, load<i64>(fluence) + 1);
  }
  if (load<i32>(at + L_CROSSED_PLANE) != 0 && primary && slab == load<i32>(params + P_PROBE_Z_INDEX)) {
    const x = <f64>load<f32>(at + L_X);
    const y = <f64>load<f32>(at + L_Y);
    addCounter(worker, W_PROBE_COUNT, 1);
    addCounter(worker, W_PROBE_SUM_X, <i64>nearest<f64>(x * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_PROBE_SUM_X_SQ, <i64>nearest<f64>(x * x * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_PROBE_SUM_Y, <i64>nearest<f64>(y * LENGTH_UNITS_PER_MM));
    addCounter(worker, W_PROBE_SUM_Y_SQ, <i64>nearest<f64>(y * y * LENGTH_UNITS_PER_MM));
  }
  let outcome = load<i32>(at + L_OUTCOME);
  if ((outcome == OUTCOME_ALIVE || outcome == OUTCOME_NUCLEAR) && load<i32>(at + L_STEP) >= MAX_STEPS_PER_HISTORY) {
    addCounter(worker, W_ABORTED_HISTORIES, 1);
    outcome = OUTCOME_STOPPED;
  }
  if (outcome == OUTCOME_STOPPED) {
    const units = energyUnitsOf(massNumber, <f64>energy);
    recordDeposit(worker, lane, voxel, iz, units);
    addCounter(worker, W_CUTOFF_ENERGY, units);
    if (primary && load<i32>(at + L_PRIMARY_EVENTS) == 0) {
      // Range straggling of primaries (stop depths), of those without nuclear events (an elastic
      // event's energy loss is no straggling).
      const depth = <f64>load<f32>(at + L_Z);
      addCounter(worker, W_STOPPED_COUNT, 1);
      addCounter(worker, W_STOP_DEPTH_SUM, <i64>nearest<f64>(depth * LENGTH_UNITS_PER_MM));
      addCounter(worker, W_STOP_DEPTH_SUM_SQ, <i64>nearest<f64>(depth * depth * LENGTH_UNITS_PER_MM));
    }
    return endParticle(params, worker, lane);
  }
  if (outcome == OUTCOME_ESCAPED) {
    addCounter(worker, W_ESCAPED_ENERGY, energyUnitsOf(massNumber, <f64>energy));
    return endParticle(params, worker, lane);
  }
  const next = voxelIndex(params, load<i32>(at + L_IX), load<i32>(at + L_IY), load<i32>(at + L_IZ));
  const material = <i32>load<u8>(<usize>load<u32>(params + P_MATERIAL_INDEX_PTR) + <usize>next);
  if (material != load<i32>(at + L_MATERIAL)) {
    // Same energy, new material: the residual range is re-derived from the energy.
    loadMaterial(params, worker, lane, material);
    setRangeFromEnergy(params, worker, lane, energy);
  }
  if (outcome == OUTCOME_NUCLEAR) {
    if (primary) store<i32>(at + L_PRIMARY_EVENTS, load<i32>(at + L_PRIMARY_EVENTS) + 1);
    // Ion species with reactions (their blocks have a library row) react; protons take nuclear.ts.
    const reacts = load<f32>(<usize>load<i32>(at + L_TABLE_PTR) + M_LIBRARY_ROW) >= 0;
    if (!(reacts ? ionReaction(params, worker, lane, energy) : nuclearEvent(params, worker, lane, energy))) return endParticle(params, worker, lane);
    store<f32>(at + L_PREV_ENERGY, load<f32>(at + L_ENERGY));
  }
  return true;
}

/** Marks a lane as idle, with indices that keep its (ignored) SIMD loads inside the phantom. */
export function parkLane(worker: usize, lane: i32): void {
  setI(worker, L_ALIVE, lane, 0);
  setF(worker, L_MFP, lane, 1);
  setI(worker, L_IX, lane, 0); setI(worker, L_IY, lane, 0); setI(worker, L_IZ, lane, 0);
}

