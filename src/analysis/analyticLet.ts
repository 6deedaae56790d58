/**
 * Analytic dose-averaged LET of the primaries of a monoenergetic ion beam in water versus depth
 * (numerical integration over the primaries' residual ranges), to check the Monte Carlo's
 * primaries-only LETd in water (issue 10; test/monteCarlo/letAnalytic.test.ts).
 *
 * Model. At depth z the primaries' residual ranges r are Gaussian (Bortfeld, Med. Phys. 24 (1997)
 * 2024: range straggling as a Gaussian in depth) around R0 - s(z), R0 the CSDA range and s(z) the
 * mean path length to depth z (the detour, below), with the variance accumulated along the mean
 * track (Bortfeld 1997, sec. II.B: sigma^2 = integral of the energy-loss straggling rate times
 * (dR/dE)^2), the rate being Bohr's with its relativistic factor (PDG RPP, "Passage of particles
 * through matter"; ICRU Report 49), the same one the kernels sample (assembly/stepScalar.ts, step 2):
 *
 *   sigma^2(s) = integral_0^s K m_e c^2 z_ion^2 (Z/A) gamma^2 (1 - beta^2/2) / S(E(R0 - s'))^2 ds'
 *
 * (mass units). At full range it is 7 % above Bortfeld's fit 0.012 R0^0.935 (cm; eq. 18) at 100 and
 * 150 MeV (0.86 and 1.70 mm against 0.81 and 1.58), and within 1 % of the spread of the Monte
 * Carlo's stopping depths (0.85 and 1.69 mm). A primary of residual range r has the energy E(r) and the mass
 * stopping power S(E(r)) of the engine's own tables (src/physics/rangeTables.ts, the run's water
 * I-value); per unit depth it deposits S, so its dose weight is fluence x S and its LET is S, and
 * the dose-averaged LET is the S^2-weighted mean over the primaries' spectrum (Wilkens & Oelfke,
 * Med. Phys. 30 (2003) 806, LETd of primary protons from their energy spectrum at depth z):
 *
 *   LETd(z) = integral phi(r, z) S(r)^2 dr / integral phi(r, z) S(r) dr.
 *
 * Detour: multiple scattering makes the path longer than the depth, so the primaries at depth z have
 * travelled s(z) > z and their mean residual range is R0 - s(z) (the CSDA range is a path length;
 * ICRU Report 49 (1993), "projected range" and detour factor). Along the mean track
 * dz/ds = <cos theta> = 1 - theta0^2(s) to second order in the angle (theta0 the projected rms
 * angle, theta^2 = theta_x^2 + theta_y^2), theta0^2 from Highland's formula in the cumulative form
 * the kernels use (Gottschalk et al., NIM B74 (1993) 467; assembly/stepScalar.ts, step 3):
 *
 *   theta0^2(s) = (14.1 MeV z_ion)^2 [1 + log10(x/X0)/9]^2 integral_0^x dx'/(X0 (pv)^2),  x = rho s.
 *
 * In water this shortens the mean stopping depth by 0.1 % of R0 (0.17 mm at 150 MeV): without it
 * the model's LETd at the Bragg peak is about 5 % lower than the Monte Carlo's (where the LETd
 * rises by ~1.4 keV/um per mm).
 *
 * Nuclear events (input.nuclear, as transport.nuclear): a nonelastic event ends the primary; the
 * share P0(s) = exp(-integral (mu_nonelastic + mu_pp) ds) not ended or degraded multiplies both
 * integrals, and would cancel in LETd if these were the only primaries. But a
 * p-p elastic event does not end the primary: it goes on as the scattered proton (the kernels'
 * definition, as Geant4's: the projectile keeps its identity) with a kinetic energy uniform in
 * [0, T] (isotropic in the centre of mass; assembly/nuclear.ts, p-p elastic) at the lab angle of
 * exact two-body kinematics, cos theta = (p^2 + p'^2 - p_t^2) / (2 p p'), p_t the struck proton's
 * momentum. These few degraded primaries have high LET: they raise the Monte Carlo's primaries-only
 * LETd by 2-4 % in the plateau (measured, 100 and 150 MeV). They are added at depth z as
 *
 *   integral_0^z dz' P0 mu_pp(E(z')) integral_0^1 du S(r')^n / cos theta,   r' = R(u T) - (z - z')/cos theta,
 *
 * n = 1 (dose) and 2 (LETd numerator), with the macroscopic p-p elastic cross section of the
 * engine's tables (src/physics/nuclear/macroscopicCrossSections.ts, hydrogen's elastic term).
 *
 * Elastic events on nuclei heavier than H (oxygen in water; ICRU Report 63 cross sections above
 * 7 MeV, as the kernels sample them) do not remove the primary either: it loses the recoil energy
 * T_r (exponential with the Fippel-Soukup mean T_avg(E, A), truncated at the kinematic maximum:
 * assembly/nuclear.ts) and turns by the angle of exact two-body kinematics, cos theta =
 * (p^2 + p'^2 - p_r^2) / (2 p p'), p_r^2 = T_r (T_r + 2 M). From there its path to depth z is
 * longer by 1/cos theta, so its residual range at z is the undeflected primaries' less
 *
 *   delta = R(E) - R(E - T_r) + (s(z) - s') (1/cos theta - 1),   s' the path at the event
 *
 * (at the end of range the second term is r (1 - cos theta), r the residual range after the
 * event). The deflected primaries' residual ranges are the undeflected Gaussian shifted down by
 * delta (same straggling: the same path length slowed down), weighted by P_D(s') mu_heavy(E(s')) ds',
 * P_D = exp(-integral mu_heavy ds) the share not yet deflected. About a quarter of the primaries are
 * deflected before they stop (26 / 22 % at 150 / 100 MeV), each stopping 1.5 / 1.0 mm shallower
 * on average (0.3 / 0.2 mm of it from the recoil energy), which skews the stopping depths towards
 * the entrance: without them the Monte Carlo's LETd is 5.9 / 3.8 % above the model's at the Bragg
 * peak and 9.5 / 6.6 % at the proximal 80 % dose; with them 2.1 / 1.9 % and 0.8 / 1.5 %, as with
 * nuclear events off (1.9 / 1.9 % and 0.7 / 0.9 %; test/monteCarlo/letAnalytic.test.ts). With the
 * recoil energy alone (no turn) 4.1 / 2.6 % and 6.9 / 4.2 %: most of it is the turn.
 *
 * Over a depth slice [z0, z1] both integrals are also integrated over z (the slice LETd the
 * Monte Carlo scores: sum of e L over sum of e).
 *
 * What is left out:
 *  - Further nuclear events of the primaries already degraded by a p-p elastic event (above), and
 *    their straggling and scattering after the event (they go straight at their lab angle); a
 *    second elastic event on a heavier nucleus (the deflected primaries are removed as the others,
 *    by P0, and shifted once).
 *  - Energy-loss straggling at fixed residual range: the engine applies straggling to the residual
 *    range and reads E(r) from its tables, as this model does.
 *  - The spread of the depth at a given path length (from multiple scattering): small next to the
 *    range straggling. Its mean is kept (the detour, above).
 *  - Primaries below the cut-off energy deposit their remnant locally, which the Monte Carlo
 *    excludes from LET; here the integrals start at the cut-off's residual range.
 */
