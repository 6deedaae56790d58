// Nuclear events of protons (issue 10, parts 2-4), in scalar f64 code shared by
// the scalar and SIMD drivers (so both give the same products bit for bit).
// The condensed-history step (stepScalar.ts, 5.) decides that an event happens
// at the end of a step; finishStep (lanes.ts) calls nuclearEvent there.
//
// Cross sections: ICRU Report 63 (2000) for the elements, MCsquare's p-p
// elastic fit for hydrogen (src/physics/nuclear/README.md), packed per material
// on the range grid as mu/rho and cumulative channel shares (materialTables.ts).
//
// Channel and target: a uniform deviate against the cumulative shares at the
// particle's residual range picks p-p elastic (target: hydrogen), nonelastic
// (on a heavier nucleus: hydrogen has none below the pion threshold), or
// elastic on a heavier nucleus, whose element is then chosen by its share of
// those elastic events at that energy (up to four target slots per material,
// materialTables.ts: elasticTargets). The nonelastic target is not drawn: the
// energy-dissipation model below does not depend on it.
//
// Products:
//  - p-p elastic: isotropic in the centre of mass (below the pion threshold the
//    nuclear p-p elastic cross section is nearly flat in cos theta_CM, apart
//    from the Coulomb-nuclear interference at small angles that multiple
//    scattering already covers; MCsquare, compute_nuclear_interaction.c, and
//    MOQUI, mqi_pp_elastic.hpp, sample it the same way), so the struck proton's kinetic energy is uniform in [0, T].
//    Lab angles of both protons from exact relativistic energy and momentum
//    conservation: cos theta_i = (p^2 + p_i^2 - p_j^2) / (2 p p_i), with
//    p^2 = T (T + 2 m). Both are transported (opposite azimuths).
//  - elastic on a heavier nucleus of mass M = A u: the recoil's kinetic energy
//    T_r is exponential with mean T_avg(E) = 0.65 exp(-0.0013 E)
//    - 0.71 exp(-0.0177 E) MeV for oxygen (Fippel & Soukup, Med. Phys. 31
//    (2004) 2263, as implemented in MOQUI, MGHPhysicsResearch/moquimc,
//    moqui/base/mqi_po_elastic.hpp), scaled by (16/A)^(5/3) for other nuclei
//    (diffraction: mean |t| ~ 1/R^2 ~ A^(-2/3), T_r = |t|/2M), truncated at the
//    kinematic maximum T_max = 2 M beta^2 gamma^2 / (1 + 2 gamma M/m_p + (M/m_p)^2)
//    (the maximum energy transfer of PDG, "Passage of particles through
//    matter", with the electron mass replaced by the target's M). An exponential in T_r is an exponential in |t|: the forward
//    diffraction peak. The recoil is deposited locally (its range is microns);
//    the proton's lab angle follows from T_r by the same momentum balance.
//  - nonelastic: the proton ends. Energy dissipation after Fippel & Soukup
//    (2004) with MOQUI's loop for water (mqi_po_inelastic.hpp): from the
//    remaining energy E_r = E, while E_r - E_b > E_min (E_b = 5 MeV binding,
//    E_min = 2 MeV): E_r -= E_b; dE = E_min + u^k (E_r - E_min); E_r -= dE;
//    E_b *= 0.65; k = 0.52 up to 150 MeV, 0.45 to 200, 0.40 above (MOQUI).
//    Each fragment dE becomes a secondary proton with probability P_p(E)
//    (cos theta uniform in [2 dE/E - 1, 1] about the proton's direction,
//    azimuth uniform); otherwise the share f_n/(1 - P_p) of it leaves as
//    neutral energy (neutrons, gammas, tritons and 3He that ICRU 63 does not
//    list) and the rest is deposited locally (alphas and heavy recoils: ranges
//    below a voxel). The binding energy taken off in each pass is counted
//    with the neutral energy (the reaction's Q value); what is left of E_r is
//    deposited locally.
//    P_p and f_n are fitted to ICRU Report 63's p + 16O nonelastic yields as
//    shipped by MCsquare (e0404/MCsquare, commit 211eefe,
//    Materials/oxygen/ICRU_Nuclear_inelastic.dat): per incident energy E,
//    the energy carried by protons and deuterons, sum M_s <E_s>, and the
//    neutral remainder E - sum_{p,d,alpha} M_s <E_s> - f_recoil E, with
//    <E_s> from the angle-integrated spectra read as bin contents over
//    (E_i-1, E_i] (under a point reading the 100 and 200 MeV proton spectra
//    would reach above the (p,p') kinematic limit E - 6.4 MeV). Divided by the
//    loop's expected fragment energy (its mean binding energy, counted
//    neutral, subtracted from the neutral part), least squares over the 19
//    tabulated energies 30-250 MeV: P_p(E) = 0.5288 + 0.0004192 E/MeV
//    (residuals <= 0.03), f_n = 0.3324 (0.29-0.35). Deuterons are
//    transported as protons of the same kinetic energy (most of their energy
//    is in deuterons of cm range; a deuteron's range is ~0.59 times that
//    proton's, Bragg-Kleeman R ~ T^1.77 M^-0.77): why, measured against
//    MCsquare (entrance/peak at 200 MeV 0.230 with them local, 0.221 so;
//    MCsquare 0.224). The neutral share is taken as its expected value, not
//    drawn per fragment, which cuts the variance of the local deposits
//    (entrance dose at 200 MeV: 2.0 % -> 1.4 % at 5e4 histories) and keeps
//    the mean. Expected shares of E per event at 100 / 200 MeV: protons
//    51 / 58 %, neutral 39 / 36 %, local 10 / 6 % (ICRU 63, deuterons with
//    the protons: 51 / 58 %, 40 / 37 %, 9 / 6 %). MOQUI's parameters (P_2nd 0.70-0.78,
//    neutral 0.83 (1 - P_2nd) to 200 MeV) gave 27 % neutral at 200 MeV,
//    3 MeV per primary too much energy deposited against MCsquare.
//    Not reproduced from the codes read: MCsquare's secondary-angle lookup that
//    mixes eV and MeV (this model has no angle table; emulated, it sends about
//    half of MCsquare's secondary protons within 5 degrees of the primary and
//    a quarter past the end of its angle table), MOQUI's weights.
//
// Energy is conserved exactly per event in the fixed-point units: every
// product's f32 energy is rounded down (so products never exceed the incident
// energy), the neutral energy's units are floored, and the local deposit is
// the remainder, E - products - neutral, in units (never negative).
//
// Random numbers: particle p of a history (0: the primary, k: its k-th
// secondary) draws its steps from Philox counter (step, 1 + 2p, history) and
// its nuclear numbers from (c0, 2 + 2p, history): c0 = 0 for its first mean
// free paths, c0 = 256 s + b for block b of the event at the end of its step s
// (b = 0: channel, next free paths and angles; b >= 1: the nonelastic passes).
// So every particle's numbers depend only on (seed, history, p), whatever the
// thread, chunk, lane or driver.
import {
  P_TABLE_LENGTH, P_PROTON_SPECIES, M_ELASTIC_TARGET0_MASS_NUMBER,
  T_PROTON_ELASTIC_SHARE_AT_RANGE, T_NONELASTIC_SHARE_AT_RANGE,
  T_ELASTIC_TARGET0_SHARE_AT_RANGE, T_ELASTIC_TARGET1_SHARE_AT_RANGE, T_ELASTIC_TARGET2_SHARE_AT_RANGE,
  W_NUCLEAR_EVENTS, W_PRIMARY_NONELASTIC_EVENTS, W_SECONDARIES, W_STACK_OVERFLOWS, W_NEUTRAL_ENERGY,
  W_DEPOSITED_ENERGY, W_CUTOFF_ENERGY,
  L_X, L_Y, L_Z, L_U, L_V, L_W, L_IX, L_IY, L_IZ, L_RANGE, L_CUTOFF_RANGE, L_TABLE_PTR, L_STEP,
  L_STREAM, L_SECONDARIES, L_STACK_SIZE, L_STACK, STACK_CAPACITY, STACK_FIELDS, L_MFP,
  ENERGY_UNITS_PER_MEV,
} from './layout';
import { uniformFromBits, logf, sinHalfPi } from './fastmath';
import { rangePosition, interpolate } from './tables';
import {
  getF, setF, getI, setI, addCounter, laneEnergyUnits, energyUnitsOf, speciesMassNumber, voxelIndex, laneField, laneRandom, scratchWords,
  meanFreePaths, setRangeFromEnergy,
} from './laneState';
import { recordDeposit } from './tally';

