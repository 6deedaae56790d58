// One condensed-history step of four lanes at once on f32x4: the same
// operations, in the same order, as stepScalar.ts (read that file for the
// physics and its sources), so each lane matches the scalar kernel bit for
// bit. Table and voxel reads are per-lane gathers; idle lanes (L_ALIVE = 0)
// are computed too, with their voxel forced to 0 so their reads stay valid.
import {
  P_NX, P_NY, P_NZ, P_VOXEL_X_MM, P_VOXEL_Y_MM, P_VOXEL_Z_MM, P_ORIGIN_X_MM, P_ORIGIN_Y_MM,
  P_DENSITY_PTR, P_TABLE_LENGTH, L_MASS_NUMBER, L_CHARGE_NUMBER, L_MASS_PER_NUCLEON_MEV,
  P_MAX_STEP_MM, P_SEED_LO, P_SEED_HI, P_NUCLEAR,
  M_HEADER_BYTES, T_ENERGY_AT_RANGE, T_STOPPING_AT_RANGE, T_RANGE_LOW_AT_RANGE, T_NUCLEAR_AT_RANGE,
  W_LANES_PTR,
  L_X, L_Y, L_Z, L_U, L_V, L_W, L_RANGE, L_ENERGY, L_RANGE_LOW, L_RAD_LENGTHS,
  L_SCATTER_INTEGRAL, L_THETA2, L_IX, L_IY, L_IZ, L_STEP, L_HISTORY_LO, L_HISTORY_HI, L_ALIVE,
  L_LOG_RANGE_MIN, L_INV_LOG_RANGE_STEP, L_Z_OVER_A, L_RADIATION_LENGTH, L_CUTOFF_RANGE,
  L_TABLE_PTR, L_VOXEL, L_VOXEL_Z, L_OUTCOME, L_CROSSED_PLANE, L_RNG_0, L_ENERGY_OFFSET, L_SCRATCH,
  L_MFP, L_NUCLEAR_MU, L_STREAM, L_LET_MEDIUM, L_LET_WATER, L_STEP_LENGTH, L_RANGE_POSITION,
  P_SCORE_LET, T_WATER_STOPPING_AT_RANGE, P_SOURCE_MODE,
} from './layout';
import { philox4x32x4 } from './philox';
import { logf4, sinHalfPi4, normalFromUniform4, uniformFromBits4, wordThreshold4 } from './fastmath4';
import { lastTablePosition } from './tables';
import { BOHR_K_ME_C2, HIGHLAND_E_MEV_SQUARED, INV_NINE_LN10, PI_F32, FAR_MM, MIN_RANGE_G_PER_CM2 } from './physicsConstants';
import { likeRunMm, moveThroughRun } from './macroStep';

@inline function k4(c: f32): v128 { return f32x4.splat(c); }

/** Loads one f32 per lane from the byte addresses in `addresses`. */
@inline function gather(addresses: v128): v128 {
  let r = f32x4.splat(load<f32>(<usize>i32x4.extract_lane(addresses, 0)));
  r = f32x4.replace_lane(r, 1, load<f32>(<usize>i32x4.extract_lane(addresses, 1)));
  r = f32x4.replace_lane(r, 2, load<f32>(<usize>i32x4.extract_lane(addresses, 2)));
  return f32x4.replace_lane(r, 3, load<f32>(<usize>i32x4.extract_lane(addresses, 3)));
}

/** Lane-wise table position, clamped so that point i+1 exists (tables.ts: tablePosition). */
@inline function position4(logValue: v128, logMin: v128, invLogStep: v128, lastPosition: v128): v128 {
  return f32x4.min(f32x4.max(f32x4.mul(f32x4.sub(logValue, logMin), invLogStep), k4(0)), lastPosition);
}

/** Point i (the integer part of `position`) of each lane's table block, as byte addresses of column 0. */
@inline function rowAddresses(tablePtr: v128, position: v128): v128 {
  return i32x4.add(i32x4.add(tablePtr, i32x4.splat(M_HEADER_BYTES)), i32x4.shl(i32x4.trunc_sat_f32x4_s(position), 2));
}