import type { Ion, Material } from '../physics/index.js';
import { BraggInputError } from '../errors.js';
import { KERNEL_CONSTANTS } from '../engine/kernelConstants.js';
import {
  ATOMIC_MASS_UNIT_MEV, BETHE_K_MEV_CM2_PER_MOL, buildRangeTable, csdaRange, ELECTRON_MASS_MEV, getElement, macroscopicCrossSections, PROTON_MASS_MEV,
  TABLE_ENERGY_LIMITS_MEV_PER_U,
} from '../physics/index.js';

/** keV/um per MeV cm^2/g at 1 g/cm^3 (and mm per cm). */
const KEV_PER_UM_PER_MEV_CM2_PER_G = 0.1;
const MM_PER_CM = 10;
/** Range-table density: 10,000 energies per decade, residual-range nodes ~0.06 mm apart at 150 MeV (1/25 of sigma). */
const BINS_PER_DECADE = 10_000;
/** The table reaches this factor above the beam energy, so that the Gaussian's upper tail has nodes. */
const TABLE_TOP_OVER_BEAM_ENERGY = 1.1;
/** The Gaussian is integrated out to this many sigma either side of the mean. */
const GAUSSIAN_HALF_WIDTH_SIGMA = 8;
/** Below this many node spacings the straggling is a delta function at the mean (error ~ sigma^2 S''/S, negligible there). */
const DELTA_BELOW_NODE_SPACINGS = 4;
/** Path step of the mean-track integrals (straggling variance, detour), mm. */
const TRACK_STEP_MM = 0.05;
/** Depths of the p-p elastic events integrated over, this far apart (mm). */
const EVENT_STEP_MM = 0.5;
/** Midpoints of the scattered proton's share u of the incident energy, uniform in [0, 1]. */
const SHARE_POINTS = 64;
/** Depth sub-steps per slice: midpoint rule, at most this deep (mm). */
const DEPTH_SUBSTEP_MM = 0.05;
/** Quantile midpoints of the recoil energy of an elastic event on a heavier nucleus (truncated exponential). */
const RECOIL_POINTS = 64;
/** Grid of the deflected primaries' residual-range density: this many points per straggling sigma. */
const SHIFT_GRID_PER_SIGMA = 8;