/** Proton mass (MeV; CODATA 2018: 938.27208816). */
@inline const PROTON_MASS_MEV: f64 = 938.27208816;
/** Atomic mass unit (MeV; CODATA 2018: 931.49410242). */
@inline const ATOMIC_MASS_UNIT_MEV: f64 = 931.49410242;
@inline const LN2: f64 = 0.6931471805599453;

/** Fippel-Soukup energy dissipation (constants of MOQUI's mqi_po_inelastic.hpp). */
@inline const BINDING_MEV: f64 = 5.0;
@inline const MIN_FRAGMENT_MEV: f64 = 2.0;
@inline const BINDING_RATIO: f64 = 0.65;
@inline const MAX_PASSES: i32 = 255;
/** Fragment shares fitted to ICRU 63 p-16O yields (header): P_p(E) = AT_0 + PER_MEV E, neutral share f_n. */
@inline const SECONDARY_PROTON_SHARE_AT_0: f64 = 0.5288;
@inline const SECONDARY_PROTON_SHARE_PER_MEV: f64 = 0.0004192;
@inline const NEUTRAL_SHARE: f64 = 0.3324;

// ---- the secondary stack: entry k, field f of a lane ----
@inline export const S_X: i32 = 0;
@inline export const S_Y: i32 = 1;
@inline export const S_Z: i32 = 2;
@inline export const S_U: i32 = 3;
@inline export const S_V: i32 = 4;
@inline export const S_W: i32 = 5;
@inline export const S_ENERGY: i32 = 6;
@inline export const S_IX: i32 = 7;
@inline export const S_IY: i32 = 8;
@inline export const S_IZ: i32 = 9;
@inline export const S_PARTICLE: i32 = 10;
@inline export const S_SPECIES: i32 = 11;