/** The fraction f of `position` between points i and i+1 (tables.ts: interpolate). */
@inline function fraction4(position: v128): v128 {
  return f32x4.sub(position, f32x4.convert_i32x4_s(i32x4.trunc_sat_f32x4_s(position)));
}

/**
 * Column k (at `columnBytes` = 4 k n from column 0) interpolated at the lanes'
 * row addresses a0..a3 with fractions f: a + f (b - a), a and b the points i and
 * i+1 (tables.ts: interpolate). The lanes' addresses are taken out of the
 * vector once per position and shared by every column read there.
 */
@inline function column4(a0: usize, a1: usize, a2: usize, a3: usize, columnBytes: i32, f: v128): v128 {
  const o = <usize>columnBytes;
  let a = f32x4.splat(load<f32>(a0 + o));
  a = f32x4.replace_lane(a, 1, load<f32>(a1 + o));
  a = f32x4.replace_lane(a, 2, load<f32>(a2 + o));
  a = f32x4.replace_lane(a, 3, load<f32>(a3 + o));
  let b = f32x4.splat(load<f32>(a0 + o, 4));
  b = f32x4.replace_lane(b, 1, load<f32>(a1 + o, 4));
  b = f32x4.replace_lane(b, 2, load<f32>(a2 + o, 4));
  b = f32x4.replace_lane(b, 3, load<f32>(a3 + o, 4));
  return f32x4.add(a, f32x4.mul(f, f32x4.sub(b, a)));
}