/**
 * Mean recoil kinetic energy (MeV) of the elastic scattering of a proton of kinetic energy
 * `energyMeV` on a nucleus of mass number A: Fippel & Soukup, Med. Phys. 31 (2004) 2263, for
 * oxygen (as MOQUI, moqui/base/mqi_po_elastic.hpp), scaled by (16/A)^(5/3); the kernels' formula
 * (assembly/nuclear.ts, meanElasticRecoilMeV, floored as there).
 */
function meanElasticRecoilMeV(energyMeV: number, massNumber: number): number {
  return Math.max((0.65 * Math.exp(-0.0013 * energyMeV) - 0.71 * Math.exp(-0.0177 * energyMeV)) * (16 / massNumber) ** (5 / 3), 1e-6);
}

/** Squared momentum (MeV^2) of a particle of kinetic energy t and mass m (MeV). */
const momentumSquared = (t: number, m: number): number => t * (t + 2 * m);

export interface AnalyticLetInput {
  readonly ion: Ion;
  /** Water with the run's I-value (resolvePhysics(config).material('water')). */
  readonly water: Material;
  readonly energyMeVPerU: number;
  /** The run's transport.cutoffEnergyMeVPerU: primaries below it no longer contribute to LET. */
  readonly cutoffEnergyMeVPerU: number;
  /** Range straggling on (default) or off (every primary at the mean residual range). */
  readonly straggling?: boolean;
  /** Multiple-scattering detour on (default) or off (depth = path length). */
  readonly detour?: boolean;
  /** Nuclear events as the run's transport.nuclear (default false): primaries lost and degraded by p-p elastic events. */
  readonly nuclear?: boolean;
  /** With nuclear events: primaries deflected by elastic events on nuclei heavier than H (default) or left undeflected (to show their effect). */
  readonly heavyElastic?: boolean;
}

export interface AnalyticSliceLet {
  /** Primaries-only LETd in water over the slice (keV/um); 0 where no primary reaches it. */
  readonly letdWaterKeVPerUm: number;
  /** Energy the primaries deposit in the slice per primary (MeV), excluding local deposits. */
  readonly primaryEnergyMeV: number;
}

export interface AnalyticPrimaryLet {
  /** CSDA range R0 (mm of water). */
  readonly csdaRangeMm: number;
  /** Mean depth at which the primaries reach the cut-off energy (mm): R0 less the cut-off's residual range and the detour. */
  readonly meanStopDepthMm: number;
  /** Range-straggling sigma at depth z (mm); 0 without straggling. */
  stragglingSigmaMm(depthMm: number): number;
  /** LETd of the primaries and their deposited energy over the depth slice [fromMm, toMm]. */
  slice(fromMm: number, toMm: number): AnalyticSliceLet;
}

/** Index k of the increasing array a with a[k] <= x < a[k + 1], clamped to [0, a.length - 2]. */
function lowerNode(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid; else hi = mid;
  }
  return lo;
}

/** Linear interpolation of y over the increasing nodes x (extrapolated linearly beyond them). */
function interpolate(x: Float64Array, y: Float64Array, at: number): number {
  const k = lowerNode(x, at);
  const t = (at - x[k]!) / (x[k + 1]! - x[k]!);
  return y[k]! + t * (y[k + 1]! - y[k]!);
}