@inline export function stackField(worker: usize, lane: i32, entry: i32, field: i32): usize {
  return laneField(worker, L_STACK + ((entry * STACK_FIELDS + field) << 4), lane);
}

// The module has no static data (test/kernel/purity.test.ts), so none of the
// table-driven NativeMath functions: exp below, logarithms through logf and
// azimuths through sinHalfPi (fastmath.ts).

/**
 * e^x for x <= 700 (0 below -700): x = n ln 2 + r, |r| <= ln2/2, Taylor series
 * of e^r to r^13 (truncation 0.35^14/14! = 4e-18), times 2^n from the exponent bits.
 */
function expFinite(x: f64): f64 {
  if (x < -700.0) return 0;
  const n = floor<f64>(x / LN2 + 0.5);
  const r = x - n * LN2;
  let p: f64 = 1.0;
  for (let k = 13; k >= 1; k--) p = 1.0 + (r / <f64>k) * p;
  return p * reinterpret<f64>(<i64>(<i32>n + 1023) << 52);
}

/** ln x for 0 < x <= 1, through logf (relative error ~1e-7: enough for sampling). */
@inline function logUnit(x: f64): f64 { return <f64>logf(<f32>x); }

/** cos and sin of an azimuth uniform in (-pi, pi] from a uniform u, as the step draws it (stepScalar.ts). */
@inline export function azimuthCosine(u: f32): f64 {
  const s = sinHalfPi((u - <f32>0.5) * <f32>3.1415927);
  return <f64>(<f32>1.0 - <f32>2.0 * s * s);
}
@inline export function azimuthSine(u: f32): f64 {
  const s = sinHalfPi((u - <f32>0.5) * <f32>3.1415927);
  return <f64>(<f32>2.0 * s * sqrt<f32>(max<f32>(<f32>1.0 - s * s, 0)));
}

