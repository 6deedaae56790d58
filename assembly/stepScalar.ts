// One condensed-history step of one lane, in scalar f32: the reference
// implementation. stepSimd.ts performs the same operations on four lanes.
//
// The lane's state is its residual CSDA range R (g/cm^2) in its current
// material; its energy comes from the tables, so the energy after a step is
// E(R') + delta (never S*s), where R' is R less the sampled range loss, and
// deposits telescope exactly.
//  1. Step length: min of the energy-loss limit (R - R((1-f)E)), the maximum
//     step and the distance to the next voxel plane (DDA); for secondaries, to
//     the next plane beyond which material or density change (macroStep.ts).
//  2. Straggling: Bohr variance with its relativistic factor, applied to R.
//  3. Scattering: Highland's formula in its cumulative (thick-target) form
//     (Gottschalk et al., NIM B74 (1993) 467): theta0^2 after a path is
//     (14.1 z)^2 [1 + log10(L/L_R)/9]^2 integral(dL/(pv^2 L_R)); each step adds
//     the increase of theta0^2, so the total does not depend on the step size.
//  4. Random-hinge transport: the deflection happens at a uniformly sampled
//     point of the step, which gives the correct mean square lateral
//     displacement (s^2 theta^2/3) and angle-displacement correlation. In the
//     phantom's own geometry (beams along +z) primaries are displaced in x and
//     y only; in the room's (P_SOURCE_MODE 1) in z too.
//  5. Nuclear events (protons, P_NUCLEAR; products in nuclear.ts). The lane
//     carries the number of mean free paths left to its next event, -ln u,
//     and mu/rho (cm^2/g) at its current range (T_NUCLEAR_AT_RANGE). The step
//     is also limited by the distance those free paths make at the step's
//     start, mfp / (mu_start rho). A step uses up the trapezoid
//     (mu_start + mu_end)/2 rho s, mu_end read at the step's mean end range:
//     the integral of mu along the step to second order in its length, like
//     taking the cross section at the step's mean energy. The event happens
//     at the end of the step that the nuclear limit ended, or of any step that
//     used up the free paths. Only the last step before an event uses
//     mu_start instead of the trapezoid, which moves the event within that
//     step by half the relative change of mu over it: with steps losing at
//     most 20 % of the energy and |dln mu/dln E| < 0.4 in water above 20 MeV,
//     under 4 % of that one step; the number and energies of events are
//     unbiased to that order (tested: the nonelastic fractions of
//     test/monteCarlo/nuclear.test.ts). With P_NUCLEAR = 0 none of this runs
//     and the limit is FAR_MM, so the dose is bitwise that of the kernel
//     before nuclear events (tested by hash).
//
// Low densities (air, lung, vacuum-like gaps down to 1e-6 g/cm^3). R is f32,
// and its ulp is about 1e-6 g/cm^2 at R = 16 g/cm^2 (150 MeV protons), while
// a 1 mm step at 1e-4 g/cm^3 has rho s = 1e-5 g/cm^2 and one at 1e-6 g/cm^3
// 1e-7 g/cm^2. Three things keep the energy loss exact there, in f32 state:
//  a. The mean range loss m of a step is rho s itself. It used to be the
//     difference R - fl(R - rho s), which is rho s rounded to whole ulps of R:
//     zero below half an ulp (no loss at all at 3e-6 g/cm^3 and below), and
//     10 ulps for 10.5 (5 % short) at 1e-4 g/cm^3 in 1 mm steps.
//  b. Such steps are in the two-point branch of the straggling (step 2),
//     whose loss is 0 or the lump (sigma^2 + m^2)/m. In range units,
//     sigma^2/m = K m_e c^2 z^2 (Z/A) gamma^2 (1 - beta^2/2) / S^2 (the Bohr
//     variance of step 2 over m = rho s) does not depend on the step, and is
//     at least 77 ulps of R for every ion, built-in material and energy from
//     0.5 to 1000 MeV/u (smallest: oxygen near 860 MeV/u; computed from
//     src/physics), and at least 1.9e-4 MeV in energy (3200 tally units of
//     2^-24 MeV; smallest: protons at 0.5 MeV/u). The Gaussian branch needs
//     m > 3 sigma, i.e. m > 9 sigma^2/m, hundreds of ulps of R; the lump is
//     larger than sigma^2/m. So R - lump and E(R - lump) are resolved in f32,
//     and the fixed-point tally resolves every deposit. What needs more
//     resolution than the uniform deviates give is the lump's
//     probability p = m^2/(sigma^2 + m^2), about rho s / (0.004 g/cm^2) for
//     150 MeV protons, 2.6e-5 per mm at 1e-6 g/cm^3 and lower on shorter
//     steps: it is compared with the step's whole 32-bit random word
//     (wordThreshold, resolution 2^-32), not with the 23-bit uniform, which
//     would bias p by up to 2^-24/p (0.2 % at p = 2.6e-5; all of it below
//     p = 6e-8).
//  c. The range is derived from an energy (history start, new material)
//     through the R(E) table, and E(R(E)) differs from E by the tables'
//     interpolation error (up to 8e-6 E; 4e-6 E = 6e-4 MeV at 150 MeV, ten
//     times the whole loss in 10 cm at 1e-6 g/cm^3, and formerly taken off
//     the first lump, 3 % of the loss at low density). The lane keeps that
//     residue, delta = E - E(R(E)) (exact in f32 by Sterbenz's lemma: P. H.
//     Sterbenz, Floating-Point Computation, Prentice-Hall 1974), and its
//     energy after a step is E(R') + delta, so a step without loss deposits
//     exactly nothing and no residue is ever scored as a deposit.
// Why not a wider state (double-f32 range, or the stopping-power form
// dE = S rho s on an f64-like energy): with straggling on, a thin step's loss
// is never its mean, so the sampled loss is what must be resolved, and (b)
// shows f32 already does; a wider state would cost every step of every
// kernel, and WGSL has no f64. Tested: 10 cm of water at 1e-6 to 1 g/cm^3
// deposits the integral of S rho dl within statistics
// (test/monteCarlo/lowDensity.test.ts; on WebGPU in test/gpu/transport.test.ts).
import {
  P_NX, P_NY, P_NZ, P_VOXEL_X_MM, P_VOXEL_Y_MM, P_VOXEL_Z_MM, P_ORIGIN_X_MM, P_ORIGIN_Y_MM,
  P_DENSITY_PTR, P_TABLE_LENGTH, L_MASS_NUMBER, L_CHARGE_NUMBER, L_MASS_PER_NUCLEON_MEV,
  P_MAX_STEP_MM, P_SEED_LO, P_SEED_HI, P_NUCLEAR,
  T_ENERGY_AT_RANGE, T_STOPPING_AT_RANGE, T_RANGE_LOW_AT_RANGE, T_NUCLEAR_AT_RANGE,
  W_LANES_PTR,
  L_X, L_Y, L_Z, L_U, L_V, L_W, L_RANGE, L_ENERGY, L_RANGE_LOW, L_RAD_LENGTHS,
  L_SCATTER_INTEGRAL, L_THETA2, L_IX, L_IY, L_IZ, L_STEP, L_HISTORY_LO, L_HISTORY_HI,
  L_LOG_RANGE_MIN, L_INV_LOG_RANGE_STEP, L_Z_OVER_A, L_RADIATION_LENGTH, L_CUTOFF_RANGE,
  L_TABLE_PTR, L_VOXEL, L_VOXEL_Z, L_OUTCOME, L_CROSSED_PLANE, L_SCRATCH, L_ENERGY_OFFSET,
  L_MFP, L_NUCLEAR_MU, L_STREAM, L_LET_MEDIUM, L_LET_WATER, L_STEP_LENGTH, L_RANGE_POSITION,
  P_SCORE_LET, T_WATER_STOPPING_AT_RANGE, P_SOURCE_MODE,
} from './layout';
import { philox4x32 } from './philox';
import { logf, sinHalfPi, normalFromUniform, uniformFromBits, wordThreshold } from './fastmath';
import { BOHR_K_ME_C2, HIGHLAND_E_MEV_SQUARED, INV_NINE_LN10, PI_F32, FAR_MM, MIN_RANGE_G_PER_CM2 } from './physicsConstants';
import { likeRunMm, moveThroughRun } from './macroStep';
import { tablePosition, interpolate, lastTablePosition } from './tables';