export function analyticPrimaryLet(input: AnalyticLetInput): AnalyticPrimaryLet {
  const { ion, water, energyMeVPerU, cutoffEnergyMeVPerU, straggling = true, detour = true, nuclear = false, heavyElastic = true } = input;
  if (nuclear && ion.id !== 'proton') throw new BraggInputError(`analyticPrimaryLet: nuclear events are modelled for protons only (got ${ion.id})`);
  const table = buildRangeTable(ion, water, {
    energyMinMeVPerU: cutoffEnergyMeVPerU,
    energyMaxMeVPerU: Math.min(TABLE_ENERGY_LIMITS_MEV_PER_U.max, TABLE_TOP_OVER_BEAM_ENERGY * energyMeVPerU),
    binsPerDecade: BINS_PER_DECADE,
  });
  const mmPerGPerCm2 = MM_PER_CM / water.densityGPerCm3;
  const residualRangeMm = Float64Array.from(table.csdaRangeGPerCm2, (r) => r * mmPerGPerCm2);
  const nodeEnergyMeVPerU = Float64Array.from(residualRangeMm, (_, k) => Math.exp(table.logEnergyMin + k * table.logEnergyStep));
  // LET in water, keV/um, which is also the energy a primary deposits per mm of path (MeV/mm).
  const letKeVPerUm = Float64Array.from(table.stoppingPowerMeVCm2PerG, (s) => s * water.densityGPerCm3 * KEV_PER_UM_PER_MEV_CM2_PER_G);
  const csdaRangeMm = csdaRange(ion, water, energyMeVPerU) * mmPerGPerCm2;
  const cutoffRangeMm = residualRangeMm[0]!;

  // Along the mean track, path s_j = j h from the entrance to the cut-off: straggling variance and
  // mean depth (trapezoids of the rates at the track points).
  const points = Math.ceil((csdaRangeMm - cutoffRangeMm) / TRACK_STEP_MM) + 1;
  const h = (csdaRangeMm - cutoffRangeMm) / (points - 1);
  const pathMm = new Float64Array(points), depthMm = new Float64Array(points), varianceMm2 = new Float64Array(points);
  const nucleonMassMeV = ion.massMeV / ion.massNumber;
  const x0Mm = water.radiationLengthGPerCm2 * mmPerGPerCm2;
  const stragglingRate = new Float64Array(points), inverseSquaredPv = new Float64Array(points);
  const trackEnergyMeVPerU = new Float64Array(points);
  for (let j = 0; j < points; j++) {
    pathMm[j] = j * h;
    const energy = interpolate(residualRangeMm, nodeEnergyMeVPerU, csdaRangeMm - pathMm[j]!);
    trackEnergyMeVPerU[j] = energy;
    const gamma = 1 + energy / nucleonMassMeV;
    const beta2 = 1 - 1 / (gamma * gamma);
    // Bohr: d(sigma_E^2)/d(rho s) = K m_e c^2 z^2 (Z/A) gamma^2 (1 - beta^2/2), MeV^2 cm^2/g; over S^2 it is d(sigma_r^2)/dr.
    const energyLossRate = BETHE_K_MEV_CM2_PER_MOL * ELECTRON_MASS_MEV * ion.chargeNumber ** 2 * water.zOverAMolPerG
      * gamma * gamma * (1 - beta2 / 2);
    const s = interpolate(residualRangeMm, letKeVPerUm, csdaRangeMm - pathMm[j]!) / (water.densityGPerCm3 * KEV_PER_UM_PER_MEV_CM2_PER_G);
    stragglingRate[j] = straggling ? (energyLossRate / (s * s)) * mmPerGPerCm2 : 0; // mm^2 per mm
    const pv = (ion.massNumber * energy * (energy + 2 * nucleonMassMeV)) / (energy + nucleonMassMeV);
    inverseSquaredPv[j] = 1 / (pv * pv);
  }
  let scatterIntegral = 0, previousTheta2 = 0; // integral dx/(X0 (pv)^2), 1/MeV^2; theta0^2 at s_{j-1}
  for (let j = 1; j < points; j++) {
    varianceMm2[j] = varianceMm2[j - 1]! + 0.5 * (stragglingRate[j - 1]! + stragglingRate[j]!) * h;
    scatterIntegral += (0.5 * (inverseSquaredPv[j - 1]! + inverseSquaredPv[j]!) * h) / x0Mm;
    const logTerm = Math.max(0, 1 + Math.log10(pathMm[j]! / x0Mm) / 9);
    const theta2 = detour ? KERNEL_CONSTANTS.HIGHLAND_E_MEV_SQUARED * ion.chargeNumber ** 2 * scatterIntegral * logTerm * logTerm : 0;
    depthMm[j] = depthMm[j - 1]! + (1 - 0.5 * (previousTheta2 + theta2)) * h;
    previousTheta2 = theta2;
  }

  // Nuclear events along the mean track: the share P0 not removed (nonelastic, p-p elastic), the p-p
  // elastic events per mm, and the share not yet deflected by an elastic event on a heavier nucleus.
  const unscattered = new Float64Array(points).fill(1), ppEventsPerMm = new Float64Array(points);
  const undeflected = new Float64Array(points).fill(1);
  /** Elastic events on each element heavier than hydrogen: its mass number and events per mm along the track. */
  const heavyTargets: { massNumber: number; eventsPerMm: Float64Array }[] = [];
  if (nuclear) {
    const sections = macroscopicCrossSections(water, Float64Array.from(trackEnergyMeVPerU, (e) => e * ion.massNumber));
    const perMm = water.densityGPerCm3 / MM_PER_CM;
    for (const element of sections.elements) {
      const eventsPerMm = Float64Array.from(element.elasticCm2PerG, (mu) => mu * perMm);
      if (element.atomicNumber === 1) ppEventsPerMm.set(eventsPerMm);
      else if (heavyElastic) heavyTargets.push({ massNumber: getElement(element.atomicNumber).atomicWeight, eventsPerMm });
    }
    const heavyPerMm = (k: number) => heavyTargets.reduce((sum, t) => sum + t.eventsPerMm[k]!, 0);
    for (let j = 1; j < points; j++) {
      const loss = (k: number) => sections.nonelasticCm2PerG[k]! * perMm + ppEventsPerMm[k]!;
      unscattered[j] = unscattered[j - 1]! * Math.exp(-0.5 * (loss(j - 1) + loss(j)) * h);
      undeflected[j] = undeflected[j - 1]! * Math.exp(-0.5 * (heavyPerMm(j - 1) + heavyPerMm(j)) * h);
    }
  }
  const eventStride = Math.round(EVENT_STEP_MM / h);

  // Elastic events on heavier nuclei (the kernels' sampling, assembly/nuclear.ts): at track point j
  // the recoil T_r is exponential with mean T_avg(E, A), truncated at the kinematic maximum
  // T_max = 2 M beta^2 gamma^2 / (1 + 2 gamma M/m_p + (M/m_p)^2), and the proton goes on with E - T_r
  // at cos theta = (p^2 + p'^2 - p_r^2) / (2 p p'). Its residual range at depth z is the undeflected
  // primaries' less delta = R(E) - R(E - T_r) + (s(z) - s_j) (1/cos theta - 1): the path from s_j
  // to depth z is longer by 1/cos theta. Per event and recoil quantile: the energy term of delta,
  // 1/cos theta - 1, the event's path s_j, and the weight (events per primary not yet deflected).
  const deflections: { rangeLossMm: number; secantLess1: number; pathMm: number; weight: number }[] = [];
  for (let j = 0; j < points; j += eventStride) {
    const incident = trackEnergyMeVPerU[j]!;
    const incidentRange = interpolate(nodeEnergyMeVPerU, residualRangeMm, incident);
    const gamma = 1 + incident / PROTON_MASS_MEV;
    for (const { massNumber, eventsPerMm } of heavyTargets) {
      const weight = (undeflected[j]! * eventsPerMm[j]! * eventStride * h) / RECOIL_POINTS;
      if (weight === 0) continue;
      const targetMass = massNumber * ATOMIC_MASS_UNIT_MEV, ratio = targetMass / PROTON_MASS_MEV;
      const maxRecoil = (2 * targetMass * (gamma * gamma - 1)) / (1 + 2 * gamma * ratio + ratio * ratio);
      const meanRecoil = meanElasticRecoilMeV(incident, massNumber);
      const truncation = 1 - Math.exp(-maxRecoil / meanRecoil);
      for (let i = 0; i < RECOIL_POINTS; i++) {
        const recoil = -meanRecoil * Math.log(1 - ((i + 0.5) / RECOIL_POINTS) * truncation);
        const scattered = incident - recoil;
        if (scattered <= cutoffEnergyMeVPerU) continue;
        const p2 = momentumSquared(incident, PROTON_MASS_MEV), scattered2 = momentumSquared(scattered, PROTON_MASS_MEV);
        const cosTheta = (p2 + scattered2 - momentumSquared(recoil, targetMass)) / (2 * Math.sqrt(p2 * scattered2));
        if (cosTheta <= 0) continue;
        deflections.push({
          rangeLossMm: incidentRange - interpolate(nodeEnergyMeVPerU, residualRangeMm, scattered),
          secantLess1: 1 / cosTheta - 1, pathMm: pathMm[j]!, weight,
        });
      }
    }
  }

  /** integral phi S^n over the primaries degraded by p-p elastic events before depth z (n = 1, 2), per mm of depth. */
  const degradedAtDepth = (depth: number): [number, number] => {
    let first = 0, second = 0;
    for (let j = 0; j < points && depthMm[j]! < depth; j += eventStride) {
      const incident = trackEnergyMeVPerU[j]! * ion.massNumber;
      const weight = (unscattered[j]! * ppEventsPerMm[j]! * eventStride * h) / SHARE_POINTS;
      if (weight === 0) continue;
      const momentum2 = incident * (incident + 2 * PROTON_MASS_MEV);
      for (let i = 0; i < SHARE_POINTS; i++) {
        const scattered = ((i + 0.5) / SHARE_POINTS) * incident;
        if (scattered <= cutoffEnergyMeVPerU) continue;
        const scattered2 = scattered * (scattered + 2 * PROTON_MASS_MEV);
        const struck = incident - scattered;
        const struck2 = struck * (struck + 2 * PROTON_MASS_MEV);
        const cosTheta = (momentum2 + scattered2 - struck2) / (2 * Math.sqrt(momentum2 * scattered2));
        const residual = interpolate(nodeEnergyMeVPerU, residualRangeMm, scattered) - (depth - depthMm[j]!) / cosTheta;
        if (residual <= cutoffRangeMm) continue;
        const l = interpolate(residualRangeMm, letKeVPerUm, residual);
        first += (weight * l) / cosTheta;
        second += (weight * l * l) / cosTheta;
      }
    }
    return [first, second];
  };

  /** Path length (mm) and straggling variance (mm^2) at depth z; beyond the track's end, straight on at its end's variance. */
  const alongTrack = (depth: number): [number, number] => {
    const last = points - 1;
    if (depth >= depthMm[last]!) return [pathMm[last]! + depth - depthMm[last]!, varianceMm2[last]!];
    return [interpolate(depthMm, pathMm, depth), interpolate(depthMm, varianceMm2, depth)];
  };

  /** The value at depth z of the track array a (a share along the mean track); beyond the track's end, its last value. */
  const shareAt = (a: Float64Array, depth: number): number => (depth >= depthMm[points - 1]! ? a[points - 1]! : interpolate(depthMm, a, depth));

  /**
   * integral phi S dr and integral phi S^2 dr at depth z for the primaries not removed by a nuclear
   * event, per such primary: those not deflected, Gaussian in r around R0 - s(z) (phi the normalised
   * Gaussian, per mm), and those deflected by an elastic event on a heavier nucleus, the same Gaussian
   * shifted down by their delta (the straggling of the same path length).
   */
  const unscatteredAtDepth = (depth: number): [number, number] => {
    const [path, variance] = alongTrack(depth);
    const mean = csdaRangeMm - path;
    const sigma = Math.sqrt(variance);
    const notDeflected = shareAt(undeflected, depth);
    const shiftOf = (d: (typeof deflections)[number]) => d.rangeLossMm + (path - d.pathMm) * d.secantLess1;
    const k0 = lowerNode(residualRangeMm, mean);
    if (sigma < DELTA_BELOW_NODE_SPACINGS * (residualRangeMm[k0 + 1]! - residualRangeMm[k0]!)) {
      let first = 0, second = 0;
      const add = (r: number, weight: number) => {
        if (r <= cutoffRangeMm) return;
        const l = interpolate(residualRangeMm, letKeVPerUm, r);
        first += weight * l;
        second += weight * l * l;
      };
      add(mean, notDeflected);
      for (const d of deflections) if (d.pathMm < path) add(mean - shiftOf(d), d.weight);
      return [first, second];
    }
    // The deflected primaries' density on the grid r = mean + k step: their weights binned by shift
    // (linear split between neighbouring bins), each bin a Gaussian of the grid's own kernel.
    const step = sigma / SHIFT_GRID_PER_SIGMA;
    const halfWidth = GAUSSIAN_HALF_WIDTH_SIGMA * SHIFT_GRID_PER_SIGMA;
    const bins = Math.max(0, Math.ceil((mean - cutoffRangeMm) / step)) + halfWidth + 2;
    const binWeight = new Float64Array(bins + 1);
    let deepestBin = 0;
    for (const d of deflections) {
      if (d.pathMm >= path) continue;
      const at = shiftOf(d) / step;
      const b = Math.floor(at);
      if (b >= bins) continue;
      binWeight[b] = binWeight[b]! + (b + 1 - at) * d.weight;
      binWeight[b + 1] = binWeight[b + 1]! + (at - b) * d.weight;
      deepestBin = Math.max(deepestBin, b + 1);
    }
    const norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
    const gaussianKernel = Float64Array.from({ length: 2 * halfWidth + 1 }, (_, i) => norm * Math.exp(-0.5 * ((i - halfWidth) / SHIFT_GRID_PER_SIGMA) ** 2));
    const lowestK = -deepestBin - halfWidth;
    const deflectedDensity = new Float64Array(halfWidth - lowestK + 2); // at k = lowestK + g
    for (let b = 0; b <= deepestBin; b++) {
      const w = binWeight[b]!;
      if (w === 0) continue;
      for (let i = 0; i <= 2 * halfWidth; i++) {
        const g = i + deepestBin - b;
        deflectedDensity[g] = deflectedDensity[g]! + w * gaussianKernel[i]!;
      }
    }
    const density = (k: number): number => {
      const r = residualRangeMm[k]!;
      const at = (r - mean) / step - lowestK;
      const g = Math.floor(at);
      const deflected = g >= 0 && g + 1 < deflectedDensity.length ? deflectedDensity[g]! + (at - g) * (deflectedDensity[g + 1]! - deflectedDensity[g]!) : 0;
      return notDeflected * norm * Math.exp(-0.5 * ((r - mean) / sigma) ** 2) + deflected;
    };
    const from = lowerNode(residualRangeMm, mean + lowestK * step);
    const to = lowerNode(residualRangeMm, mean + GAUSSIAN_HALF_WIDTH_SIGMA * sigma) + 1;
    let first = 0, second = 0;
    for (let k = from; k < to; k++) {
      const dr = residualRangeMm[k + 1]! - residualRangeMm[k]!;
      const a = density(k) * letKeVPerUm[k]!, b = density(k + 1) * letKeVPerUm[k + 1]!;
      first += 0.5 * (a + b) * dr;
      second += 0.5 * (a * letKeVPerUm[k]! + b * letKeVPerUm[k + 1]!) * dr;
    }
    return [first, second];
  };

  const slice = (fromMm: number, toMm: number): AnalyticSliceLet => {
    const steps = Math.max(1, Math.ceil((toMm - fromMm) / DEPTH_SUBSTEP_MM));
    const dz = (toMm - fromMm) / steps;
    let energy = 0, weighted = 0;
    for (let i = 0; i < steps; i++) {
      const depth = fromMm + (i + 0.5) * dz;
      const [first, second] = unscatteredAtDepth(depth);
      const share = shareAt(unscattered, depth);
      energy += first * share * dz;
      weighted += second * share * dz;
      if (nuclear) {
        const [degradedFirst, degradedSecond] = degradedAtDepth(depth);
        energy += degradedFirst * dz;
        weighted += degradedSecond * dz;
      }
    }
    return { letdWaterKeVPerUm: energy > 0 ? weighted / energy : 0, primaryEnergyMeV: energy };
  };

  return {
    csdaRangeMm,
    meanStopDepthMm: depthMm[points - 1]!,
    stragglingSigmaMm: (depth: number) => Math.sqrt(alongTrack(depth)[1]),
    slice,
  };
}