/** The largest f32 not above x (x >= 0). */
@inline export function roundDown32(x: f64): f32 {
  const r = <f32>x;
  return <f64>r > x ? reinterpret<f32>(reinterpret<i32>(r) - 1) : r;
}

/** p^2 c^2 (MeV^2) of kinetic energy t and mass m. */
@inline function momentumSquared(t: f64, m: f64): f64 { return t * (t + 2.0 * m); }

/** Cosine of the lab angle of product 1 (p1^2) when a particle of p^2 gives a partner p2^2: momentum balance. */
@inline function labCosine(p2: f64, p1Squared: f64, partnerSquared: f64): f64 {
  const d = 2.0 * Math.sqrt(p2 * p1Squared);
  return d > 0 ? min<f64>(max<f64>((p2 + p1Squared - partnerSquared) / d, -1.0), 1.0) : 1.0;
}

/**
 * Turns the lane's direction by polar angle theta (its cosine) and azimuth phi (cos, sin)
 * (rotation as in stepScalar.ts, EGSnrc UPHI); writes the unit vector as three
 * f32 at `out`.
 */
export function turn(worker: usize, lane: i32, cosTheta: f64, cosPhi: f64, sinPhi: f64, out: usize): void {
  const u = <f64>getF(worker, L_U, lane), v = <f64>getF(worker, L_V, lane), w = <f64>getF(worker, L_W, lane);
  const sinTheta = Math.sqrt(max<f64>(1.0 - cosTheta * cosTheta, 0));
  const sinW2 = 1.0 - w * w;
  let u2: f64, v2: f64, w2: f64;
  if (sinW2 > 1e-10) {
    const sinW = Math.sqrt(sinW2);
    u2 = u * cosTheta + sinTheta * ((u * w * cosPhi - v * sinPhi) / sinW);
    v2 = v * cosTheta + sinTheta * ((v * w * cosPhi + u * sinPhi) / sinW);
    w2 = w * cosTheta - sinTheta * sinW * cosPhi;
  } else {
    u2 = sinTheta * cosPhi; v2 = sinTheta * sinPhi; w2 = w * cosTheta;
  }
  const norm = 1.0 / Math.sqrt(u2 * u2 + v2 * v2 + w2 * w2);
  store<f32>(out, <f32>(u2 * norm));
  store<f32>(out, <f32>(v2 * norm), 4);
  store<f32>(out, <f32>(w2 * norm), 8);
}

/**
 * Mean recoil kinetic energy T_avg (MeV) of elastic scattering of a proton of
 * kinetic energy e (MeV) on a nucleus of mass number A (header: Fippel & Soukup,
 * as MOQUI, scaled by (16/A)^(5/3)). Also the deterministic solver's (its
 * elastic kernels: src/deterministic/nuclearTables.ts).
 */
export function meanElasticRecoilMeV(e: f64, massNumber: f64): f64 {
  // (16/A)^(5/3) = exp(-(5/3) ln(A/16)).
  const massScale = expFinite((-5.0 / 3.0) * <f64>logf(<f32>(massNumber / 16.0)));
  return max<f64>((0.65 * expFinite(-0.0013 * e) - 0.71 * expFinite(-0.0177 * e)) * massScale, 1e-6);
}

/**
 * Puts a secondary of `species` with `energy` (MeV per nucleon), direction (3 f32
 * at `direction`), at the lane's position on its stack, with the next particle
 * index of the history. A full stack deposits it where it is and counts the overflow.
 */