export function stepSimd(params: usize, worker: usize): void {
  const lanes = <usize>load<u32>(worker + W_LANES_PTR);
  const nx = load<i32>(params + P_NX);
  const ny = load<i32>(params + P_NY);
  const nz = load<i32>(params + P_NZ);
  const voxelX = k4(load<f32>(params + P_VOXEL_X_MM));
  const voxelY = k4(load<f32>(params + P_VOXEL_Y_MM));
  const voxelZ = k4(load<f32>(params + P_VOXEL_Z_MM));
  const originX = k4(load<f32>(params + P_ORIGIN_X_MM));
  const originY = k4(load<f32>(params + P_ORIGIN_Y_MM));
  const n = load<i32>(params + P_TABLE_LENGTH);
  const lastPosition = k4(lastTablePosition(n));
  const zero = k4(0);
  const one = k4(1.0);
  const two = k4(2.0);
  const half = k4(0.5);
  const ones = i32x4.splat(1);

  const xStart = v128.load(lanes + L_X);
  const yStart = v128.load(lanes + L_Y);
  const zStart = v128.load(lanes + L_Z);
  let x = xStart;
  let y = yStart;
  let z = zStart;
  const u = v128.load(lanes + L_U);
  const v = v128.load(lanes + L_V);
  const w = v128.load(lanes + L_W);
  const range = v128.load(lanes + L_RANGE);
  const energy = v128.load(lanes + L_ENERGY);
  const rangeLow = v128.load(lanes + L_RANGE_LOW);
  const ixStart = v128.load(lanes + L_IX);
  const iyStart = v128.load(lanes + L_IY);
  const izStart = v128.load(lanes + L_IZ);
  let ix = ixStart;
  let iy = iyStart;
  let iz = izStart;
  const tablePtr = v128.load(lanes + L_TABLE_PTR);
  const logRangeMin = v128.load(lanes + L_LOG_RANGE_MIN);
  const invLogRangeStep = v128.load(lanes + L_INV_LOG_RANGE_STEP);
  const alive = v128.load(lanes + L_ALIVE);
  // Each lane's species (laneState.ts: loadMaterial).
  const massNumber = v128.load(lanes + L_MASS_NUMBER);
  const charge2 = f32x4.mul(v128.load(lanes + L_CHARGE_NUMBER), v128.load(lanes + L_CHARGE_NUMBER));
  const nucleonMass = v128.load(lanes + L_MASS_PER_NUCLEON_MEV);

  // z fastest (laneState.ts: voxelIndex)
  const voxel = v128.and(i32x4.add(i32x4.mul(i32x4.add(i32x4.mul(ix, i32x4.splat(ny)), iy), i32x4.splat(nz)), iz), alive);
  v128.store(lanes + L_VOXEL, voxel);
  v128.store(lanes + L_VOXEL_Z, iz);
  const density = gather(i32x4.add(i32x4.splat(<i32>load<u32>(params + P_DENSITY_PTR)), i32x4.shl(voxel, 2)));

  const step = v128.load(lanes + L_STEP);
  v128.store(lanes + L_STEP, i32x4.add(step, ones));
  philox4x32x4(step, v128.load(lanes + L_STREAM), v128.load(lanes + L_HISTORY_LO), v128.load(lanes + L_HISTORY_HI),
    load<u32>(params + P_SEED_LO), load<u32>(params + P_SEED_HI), lanes + L_RNG_0);
  const uTheta = uniformFromBits4(v128.load(lanes + L_RNG_0));
  const uPhi = uniformFromBits4(v128.load(lanes + L_RNG_0, 16));
  const uHinge = uniformFromBits4(v128.load(lanes + L_RNG_0, 32));
  const stragglingWord = v128.load(lanes + L_RNG_0, 48);
  const uStraggling = uniformFromBits4(stragglingWord);

  // 1. Step length (mm).
  const energyLimitMm = f32x4.mul(f32x4.div(f32x4.sub(range, rangeLow), density), k4(10.0));
  const uPositive = f32x4.gt(u, zero);
  const vPositive = f32x4.gt(v, zero);
  const wPositive = f32x4.gt(w, zero);
  const planeX = f32x4.add(originX, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(ix, uPositive)), voxelX));
  const planeY = f32x4.add(originY, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(iy, vPositive)), voxelY));
  const planeZ = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(iz, wPositive)), voxelZ);
  const far = k4(FAR_MM);
  const toX = v128.bitselect(far, f32x4.max(f32x4.div(f32x4.sub(planeX, x), u), zero), f32x4.eq(u, zero));
  const toY = v128.bitselect(far, f32x4.max(f32x4.div(f32x4.sub(planeY, y), v), zero), f32x4.eq(v, zero));
  const toZ = v128.bitselect(far, f32x4.max(f32x4.div(f32x4.sub(planeZ, z), w), zero), f32x4.eq(w, zero));
  const nuclearOn = load<i32>(params + P_NUCLEAR) != 0;
  const freePaths = v128.load(lanes + L_MFP);
  const muStart = v128.load(lanes + L_NUCLEAR_MU);
  const nuclearLimitMm = nuclearOn ? f32x4.mul(f32x4.div(freePaths, f32x4.mul(muStart, density)), k4(10.0)) : k4(FAR_MM);
  const otherLimit = f32x4.min(energyLimitMm, k4(load<f32>(params + P_MAX_STEP_MM)));
  const physicsLimit = f32x4.min(otherLimit, nuclearLimitMm);
  // Secondaries' steps run on through like voxels (macroStep.ts), lane by lane in the scalar code.
  const secondaryLanes = v128.and(v128.not(i32x4.eq(v128.load(lanes + L_STREAM), ones)), alive);
  const anySecondary = v128.any_true(secondaryLanes);
  let toPlane = f32x4.min(toX, f32x4.min(toY, toZ));
  if (anySecondary) {
    toPlane = f32x4.replace_lane(toPlane, 0, laneRun(params, lanes, 0, i32x4.extract_lane(secondaryLanes, 0), f32x4.extract_lane(physicsLimit, 0), f32x4.extract_lane(toPlane, 0)));
    toPlane = f32x4.replace_lane(toPlane, 1, laneRun(params, lanes, 1, i32x4.extract_lane(secondaryLanes, 1), f32x4.extract_lane(physicsLimit, 1), f32x4.extract_lane(toPlane, 1)));
    toPlane = f32x4.replace_lane(toPlane, 2, laneRun(params, lanes, 2, i32x4.extract_lane(secondaryLanes, 2), f32x4.extract_lane(physicsLimit, 2), f32x4.extract_lane(toPlane, 2)));
    toPlane = f32x4.replace_lane(toPlane, 3, laneRun(params, lanes, 3, i32x4.extract_lane(secondaryLanes, 3), f32x4.extract_lane(physicsLimit, 3), f32x4.extract_lane(toPlane, 3)));
  }
  const crossing = f32x4.le(toPlane, physicsLimit);
  const s = f32x4.min(physicsLimit, toPlane);
  const massStep = f32x4.mul(f32x4.mul(density, s), k4(0.1));

  const meanRange = f32x4.max(f32x4.sub(range, massStep), k4(MIN_RANGE_G_PER_CM2));
  const meanPosition = position4(logf4(meanRange), logRangeMin, invLogRangeStep, lastPosition);
  const column = n << 2;
  const meanRow = rowAddresses(tablePtr, meanPosition);
  const m0 = <usize>i32x4.extract_lane(meanRow, 0), m1 = <usize>i32x4.extract_lane(meanRow, 1);
  const m2 = <usize>i32x4.extract_lane(meanRow, 2), m3 = <usize>i32x4.extract_lane(meanRow, 3);
  const meanFraction = fraction4(meanPosition);
  const meanEnergy = column4(m0, m1, m2, m3, T_ENERGY_AT_RANGE * column, meanFraction);
  const meanStopping = column4(m0, m1, m2, m3, T_STOPPING_AT_RANGE * column, meanFraction);
  // For LET (stepScalar.ts, letTally.ts).
  if (load<i32>(params + P_SCORE_LET) != 0) {
    const startPosition = v128.load(lanes + L_RANGE_POSITION);
    const startRow = rowAddresses(tablePtr, startPosition);
    const s0 = <usize>i32x4.extract_lane(startRow, 0), s1 = <usize>i32x4.extract_lane(startRow, 1);
    const s2 = <usize>i32x4.extract_lane(startRow, 2), s3 = <usize>i32x4.extract_lane(startRow, 3);
    const startFraction = fraction4(startPosition);
    const startStopping = column4(s0, s1, s2, s3, T_STOPPING_AT_RANGE * column, startFraction);
    const startWater = column4(s0, s1, s2, s3, T_WATER_STOPPING_AT_RANGE * column, startFraction);
    const meanWater = column4(m0, m1, m2, m3, T_WATER_STOPPING_AT_RANGE * column, meanFraction);
    v128.store(lanes + L_LET_MEDIUM, f32x4.mul(f32x4.mul(f32x4.add(startStopping, meanStopping), k4(0.05)), density));
    v128.store(lanes + L_LET_WATER, f32x4.mul(f32x4.add(startWater, meanWater), k4(0.05)));
    v128.store(lanes + L_STEP_LENGTH, s);
  }

  // 2. Bohr straggling; two-point distribution on thin steps, its mean rho s
  //    and its probability to 2^-32 (stepScalar.ts, header: low densities).
  const midEnergy = f32x4.mul(f32x4.add(energy, meanEnergy), half);
  const gamma = f32x4.add(one, f32x4.div(midEnergy, nucleonMass));
  const gamma2 = f32x4.mul(gamma, gamma);
  const beta2 = f32x4.sub(one, f32x4.div(one, gamma2));
  const relativistic = f32x4.mul(gamma2, f32x4.sub(one, f32x4.mul(beta2, half)));
  const variance = f32x4.mul(f32x4.mul(f32x4.mul(f32x4.mul(k4(BOHR_K_ME_C2), charge2), v128.load(lanes + L_Z_OVER_A)), massStep), relativistic);
  const sigmaRange = f32x4.div(f32x4.sqrt(variance), meanStopping);
  const meanRangeLoss = f32x4.min(massStep, range);
  const secondMoment = f32x4.add(f32x4.mul(sigmaRange, sigmaRange), f32x4.mul(meanRangeLoss, meanRangeLoss));
  const lumpRangeLoss = f32x4.div(secondMoment, f32x4.max(meanRangeLoss, k4(MIN_RANGE_G_PER_CM2)));
  const lumpProbability = f32x4.div(f32x4.mul(meanRangeLoss, meanRangeLoss), f32x4.max(secondMoment, k4(MIN_RANGE_G_PER_CM2)));
  const gaussian = f32x4.gt(meanRangeLoss, f32x4.mul(sigmaRange, k4(3.0)));
  let newRange = v128.bitselect(
    f32x4.add(meanRange, f32x4.mul(sigmaRange, normalFromUniform4(uStraggling))),
    v128.bitselect(f32x4.sub(range, lumpRangeLoss), range, i32x4.lt_u(stragglingWord, wordThreshold4(lumpProbability))),
    gaussian);
  newRange = f32x4.max(f32x4.min(newRange, range), k4(MIN_RANGE_G_PER_CM2));
  const newPosition = position4(logf4(newRange), logRangeMin, invLogRangeStep, lastPosition);
  v128.store(lanes + L_RANGE, newRange);
  v128.store(lanes + L_RANGE_POSITION, newPosition);
  const newRow = rowAddresses(tablePtr, newPosition);
  const n0 = <usize>i32x4.extract_lane(newRow, 0), n1 = <usize>i32x4.extract_lane(newRow, 1);
  const n2 = <usize>i32x4.extract_lane(newRow, 2), n3 = <usize>i32x4.extract_lane(newRow, 3);
  const newFraction = fraction4(newPosition);
  v128.store(lanes + L_ENERGY, f32x4.add(column4(n0, n1, n2, n3, T_ENERGY_AT_RANGE * column, newFraction), v128.load(lanes + L_ENERGY_OFFSET)));
  v128.store(lanes + L_RANGE_LOW, column4(n0, n1, n2, n3, T_RANGE_LOW_AT_RANGE * column, newFraction));

  // 5. Nuclear free paths used, and whether the event is due at the step's end (stepScalar.ts, 5.).
  let nuclearEvent = i32x4.splat(0);
  if (nuclearOn) {
    const muEnd = column4(m0, m1, m2, m3, T_NUCLEAR_AT_RANGE * column, meanFraction);
    const used = f32x4.mul(f32x4.mul(f32x4.add(muStart, muEnd), half), massStep);
    nuclearEvent = v128.or(v128.andnot(f32x4.le(nuclearLimitMm, otherLimit), crossing), f32x4.ge(used, freePaths));
    v128.store(lanes + L_MFP, v128.bitselect(freePaths, f32x4.sub(freePaths, used), nuclearEvent));
    v128.store(lanes + L_NUCLEAR_MU, column4(n0, n1, n2, n3, T_NUCLEAR_AT_RANGE * column, newFraction));
  }

  // 3. Multiple scattering, cumulative Highland.
  const pv = f32x4.div(f32x4.mul(f32x4.mul(massNumber, midEnergy), f32x4.add(midEnergy, f32x4.mul(two, nucleonMass))), f32x4.add(midEnergy, nucleonMass));
  const radiationLengths = f32x4.div(massStep, v128.load(lanes + L_RADIATION_LENGTH));
  const totalRadiationLengths = f32x4.add(v128.load(lanes + L_RAD_LENGTHS), radiationLengths);
  const scatterIntegral = f32x4.add(v128.load(lanes + L_SCATTER_INTEGRAL), f32x4.div(radiationLengths, f32x4.mul(pv, pv)));
  v128.store(lanes + L_RAD_LENGTHS, totalRadiationLengths);
  v128.store(lanes + L_SCATTER_INTEGRAL, scatterIntegral);
  const logTerm = f32x4.max(f32x4.add(one, f32x4.mul(logf4(totalRadiationLengths), k4(INV_NINE_LN10))), zero);
  const theta2Before = v128.load(lanes + L_THETA2);
  const theta2After = f32x4.mul(f32x4.mul(f32x4.mul(k4(HIGHLAND_E_MEV_SQUARED), charge2), scatterIntegral), f32x4.mul(logTerm, logTerm));
  const deltaTheta2 = f32x4.max(f32x4.sub(theta2After, theta2Before), zero);
  v128.store(lanes + L_THETA2, f32x4.max(theta2After, theta2Before));
  const theta = f32x4.min(f32x4.mul(f32x4.sqrt(deltaTheta2), f32x4.sqrt(f32x4.mul(k4(-2.0), logf4(uTheta)))), k4(PI_F32));
  const sinHalfTheta = sinHalfPi4(f32x4.mul(theta, half));
  const cosHalfTheta = f32x4.sqrt(f32x4.max(f32x4.sub(one, f32x4.mul(sinHalfTheta, sinHalfTheta)), zero));
  const sinTheta = f32x4.mul(f32x4.mul(two, sinHalfTheta), cosHalfTheta);
  const cosTheta = f32x4.sub(one, f32x4.mul(f32x4.mul(two, sinHalfTheta), sinHalfTheta));
  const sinHalfPhi = sinHalfPi4(f32x4.mul(f32x4.sub(uPhi, half), k4(PI_F32)));
  const cosHalfPhi = f32x4.sqrt(f32x4.max(f32x4.sub(one, f32x4.mul(sinHalfPhi, sinHalfPhi)), zero));
  const sinPhi = f32x4.mul(f32x4.mul(two, sinHalfPhi), cosHalfPhi);
  const cosPhi = f32x4.sub(one, f32x4.mul(f32x4.mul(two, sinHalfPhi), sinHalfPhi));
  const sinW2 = f32x4.sub(one, f32x4.mul(w, w));
  const sinW = f32x4.sqrt(f32x4.max(sinW2, k4(1e-30)));
  const general = f32x4.gt(sinW2, k4(1e-10));
  let u2 = v128.bitselect(
    f32x4.add(f32x4.mul(u, cosTheta), f32x4.mul(sinTheta, f32x4.div(f32x4.sub(f32x4.mul(f32x4.mul(u, w), cosPhi), f32x4.mul(v, sinPhi)), sinW))),
    f32x4.mul(sinTheta, cosPhi), general);
  let v2 = v128.bitselect(
    f32x4.add(f32x4.mul(v, cosTheta), f32x4.mul(sinTheta, f32x4.div(f32x4.add(f32x4.mul(f32x4.mul(v, w), cosPhi), f32x4.mul(u, sinPhi)), sinW))),
    f32x4.mul(sinTheta, sinPhi), general);
  let w2 = v128.bitselect(
    f32x4.sub(f32x4.mul(w, cosTheta), f32x4.mul(sinTheta, f32x4.mul(sinW, cosPhi))),
    f32x4.mul(w, cosTheta), general);
  const norm = f32x4.div(one, f32x4.sqrt(f32x4.add(f32x4.add(f32x4.mul(u2, u2), f32x4.mul(v2, v2)), f32x4.mul(w2, w2))));
  u2 = f32x4.mul(u2, norm); v2 = f32x4.mul(v2, norm); w2 = f32x4.mul(w2, norm);
  v128.store(lanes + L_U, u2);
  v128.store(lanes + L_V, v2);
  v128.store(lanes + L_W, w2);

  // 4. Move, cross, hinge.
  x = f32x4.add(x, f32x4.mul(s, u));
  y = f32x4.add(y, f32x4.mul(s, v));
  z = f32x4.add(z, f32x4.mul(s, w));
  const crossX = v128.and(crossing, f32x4.eq(toX, toPlane));
  const crossY = v128.andnot(v128.and(crossing, f32x4.eq(toY, toPlane)), crossX);
  const crossZ = v128.andnot(v128.andnot(crossing, crossX), crossY);
  x = v128.bitselect(planeX, x, crossX);
  y = v128.bitselect(planeY, y, crossY);
  z = v128.bitselect(planeZ, z, crossZ);
  const hinge = f32x4.mul(f32x4.sub(one, uHinge), s);
  // The hinge displacement (stepScalar.ts, step 4): x and y in the phantom's geometry; in the
  // room's, every axis but the crossed one.
  const anyDirection = load<i32>(params + P_SOURCE_MODE) != 0;
  let displacedX = f32x4.add(x, f32x4.mul(hinge, f32x4.sub(u2, u)));
  let displacedY = f32x4.add(y, f32x4.mul(hinge, f32x4.sub(v2, v)));
  if (anyDirection) {
    displacedX = v128.bitselect(planeX, displacedX, crossX);
    displacedY = v128.bitselect(planeY, displacedY, crossY);
  }
  const ixFloor = i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.div(f32x4.sub(displacedX, originX), voxelX)));
  const iyFloor = i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.div(f32x4.sub(displacedY, originY), voxelY)));
  // +1 where the direction component is positive, -1 otherwise (the masks are -1 where true).
  const ixCrossed = i32x4.add(ix, v128.bitselect(ones, i32x4.splat(-1), uPositive));
  const iyCrossed = i32x4.add(iy, v128.bitselect(ones, i32x4.splat(-1), vPositive));
  ix = v128.bitselect(ixCrossed, v128.bitselect(ixFloor, ix, f32x4.ne(displacedX, xStart)), v128.and(crossX, f32x4.eq(displacedX, planeX)));
  iy = v128.bitselect(iyCrossed, v128.bitselect(iyFloor, iy, f32x4.ne(displacedY, yStart)), v128.and(crossY, f32x4.eq(displacedY, planeY)));
  const izCrossed = i32x4.add(iz, v128.bitselect(ones, i32x4.splat(-1), wPositive));
  if (anyDirection) {
    const displacedZ = v128.bitselect(z, f32x4.add(z, f32x4.mul(hinge, f32x4.sub(w2, w))), crossZ);
    const izFloor = i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.div(displacedZ, voxelZ)));
    iz = v128.bitselect(izCrossed, v128.bitselect(izFloor, iz, f32x4.ne(displacedZ, zStart)), crossZ);
    z = displacedZ;
  } else {
    iz = v128.bitselect(izCrossed, iz, crossZ);
  }
  v128.store(lanes + L_X, displacedX);
  v128.store(lanes + L_Y, displacedY);
  v128.store(lanes + L_Z, z);
  v128.store(lanes + L_IX, ix);
  v128.store(lanes + L_IY, iy);
  v128.store(lanes + L_IZ, iz);
  v128.store(lanes + L_CROSSED_PLANE, v128.and(crossZ, wPositive));

  const stopped = f32x4.le(newRange, v128.load(lanes + L_CUTOFF_RANGE));
  const outside = v128.or(
    v128.or(i32x4.lt_s(ix, i32x4.splat(0)), v128.or(i32x4.lt_s(iy, i32x4.splat(0)), i32x4.lt_s(iz, i32x4.splat(0)))),
    v128.or(i32x4.ge_s(ix, i32x4.splat(nx)), v128.or(i32x4.ge_s(iy, i32x4.splat(ny)), i32x4.ge_s(iz, i32x4.splat(nz)))));
  // 1 stopped, 2 escaped, 3 nuclear event, 0 alive (in that precedence).
  const notStopped = v128.bitselect(i32x4.splat(2), v128.and(nuclearEvent, i32x4.splat(3)), outside);
  v128.store(lanes + L_OUTCOME, v128.bitselect(ones, notStopped, stopped));
  if (anySecondary) {
    // Secondaries' moves, as in stepScalar.ts (same scalar code, same inputs).
    const hingeAll = f32x4.mul(f32x4.sub(one, uHinge), s);
    const outcome = v128.bitselect(ones, v128.and(nuclearEvent, i32x4.splat(3)), stopped);
    laneMove(params, lanes, 0, i32x4.extract_lane(secondaryLanes, 0), i32x4.extract_lane(ixStart, 0), i32x4.extract_lane(iyStart, 0), i32x4.extract_lane(izStart, 0),
      f32x4.extract_lane(xStart, 0), f32x4.extract_lane(yStart, 0), f32x4.extract_lane(zStart, 0), f32x4.extract_lane(u, 0), f32x4.extract_lane(v, 0), f32x4.extract_lane(w, 0),
      f32x4.extract_lane(s, 0), i32x4.extract_lane(crossing, 0), f32x4.extract_lane(hingeAll, 0), f32x4.extract_lane(u2, 0), f32x4.extract_lane(v2, 0), i32x4.extract_lane(outcome, 0));
    laneMove(params, lanes, 1, i32x4.extract_lane(secondaryLanes, 1), i32x4.extract_lane(ixStart, 1), i32x4.extract_lane(iyStart, 1), i32x4.extract_lane(izStart, 1),
      f32x4.extract_lane(xStart, 1), f32x4.extract_lane(yStart, 1), f32x4.extract_lane(zStart, 1), f32x4.extract_lane(u, 1), f32x4.extract_lane(v, 1), f32x4.extract_lane(w, 1),
      f32x4.extract_lane(s, 1), i32x4.extract_lane(crossing, 1), f32x4.extract_lane(hingeAll, 1), f32x4.extract_lane(u2, 1), f32x4.extract_lane(v2, 1), i32x4.extract_lane(outcome, 1));
    laneMove(params, lanes, 2, i32x4.extract_lane(secondaryLanes, 2), i32x4.extract_lane(ixStart, 2), i32x4.extract_lane(iyStart, 2), i32x4.extract_lane(izStart, 2),
      f32x4.extract_lane(xStart, 2), f32x4.extract_lane(yStart, 2), f32x4.extract_lane(zStart, 2), f32x4.extract_lane(u, 2), f32x4.extract_lane(v, 2), f32x4.extract_lane(w, 2),
      f32x4.extract_lane(s, 2), i32x4.extract_lane(crossing, 2), f32x4.extract_lane(hingeAll, 2), f32x4.extract_lane(u2, 2), f32x4.extract_lane(v2, 2), i32x4.extract_lane(outcome, 2));
    laneMove(params, lanes, 3, i32x4.extract_lane(secondaryLanes, 3), i32x4.extract_lane(ixStart, 3), i32x4.extract_lane(iyStart, 3), i32x4.extract_lane(izStart, 3),
      f32x4.extract_lane(xStart, 3), f32x4.extract_lane(yStart, 3), f32x4.extract_lane(zStart, 3), f32x4.extract_lane(u, 3), f32x4.extract_lane(v, 3), f32x4.extract_lane(w, 3),
      f32x4.extract_lane(s, 3), i32x4.extract_lane(crossing, 3), f32x4.extract_lane(hingeAll, 3), f32x4.extract_lane(u2, 3), f32x4.extract_lane(v2, 3), i32x4.extract_lane(outcome, 3));
  }
}

