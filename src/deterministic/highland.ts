/**
 * Highland's multiple-scattering formula in the cumulative (thick-target) form
 * the Monte Carlo uses (assembly/stepScalar.ts step 3; shaders/transport.wgsl):
 * along the CSDA path of an ion in one material from energy E_top down to E,
 *
 *   Theta2(E) = H z^2 I(E) [max(1 + ln(L(E)) / (9 ln 10), 0)]^2,
 *   L(E) = (R(E_top) - R(E)) / X0,   I(E) = integral over the path of dL / (pv)^2,
 *
 * the variance (rad^2) of the projected angle in one plane, with H = (14.1 MeV)^2
 * (V. L. Highland, Nucl. Instrum. Methods 129 (1975) 497, eq. 2; cumulative form as
 * in B. Gottschalk et al., Nucl. Instrum. Methods B 74 (1993) 467), pv of the whole
 * ion, A E (E + 2 m) / (E + m) with E and m per nucleon, and the constants of
 * src/engine/kernelConstants.ts (HIGHLAND_E_MEV_SQUARED, INV_NINE_LN10). The
 * Monte Carlo sums I step by step with pv at the mid-step energy; here I is
 * integrated exactly (5-point Gauss-Legendre in ln E), its limit for small steps.
 */
import { KERNEL_CONSTANTS } from '../engine/kernelConstants.js';
import type { MaterialRange } from './materialRange.js';

// 5-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun Table 25.4).
const GL_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];
/** Widest panel in ln E: the integrand varies by under 15 % across one, so 5 points give ~1e-12. */
const MAX_PANEL = 0.05;

/** pv (MeV) of the whole ion at kinetic energy E per nucleon: A E (E + 2m) / (E + m), m = M / A. */
export function ionPvMeV(massNumber: number, nucleonMassMeV: number, energyMeVPerU: number): number {
  return (massNumber * energyMeVPerU * (energyMeVPerU + 2 * nucleonMassMeV)) / (energyMeVPerU + nucleonMassMeV);
}

/** integral over u = ln E in [uLo, uHi] of dL/du / (pv)^2, with dL/du = A E / (S X0). */
function scatteringIntegral(range: MaterialRange, uLo: number, uHi: number): number {
  const { ion, material } = range;
  const nucleonMassMeV = ion.massMeV / ion.massNumber;
  const x0 = material.radiationLengthGPerCm2;
  const panels = Math.max(1, Math.ceil((uHi - uLo) / MAX_PANEL));
  const width = (uHi - uLo) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const mid = uLo + (p + 0.5) * width;
    let sum = 0;
    for (let k = 0; k < 5; k++) {
      const e = Math.exp(mid + 0.5 * width * GL_X[k]!);
      const pv = ionPvMeV(ion.massNumber, nucleonMassMeV, e);
      sum += (GL_W[k]! * ion.massNumber * e) / (range.stoppingPowerMeVCm2PerG(e) * x0 * pv * pv);
    }
    total += 0.5 * width * sum;
  }
  return total;
}

/**
 * Theta2 (rad^2) at each of `energiesMeVPerU` (each at most the top energy),
 * for the CSDA path in `range`'s material that starts at `topEnergyMeVPerU`.
 * I is accumulated from the top down over the sorted energies, so the cost is
 * one pass over ln(E_top / E_min) plus one panel per energy.
 */
export function cumulativeHighlandTheta2Rad2(range: MaterialRange, topEnergyMeVPerU: number,
  energiesMeVPerU: Float64Array): Float64Array {
  const { ion, material } = range;
  const h = KERNEL_CONSTANTS.HIGHLAND_E_MEV_SQUARED * ion.chargeNumber * ion.chargeNumber;
  const topRange = range.rangeGPerCm2(topEnergyMeVPerU);
  const order = Array.from(energiesMeVPerU.keys()).sort((a, b) => energiesMeVPerU[b]! - energiesMeVPerU[a]!);
  const theta2 = new Float64Array(energiesMeVPerU.length);
  let integral = 0;
  let u = Math.log(topEnergyMeVPerU);
  for (const i of order) {
    const energy = energiesMeVPerU[i]!;
    if (energy > topEnergyMeVPerU * (1 + 1e-12)) {
      throw new RangeError(`cumulativeHighlandTheta2Rad2: energy ${energy} MeV/u is above the path's top ${topEnergyMeVPerU} MeV/u`);
    }
    const uNext = Math.log(Math.min(energy, topEnergyMeVPerU));
    if (uNext < u) integral += scatteringIntegral(range, uNext, u);
    u = Math.min(u, uNext);
    const radiationLengths = (topRange - range.rangeGPerCm2(energy)) / material.radiationLengthGPerCm2;
    // ln(0) = -Infinity at the top: the log term is clamped to 0 as in the kernel, so Theta2 = 0 there.
    const logTerm = Math.max(1 + Math.log(Math.max(radiationLengths, 0)) * KERNEL_CONSTANTS.INV_NINE_LN10, 0);
    theta2[i] = h * integral * logTerm * logTerm;
  }
  return theta2;
}