export function pushSecondary(params: usize, worker: usize, lane: i32, species: i32, energy: f32, direction: usize): void {
  const particle = getI(worker, L_SECONDARIES, lane) + 1;
  setI(worker, L_SECONDARIES, lane, particle);
  addCounter(worker, W_SECONDARIES, 1);
  const size = getI(worker, L_STACK_SIZE, lane);
  if (size == STACK_CAPACITY) {
    const ix = getI(worker, L_IX, lane), iy = getI(worker, L_IY, lane), iz = getI(worker, L_IZ, lane);
    const units = energyUnitsOf(speciesMassNumber(params, species), <f64>energy);
    recordDeposit(worker, lane, voxelIndex(params, ix, iy, iz), iz, units);
    addCounter(worker, W_DEPOSITED_ENERGY, units);
    addCounter(worker, W_STACK_OVERFLOWS, 1);
    return;
  }
  store<f32>(stackField(worker, lane, size, S_X), getF(worker, L_X, lane));
  store<f32>(stackField(worker, lane, size, S_Y), getF(worker, L_Y, lane));
  store<f32>(stackField(worker, lane, size, S_Z), getF(worker, L_Z, lane));
  store<f32>(stackField(worker, lane, size, S_U), load<f32>(direction));
  store<f32>(stackField(worker, lane, size, S_V), load<f32>(direction, 4));
  store<f32>(stackField(worker, lane, size, S_W), load<f32>(direction, 8));
  store<f32>(stackField(worker, lane, size, S_ENERGY), energy);
  store<i32>(stackField(worker, lane, size, S_IX), getI(worker, L_IX, lane));
  store<i32>(stackField(worker, lane, size, S_IY), getI(worker, L_IY, lane));
  store<i32>(stackField(worker, lane, size, S_IZ), getI(worker, L_IZ, lane));
  store<i32>(stackField(worker, lane, size, S_PARTICLE), particle);
  store<i32>(stackField(worker, lane, size, S_SPECIES), species);
  setI(worker, L_STACK_SIZE, lane, size + 1);
}

/** Deposits energy units at the lane's current voxel (an event's local products). */
export function depositHere(params: usize, worker: usize, lane: i32, units: i64, counter: i32): void {
  const iz = getI(worker, L_IZ, lane);
  recordDeposit(worker, lane, voxelIndex(params, getI(worker, L_IX, lane), getI(worker, L_IY, lane), iz), iz, units);
  addCounter(worker, counter, units);
}

/**
 * The proton goes on with `energy` in direction (3 f32 at `direction`) and
 * `freePaths` to its next event; false if that energy is below the cut-off
 * (then deposited here).
 */
function carryOn(params: usize, worker: usize, lane: i32, energy: f32, direction: usize, freePaths: f32): bool {
  setF(worker, L_U, lane, load<f32>(direction));
  setF(worker, L_V, lane, load<f32>(direction, 4));
  setF(worker, L_W, lane, load<f32>(direction, 8));
  setF(worker, L_MFP, lane, freePaths);
  setRangeFromEnergy(params, worker, lane, energy);
  if (getF(worker, L_RANGE, lane) > getF(worker, L_CUTOFF_RANGE, lane)) return true;
  depositHere(params, worker, lane, laneEnergyUnits(worker, lane, <f64>energy), W_CUTOFF_ENERGY);
  return false;
}

/**
 * The products of a nonelastic event of the lane's proton of kinetic energy e
 * (MeV) at its current position (header: energy dissipation): pushes the
 * secondary protons, scores the neutral energy and deposits the rest here.
 * Its numbers come from Philox blocks (eventCounter + pass, stream);
 * `direction` is the lane's scratch words (three f32 for each secondary's
 * direction). Also run alone, event by event, by the deterministic solver's
 * table builder (deterministic/nuclearProducts.ts), so both solvers share one model.
 */