/** Lane `lane`'s run through like voxels (macroStep.ts) if it is a secondary, else the first plane's distance. */
@inline function laneRun(params: usize, lanes: usize, lane: i32, secondary: i32, limit: f32, firstPlane: f32): f32 {
  if (secondary == 0) return firstPlane;
  const at = lanes + (<usize>lane << 2);
  return likeRunMm(params, lanes + L_SCRATCH + (<usize>lane << 4), load<i32>(at + L_IX), load<i32>(at + L_IY), load<i32>(at + L_IZ),
    load<f32>(at + L_X), load<f32>(at + L_Y), load<f32>(at + L_Z), load<f32>(at + L_U), load<f32>(at + L_V), load<f32>(at + L_W), limit);
}

/**
 * Lane `lane`'s move through like voxels if it is a secondary (macroStep.ts), and its outcome
 * from its indices there (`outcome`: 1 stopped, 3 nuclear event, 0 otherwise, before escapes).
 */
@inline function laneMove(
  params: usize, lanes: usize, lane: i32, secondary: i32, ix: i32, iy: i32, iz: i32, x: f32, y: f32, z: f32,
  u: f32, v: f32, w: f32, s: f32, crossing: i32, hinge: f32, u2: f32, v2: f32, outcome: i32,
): void {
  if (secondary == 0) return;
  const at = lanes + (<usize>lane << 2);
  moveThroughRun(params, at, lanes + L_SCRATCH + (<usize>lane << 4), ix, iy, iz, x, y, z, u, v, w, s, crossing != 0, hinge, u2, v2);
  const jx = load<i32>(at + L_IX);
  const jy = load<i32>(at + L_IY);
  const jz = load<i32>(at + L_IZ);
  const outside = jx < 0 || jy < 0 || jz < 0 || jx >= load<i32>(params + P_NX) || jy >= load<i32>(params + P_NY) || jz >= load<i32>(params + P_NZ);
  store<i32>(at + L_OUTCOME, outcome == 1 ? 1 : outside ? 2 : outcome);
}