export function stepScalar(params: usize, worker: usize, lane: i32): void {
  const lanes = <usize>load<u32>(worker + W_LANES_PTR) + (<usize>lane << 2);
  const nx = load<i32>(params + P_NX);
  const ny = load<i32>(params + P_NY);
  const nz = load<i32>(params + P_NZ);
  const voxelX = load<f32>(params + P_VOXEL_X_MM);
  const voxelY = load<f32>(params + P_VOXEL_Y_MM);
  const voxelZ = load<f32>(params + P_VOXEL_Z_MM);
  const originX = load<f32>(params + P_ORIGIN_X_MM);
  const originY = load<f32>(params + P_ORIGIN_Y_MM);
  const n = load<i32>(params + P_TABLE_LENGTH);
  const lastPosition = lastTablePosition(n);

  const xStart = load<f32>(lanes + L_X);
  const yStart = load<f32>(lanes + L_Y);
  let x = xStart;
  let y = yStart;
  const zStart = load<f32>(lanes + L_Z);
  let z = zStart;
  const u = load<f32>(lanes + L_U);
  const v = load<f32>(lanes + L_V);
  const w = load<f32>(lanes + L_W);
  const range = load<f32>(lanes + L_RANGE);
  const energy = load<f32>(lanes + L_ENERGY);
  const rangeLow = load<f32>(lanes + L_RANGE_LOW);
  let ix = load<i32>(lanes + L_IX);
  let iy = load<i32>(lanes + L_IY);
  let iz = load<i32>(lanes + L_IZ);
  const tablePtr = <usize>load<u32>(lanes + L_TABLE_PTR);
  const logRangeMin = load<f32>(lanes + L_LOG_RANGE_MIN);
  const invLogRangeStep = load<f32>(lanes + L_INV_LOG_RANGE_STEP);
  // The lane's species (laneState.ts: loadMaterial).
  const massNumber = load<f32>(lanes + L_MASS_NUMBER);
  const charge = load<f32>(lanes + L_CHARGE_NUMBER);
  const nucleonMass = load<f32>(lanes + L_MASS_PER_NUCLEON_MEV);

  const voxel = (ix * ny + iy) * nz + iz; // z fastest (laneState.ts: voxelIndex)
  store<i32>(lanes + L_VOXEL, voxel);
  store<i32>(lanes + L_VOXEL_Z, iz);
  const density = load<f32>(<usize>load<u32>(params + P_DENSITY_PTR) + (<usize>voxel << 2));

  // Four random words for this step: counter (step, 1 + 2p, history) for particle p (nuclear.ts).
  const step = load<i32>(lanes + L_STEP);
  store<i32>(lanes + L_STEP, step + 1);
  const words = <usize>load<u32>(worker + W_LANES_PTR) + L_SCRATCH + (<usize>lane << 4);
  philox4x32(<u32>step, load<u32>(lanes + L_STREAM), load<u32>(lanes + L_HISTORY_LO), load<u32>(lanes + L_HISTORY_HI),
    load<u32>(params + P_SEED_LO), load<u32>(params + P_SEED_HI), words);
  const uTheta = uniformFromBits(load<u32>(words));
  const uPhi = uniformFromBits(load<u32>(words, 4));
  const uHinge = uniformFromBits(load<u32>(words, 8));
  const stragglingWord = load<u32>(words, 12);
  const uStraggling = uniformFromBits(stragglingWord);

  // 1. Step length (mm).
  const energyLimitMm = ((range - rangeLow) / density) * <f32>10.0;
  const planeX = originX + <f32>(ix + (u > 0 ? 1 : 0)) * voxelX;
  const planeY = originY + <f32>(iy + (v > 0 ? 1 : 0)) * voxelY;
  const planeZ = <f32>(iz + (w > 0 ? 1 : 0)) * voxelZ;
  const toX = u == 0 ? FAR_MM : max<f32>((planeX - x) / u, 0);
  const toY = v == 0 ? FAR_MM : max<f32>((planeY - y) / v, 0);
  const toZ = w == 0 ? FAR_MM : max<f32>((planeZ - z) / w, 0);
  const nuclearOn = load<i32>(params + P_NUCLEAR) != 0;
  const freePaths = load<f32>(lanes + L_MFP);
  const muStart = load<f32>(lanes + L_NUCLEAR_MU);
  // (5.) mfp / (mu rho) in mm; +inf where mu = 0 (mfp > 0 always).
  const nuclearLimitMm = nuclearOn ? (freePaths / (muStart * density)) * <f32>10.0 : FAR_MM;
  const otherLimit = min<f32>(energyLimitMm, load<f32>(params + P_MAX_STEP_MM));
  const physicsLimit = min<f32>(otherLimit, nuclearLimitMm);
  // A secondary's step runs on through like voxels (macroStep.ts); a primary's ends at the next plane.
  const secondary = load<i32>(lanes + L_STREAM) != 1;
  const toPlane = secondary ? likeRunMm(params, words, ix, iy, iz, x, y, z, u, v, w, physicsLimit) : min<f32>(toX, min<f32>(toY, toZ));
  const crossing = toPlane <= physicsLimit;
  const s = min<f32>(physicsLimit, toPlane);
  const massStep = (density * s) * <f32>0.1;

  // Mean energy loss from the range table.
  const meanRange = max<f32>(range - massStep, MIN_RANGE_G_PER_CM2);
  const meanPosition = tablePosition(logf(meanRange), logRangeMin, invLogRangeStep, lastPosition);
  const meanEnergy = interpolate(tablePtr, n, T_ENERGY_AT_RANGE, meanPosition);
  const meanStopping = interpolate(tablePtr, n, T_STOPPING_AT_RANGE, meanPosition);
  // For LET (letTally.ts): the mean of the stopping powers at the step's start
  // (the table position kept with the range) and at its mean end (meanPosition),
  // in the medium (keV/um: S rho / 10) and in water; and the step's length.
  if (load<i32>(params + P_SCORE_LET) != 0) {
    const startPosition = load<f32>(lanes + L_RANGE_POSITION);
    const startStopping = interpolate(tablePtr, n, T_STOPPING_AT_RANGE, startPosition);
    const startWater = interpolate(tablePtr, n, T_WATER_STOPPING_AT_RANGE, startPosition);
    const meanWater = interpolate(tablePtr, n, T_WATER_STOPPING_AT_RANGE, meanPosition);
    store<f32>(lanes + L_LET_MEDIUM, ((startStopping + meanStopping) * <f32>0.05) * density);
    store<f32>(lanes + L_LET_WATER, (startWater + meanWater) * <f32>0.05);
    store<f32>(lanes + L_STEP_LENGTH, s);
  }

  // 2. Bohr straggling (PDG; ICRU 49): sigma_E^2 = K m_e c^2 z^2 (Z/A) rho s (1 - beta^2/2)/(1 - beta^2),
  //    moved to range through dR = dE / S.
  const midEnergy = (energy + meanEnergy) * <f32>0.5;
  const gamma = <f32>1.0 + midEnergy / nucleonMass;
  const gamma2 = gamma * gamma;
  const beta2 = <f32>1.0 - <f32>1.0 / gamma2;
  const relativistic = gamma2 * (<f32>1.0 - beta2 * <f32>0.5);
  const variance = (((BOHR_K_ME_C2 * (charge * charge)) * load<f32>(lanes + L_Z_OVER_A)) * massStep) * relativistic;
  const sigmaRange = sqrt<f32>(variance) / meanStopping;
  // Where the mean loss exceeds 3 sigma the loss is Gaussian; on shorter steps
  // (e.g. a step cut short by a voxel plane, or any step at low density) a
  // Gaussian would often mean an energy gain, and clamping it would bias the
  // loss. There the loss is drawn from the two-point distribution {0, a} with
  // the same mean and variance, so means and variances still add up exactly
  // over steps. The mean is rho s itself (header, a), the probability of the
  // lump resolved to 2^-32 (header, b).
  const meanRangeLoss = min<f32>(massStep, range);
  const secondMoment = sigmaRange * sigmaRange + meanRangeLoss * meanRangeLoss;
  const lumpRangeLoss = secondMoment / max<f32>(meanRangeLoss, MIN_RANGE_G_PER_CM2);
  const lumpProbability = (meanRangeLoss * meanRangeLoss) / max<f32>(secondMoment, MIN_RANGE_G_PER_CM2);
  const gaussian = meanRangeLoss > sigmaRange * <f32>3.0;
  let newRange = gaussian
    ? meanRange + sigmaRange * normalFromUniform(uStraggling)
    : (stragglingWord < wordThreshold(lumpProbability) ? range - lumpRangeLoss : range);
  newRange = max<f32>(min<f32>(newRange, range), MIN_RANGE_G_PER_CM2);
  const newPosition = tablePosition(logf(newRange), logRangeMin, invLogRangeStep, lastPosition);
  store<f32>(lanes + L_RANGE, newRange);
  store<f32>(lanes + L_RANGE_POSITION, newPosition);
  // The table's energy plus the lane's round-trip residue (header, c).
  store<f32>(lanes + L_ENERGY, interpolate(tablePtr, n, T_ENERGY_AT_RANGE, newPosition) + load<f32>(lanes + L_ENERGY_OFFSET));
  store<f32>(lanes + L_RANGE_LOW, interpolate(tablePtr, n, T_RANGE_LOW_AT_RANGE, newPosition));

  // 5. Nuclear free paths used, and whether the event is due at the step's end.
  let nuclearEvent = false;
  if (nuclearOn) {
    const muEnd = interpolate(tablePtr, n, T_NUCLEAR_AT_RANGE, meanPosition);
    const used = ((muStart + muEnd) * <f32>0.5) * massStep;
    nuclearEvent = (!crossing && nuclearLimitMm <= otherLimit) || used >= freePaths;
    store<f32>(lanes + L_MFP, nuclearEvent ? freePaths : freePaths - used);
    store<f32>(lanes + L_NUCLEAR_MU, interpolate(tablePtr, n, T_NUCLEAR_AT_RANGE, newPosition));
  }

  // 3. Multiple scattering, cumulative Highland.
  const pv = ((massNumber * midEnergy) * (midEnergy + <f32>2.0 * nucleonMass)) / (midEnergy + nucleonMass);
  const radiationLengths = massStep / load<f32>(lanes + L_RADIATION_LENGTH);
  const totalRadiationLengths = load<f32>(lanes + L_RAD_LENGTHS) + radiationLengths;
  const scatterIntegral = load<f32>(lanes + L_SCATTER_INTEGRAL) + radiationLengths / (pv * pv);
  store<f32>(lanes + L_RAD_LENGTHS, totalRadiationLengths);
  store<f32>(lanes + L_SCATTER_INTEGRAL, scatterIntegral);
  const logTerm = max<f32>(<f32>1.0 + logf(totalRadiationLengths) * INV_NINE_LN10, 0);
  const theta2Before = load<f32>(lanes + L_THETA2);
  const theta2After = ((HIGHLAND_E_MEV_SQUARED * (charge * charge)) * scatterIntegral) * (logTerm * logTerm);
  const deltaTheta2 = max<f32>(theta2After - theta2Before, 0);
  store<f32>(lanes + L_THETA2, max<f32>(theta2After, theta2Before));
  // Polar angle: Rayleigh-distributed magnitude of a 2-D Gaussian with per-plane variance deltaTheta2.
  const theta = min<f32>(sqrt<f32>(deltaTheta2) * sqrt<f32>(<f32>-2.0 * logf(uTheta)), PI_F32);
  const sinHalfTheta = sinHalfPi(theta * <f32>0.5);
  const cosHalfTheta = sqrt<f32>(max<f32>(<f32>1.0 - sinHalfTheta * sinHalfTheta, 0));
  const sinTheta = <f32>2.0 * sinHalfTheta * cosHalfTheta;
  const cosTheta = <f32>1.0 - <f32>2.0 * sinHalfTheta * sinHalfTheta;
  const sinHalfPhi = sinHalfPi((uPhi - <f32>0.5) * PI_F32);
  const cosHalfPhi = sqrt<f32>(max<f32>(<f32>1.0 - sinHalfPhi * sinHalfPhi, 0));
  const sinPhi = <f32>2.0 * sinHalfPhi * cosHalfPhi;
  const cosPhi = <f32>1.0 - <f32>2.0 * sinHalfPhi * sinHalfPhi;
  // Rotate (u, v, w) by (theta, phi) about itself (e.g. Kawrakow & Rogers, EGSnrc manual, UPHI).
  const sinW2 = <f32>1.0 - w * w;
  const sinW = sqrt<f32>(max<f32>(sinW2, <f32>1e-30));
  const general = sinW2 > <f32>1e-10;
  let u2 = general ? u * cosTheta + sinTheta * ((u * w * cosPhi - v * sinPhi) / sinW) : sinTheta * cosPhi;
  let v2 = general ? v * cosTheta + sinTheta * ((v * w * cosPhi + u * sinPhi) / sinW) : sinTheta * sinPhi;
  let w2 = general ? w * cosTheta - sinTheta * (sinW * cosPhi) : w * cosTheta;
  const norm = <f32>1.0 / sqrt<f32>(u2 * u2 + v2 * v2 + w2 * w2);
  u2 = u2 * norm; v2 = v2 * norm; w2 = w2 * norm;
  store<f32>(lanes + L_U, u2);
  store<f32>(lanes + L_V, v2);
  store<f32>(lanes + L_W, w2);

  // 4. Move: straight along the old direction to the step end, crossing a plane
  //    exactly when the step was limited by one; then the hinge displacement.
  const stopped = newRange <= load<f32>(lanes + L_CUTOFF_RANGE);
  if (secondary) {
    moveThroughRun(params, lanes, words, ix, iy, iz, x, y, z, u, v, w, s, crossing, (<f32>1.0 - uHinge) * s, u2, v2);
    ix = load<i32>(lanes + L_IX);
    iy = load<i32>(lanes + L_IY);
    iz = load<i32>(lanes + L_IZ);
    const outside = ix < 0 || iy < 0 || iz < 0 || ix >= nx || iy >= ny || iz >= nz;
    store<i32>(lanes + L_OUTCOME, stopped ? 1 : outside ? 2 : nuclearEvent ? 3 : 0);
    return;
  }
  x = x + s * u;
  y = y + s * v;
  z = z + s * w;
  const crossX = crossing && toX == toPlane;
  const crossY = crossing && !crossX && toY == toPlane;
  const crossZ = crossing && !crossX && !crossY;
  x = crossX ? planeX : x;
  y = crossY ? planeY : y;
  z = crossZ ? planeZ : z;
  const hinge = (<f32>1.0 - uHinge) * s;
  // z is the depth axis of the phantom's own geometry: its primaries run along it, so the hinge
  // displaces x and y, and z only to second order, left out. The room's geometry (beams from any
  // side) displaces every axis but the one whose plane the step ended on: that one stays on it
  // (its displacement there is of second order for a particle crossing it head-on, and pulling it
  // back across would cost a step of zero length). The phantom's geometry keeps its bits.
  const anyDirection = load<i32>(params + P_SOURCE_MODE) != 0;
  const displacedX = anyDirection && crossX ? planeX : x + hinge * (u2 - u);
  const displacedY = anyDirection && crossY ? planeY : y + hinge * (v2 - v);
  const displacedZ = !anyDirection || crossZ ? z : z + hinge * (w2 - w);
  const ixFloor = <i32>floor<f32>((displacedX - originX) / voxelX);
  const iyFloor = <i32>floor<f32>((displacedY - originY) / voxelY);
  const ixCrossed = ix + (u > 0 ? 1 : -1);
  const iyCrossed = iy + (v > 0 ? 1 : -1);
  // Indices: the crossed axis steps by one when the particle sits on the plane;
  // otherwise an index follows the position, and only if the position moved
  // (f32 positions just beside a plane can floor to the other side; keeping
  // the index of an unmoved coordinate makes zero-length steps always progress).
  ix = crossX && displacedX == planeX ? ixCrossed : (displacedX != xStart ? ixFloor : ix);
  iy = crossY && displacedY == planeY ? iyCrossed : (displacedY != yStart ? iyFloor : iy);
  const izCrossed = iz + (w > 0 ? 1 : -1);
  const izFloor = <i32>floor<f32>(displacedZ / voxelZ);
  iz = crossZ ? izCrossed : (anyDirection && displacedZ != zStart ? izFloor : iz);
  store<f32>(lanes + L_X, displacedX);
  store<f32>(lanes + L_Y, displacedY);
  store<f32>(lanes + L_Z, displacedZ);
  store<i32>(lanes + L_IX, ix);
  store<i32>(lanes + L_IY, iy);
  store<i32>(lanes + L_IZ, iz);
  store<i32>(lanes + L_CROSSED_PLANE, crossZ && w > 0 ? -1 : 0);

  const escaped = ix < 0 || iy < 0 || iz < 0 || ix >= nx || iy >= ny || iz >= nz;
  store<i32>(lanes + L_OUTCOME, stopped ? 1 : escaped ? 2 : nuclearEvent ? 3 : 0);
}