export function nonelasticProducts(params: usize, worker: usize, lane: i32, e: f64, eventCounter: u32, stream: u32, direction: usize): void {
  const incidentUnits = laneEnergyUnits(worker, lane, e);
  // Exponent by energy band (MOQUI, tuned for water); shares fitted to ICRU 63 (header).
  const exponent: f64 = e > 200.0 ? 0.40 : e > 150.0 ? 0.45 : 0.52;
  const secondaryProbability: f64 = SECONDARY_PROTON_SHARE_AT_0 + SECONDARY_PROTON_SHARE_PER_MEV * e;
  const neutralShareOfRest: f64 = NEUTRAL_SHARE / (1.0 - secondaryProbability);
  let remaining = e;
  let binding = BINDING_MEV;
  let neutral: f64 = 0;
  let productUnits: i64 = 0;
  for (let pass = 1; pass <= MAX_PASSES && remaining - binding > MIN_FRAGMENT_MEV; pass++) {
    const w = laneRandom(params, worker, lane, eventCounter + <u32>pass, stream);
    const uEnergy = <f64>uniformFromBits(load<u32>(w));
    const zeta = <f64>uniformFromBits(load<u32>(w, 4));
    const uCosine = <f64>uniformFromBits(load<u32>(w, 8));
    const passPhi = uniformFromBits(load<u32>(w, 12));
    remaining -= binding;
    neutral += binding;
    const dE = min<f64>(MIN_FRAGMENT_MEV + expFinite(exponent * logUnit(uEnergy)) * (remaining - MIN_FRAGMENT_MEV), remaining);
    remaining -= dE;
    if (zeta < secondaryProbability) {
      const secondary = roundDown32(dE);
      const fraction = dE / e;
      turn(worker, lane, min<f64>((2.0 * fraction - 1.0) + 2.0 * (1.0 - fraction) * uCosine, 1.0),
        azimuthCosine(passPhi), azimuthSine(passPhi), direction);
      pushSecondary(params, worker, lane, load<i32>(params + P_PROTON_SPECIES), secondary, direction);
      productUnits += energyUnitsOf(speciesMassNumber(params, load<i32>(params + P_PROTON_SPECIES)), <f64>secondary);
    } else {
      neutral += dE * neutralShareOfRest;
    }
    binding *= BINDING_RATIO;
  }
  const neutralUnits = <i64>floor<f64>(neutral * ENERGY_UNITS_PER_MEV);
  addCounter(worker, W_NEUTRAL_ENERGY, neutralUnits);
  depositHere(params, worker, lane, incidentUnits - productUnits - neutralUnits, W_DEPOSITED_ENERGY);
}

/**
 * A nuclear event of the lane's proton, of kinetic energy `energy` (MeV), at
 * its current position. Scores local deposits and neutral energy, pushes
 * secondaries; returns true while the proton goes on (elastic events), and
 * leaves its new energy in the lane's previous-energy bookkeeping to the caller.
 */
