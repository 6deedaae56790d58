/**
 * Probability that a proton slowing down along its CSDA path undergoes a nuclear interaction
 * before it stops:
 *
 *   P(E0) = 1 - exp(-tau),   tau = integral_0^R0 mu/rho dR = integral_0^E0 (mu/rho)(E) / S(E) dE,
 *
 * with S the mass electronic stopping power of src/physics/stoppingPower.ts (the one the range
 * tables integrate) and mu/rho a mass coefficient in cm^2/g. It ignores energy-loss straggling
 * and the longer path of a scattered proton (both change tau by well under 1 %), so it is the
 * reference the kernels' sampled event frequencies are compared with (issue 10), not a physics
 * step.
 *
 * Integration: 5-point Gauss-Legendre in u = ln E, panels of at most 0.02 in u, split at every
 * tabulated ICRU 63 energy (where the lin-lin cross sections have kinks or steps) and at the
 * energies where the p-p fit and the elastic cut switch on; relative accuracy ~1e-6.
 */
import { getIon } from '../ions.js';
import type { Material } from '../materials.js';
import { electronicStoppingPower } from '../stoppingPower.js';
import { ICRU63_ELEMENTS } from './icru63/index.js';
import { ELASTIC_MIN_ENERGY_MEV, nonelasticCm2PerG } from './macroscopicCrossSections.js';
import { PP_ELASTIC_FIT_RANGE_MEV } from './protonProtonElastic.js';

// 5-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun Table 25.4).
const GL_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];
const MAX_PANEL = 0.02;

/** Every energy (MeV) at which one of our cross sections may have a kink or a step, ascending. */
const BREAKPOINTS_MEV: readonly number[] = Object.freeze([...new Set([
  ...ICRU63_ELEMENTS.flatMap((e) => [...e.nonelastic, ...e.elastic].map(([energy]) => energy)),
  PP_ELASTIC_FIT_RANGE_MEV.min, PP_ELASTIC_FIT_RANGE_MEV.max, ELASTIC_MIN_ENERGY_MEV,
])].sort((a, b) => a - b));

/** Below the lowest tabulated energy (1 MeV) every cross section of ours is zero. */
const LOWEST_ENERGY_MEV = BREAKPOINTS_MEV[0]!;

/** tau = integral_0^E0 (mu/rho)(E) / S(E) dE for a proton in `material` (dimensionless). */
export function csdaOpticalDepth(material: Material, initialEnergyMeV: number,
  massCoefficientCm2PerG: (energyMeV: number) => number): number {
  if (!(initialEnergyMeV > LOWEST_ENERGY_MEV)) return 0;
  const proton = getIon('proton');
  const ends = BREAKPOINTS_MEV.filter((e) => e > LOWEST_ENERGY_MEV && e < initialEnergyMeV).map(Math.log);
  ends.push(Math.log(initialEnergyMeV));
  let tau = 0;
  let a = Math.log(LOWEST_ENERGY_MEV);
  for (const b of ends) {
    const panels = Math.max(1, Math.ceil((b - a) / MAX_PANEL - 1e-9));
    const h = (b - a) / panels;
    for (let p = 0; p < panels; p++) {
      const mid = a + (p + 0.5) * h;
      let sum = 0;
      for (let k = 0; k < 5; k++) {
        const e = Math.exp(mid + 0.5 * h * GL_X[k]!);
        sum += (GL_W[k]! * e * massCoefficientCm2PerG(e)) / electronicStoppingPower(proton, material, e);
      }
      tau += 0.5 * h * sum;
    }
    a = b;
  }
  return tau;
}

/** P = 1 - exp(-tau) for any mass coefficient (cm^2/g) along the CSDA path. */
export function csdaInteractionProbability(material: Material, initialEnergyMeV: number,
  massCoefficientCm2PerG: (energyMeV: number) => number): number {
  return -Math.expm1(-csdaOpticalDepth(material, initialEnergyMeV, massCoefficientCm2PerG));
}

/** Probability of a nonelastic nuclear interaction before a proton of `initialEnergyMeV` stops in `material`. */
export function nonelasticProbabilityBeforeStopping(material: Material, initialEnergyMeV: number): number {
  return csdaInteractionProbability(material, initialEnergyMeV, (e) => nonelasticCm2PerG(material, e));
}