export function nuclearEvent(params: usize, worker: usize, lane: i32, energy: f32): bool {
  addCounter(worker, W_NUCLEAR_EVENTS, 1);
  const eventCounter = <u32>getI(worker, L_STEP, lane) << 8;
  const stream = <u32>getI(worker, L_STREAM, lane) + 1;
  const words = laneRandom(params, worker, lane, eventCounter, stream);
  const uChannel = uniformFromBits(load<u32>(words));
  const freePaths = meanFreePaths(load<u32>(words, 4));
  const uKinematics = <f64>uniformFromBits(load<u32>(words, 8));
  const uPhi = uniformFromBits(load<u32>(words, 12));
  const cosPhi = azimuthCosine(uPhi), sinPhi = azimuthSine(uPhi);
  const direction = scratchWords(worker, lane);  // the words are read: reuse them for directions

  const tablePtr = <usize>getI(worker, L_TABLE_PTR, lane);
  const n = load<i32>(params + P_TABLE_LENGTH);
  const position = rangePosition(tablePtr, n, getF(worker, L_RANGE, lane));
  const e = <f64>energy;
  const incidentUnits = laneEnergyUnits(worker, lane, e);
  const p2 = momentumSquared(e, PROTON_MASS_MEV);

  if (uChannel < interpolate(tablePtr, n, T_PROTON_ELASTIC_SHARE_AT_RANGE, position)) {
    // p-p elastic: the struck proton's share of T is uniform; the larger share
    // is rounded down and the other is the exact f32 rest (Sterbenz), so the two
    // add up to T exactly.
    const larger = roundDown32(e * max<f64>(uKinematics, 1.0 - uKinematics));
    const smaller = energy - larger;
    const struck = uKinematics >= 0.5 ? larger : smaller;
    const scattered = uKinematics >= 0.5 ? smaller : larger;
    const struckSquared = momentumSquared(<f64>struck, PROTON_MASS_MEV);
    const scatteredSquared = momentumSquared(<f64>scattered, PROTON_MASS_MEV);
    turn(worker, lane, labCosine(p2, struckSquared, scatteredSquared), -cosPhi, -sinPhi, direction);
    pushSecondary(params, worker, lane, load<i32>(params + P_PROTON_SPECIES), struck, direction);
    const rest = incidentUnits - laneEnergyUnits(worker, lane, <f64>struck) - laneEnergyUnits(worker, lane, <f64>scattered);
    if (rest != 0) depositHere(params, worker, lane, rest, W_DEPOSITED_ENERGY);
    turn(worker, lane, labCosine(p2, scatteredSquared, struckSquared), cosPhi, sinPhi, direction);
    return carryOn(params, worker, lane, scattered, direction, freePaths);
  }

  const nonelasticShare = interpolate(tablePtr, n, T_NONELASTIC_SHARE_AT_RANGE, position);
  if (uChannel < nonelasticShare) {
    if (getI(worker, L_STREAM, lane) == 1) addCounter(worker, W_PRIMARY_NONELASTIC_EVENTS, 1);
    nonelasticProducts(params, worker, lane, e, eventCounter, stream, direction);
    return false;
  }

  // Elastic on a heavier nucleus. Its target slot: the channel deviate, uniform
  // again above the nonelastic share, against the slots' cumulative shares.
  const uTarget = (uChannel - nonelasticShare) / max<f32>(<f32>1.0 - nonelasticShare, <f32>1e-30);
  const slot = uTarget < interpolate(tablePtr, n, T_ELASTIC_TARGET0_SHARE_AT_RANGE, position) ? 0
    : uTarget < interpolate(tablePtr, n, T_ELASTIC_TARGET1_SHARE_AT_RANGE, position) ? 1
    : uTarget < interpolate(tablePtr, n, T_ELASTIC_TARGET2_SHARE_AT_RANGE, position) ? 2 : 3;
  // (An unused slot, reached only by rounding of uTarget near 1, falls back to slot 0.)
  const slotMass = load<f32>(tablePtr + M_ELASTIC_TARGET0_MASS_NUMBER + (slot << 2));
  const massNumber = <f64>max<f32>(slotMass > 0 ? slotMass : load<f32>(tablePtr + M_ELASTIC_TARGET0_MASS_NUMBER), <f32>1.0);
  const targetMass = massNumber * ATOMIC_MASS_UNIT_MEV;
  const gamma = 1.0 + e / PROTON_MASS_MEV;
  const ratio = targetMass / PROTON_MASS_MEV;
  const maxRecoil = (2.0 * targetMass * (gamma * gamma - 1.0)) / (1.0 + 2.0 * gamma * ratio + ratio * ratio);
  const meanRecoil = meanElasticRecoilMeV(e, massNumber);
  const recoil = min<f64>(-meanRecoil * logUnit(1.0 - uKinematics * (1.0 - expFinite(-maxRecoil / meanRecoil))), maxRecoil);
  const scattered = roundDown32(e - recoil);
  const scatteredSquared = momentumSquared(<f64>scattered, PROTON_MASS_MEV);
  turn(worker, lane, labCosine(p2, scatteredSquared, momentumSquared(recoil, targetMass)), cosPhi, sinPhi, direction);
  depositHere(params, worker, lane, incidentUnits - laneEnergyUnits(worker, lane, <f64>scattered), W_DEPOSITED_ENERGY);
  return carryOn(params, worker, lane, scattered, direction, freePaths);
}
