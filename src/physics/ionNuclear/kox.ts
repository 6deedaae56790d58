/**
 * Kox et al., Phys. Rev. C 35 (1987) 1678 ("Trends of total reaction cross sections for heavy ion
 * collisions in the intermediate energy range"): strong-absorption form
 *
 *   sigma_R = pi R_int^2 (1 - B_c / E_cm),   R_int = R_vol + R_surf,
 *   R_vol  = r0 (A_p^(1/3) + A_t^(1/3)),
 *   R_surf = r0 (a A_p^(1/3) A_t^(1/3) / (A_p^(1/3) + A_t^(1/3)) - c(E)) + D,
 *   D      = 5 (A_t - 2 Z_t) Z_p / (A_p A_t)  fm   (neutron excess),
 *   B_c    = 1.44 Z_p Z_t / (r_c (A_p^(1/3) + A_t^(1/3)))  MeV,
 *
 * r0 = 1.1 fm, a = 1.85, r_c = 1.3 fm (the paper's best fit, as quoted in the Geant4 Physics
 * Reference Manual, "Kox and Shen formulae"). c(E), the surface transparency, was fitted in the
 * paper at each beam energy and is given there only as points; we use the smooth fit to them
 * written by T. Koi for Geant4 (G4IonsKoxCrossSection::calCeValue), E in MeV/u (projectile):
 *   c = 2 - 10 / x^5 for x = log10 E > 1.5, else (2 - 10/1.5^5) x^3 / 1.5^3.
 * (c = 1.69 at 100 MeV/u, 1.84 at 200, 1.92 at 400.) Geant4 divides the projectile's kinetic
 * energy by the target's mass number there; we use the projectile's, as the paper defines c
 * against beam energy per nucleon. E_cm as in centreOfMass.ts.
 *
 * Not for hydrogen targets or nucleon projectiles: the fit used nucleus-nucleus data only, and
 * the formula gives no sensible nucleon-nucleus limit (12C on H: D = -2.5 fm; written as p + 12C,
 * 0.28 b against ICRU 63's 0.21-0.23 b). kox throws for A = 1 on
 * either side; ionReactionCrossSections.test.ts compares Kox with Tripathi on C and O targets
 * only, and on hydrogen compares Sihver's proton-nucleus form instead (sihver.ts).
 */
import { centreOfMassKineticEnergyMeV } from './centreOfMass.js';
import type { Nuclide } from './nuclides.js';
import { checkEnergyMeVPerU, checkNuclide } from './nuclides.js';

const R0_FM = 1.1;
const A_SURFACE = 1.85;
const RC_FM = 1.3;
const NEUTRON_EXCESS_FM = 5;
const COULOMB_MEV_FM = 1.44;
const MB_PER_FM2 = 10;

/** c(E) of the Kox formula, Koi's fit (see the file comment), E in MeV/u. */
export function koxSurfaceTransparency(energyMeVPerU: number): number {
  const x = Math.log10(energyMeVPerU);
  return x > 1.5 ? 2 - 10 / x ** 5 : ((2 - 10 / 1.5 ** 5) / 1.5 ** 3) * x ** 3;
}

/** Kox reaction cross section (mb); A >= 2 for both nuclei (see the file comment). */
export function koxCrossSectionMb(projectile: Nuclide, target: Nuclide, energyMeVPerU: number): number {
  checkNuclide(projectile, 'projectile');
  checkNuclide(target, 'target');
  checkEnergyMeVPerU(energyMeVPerU);
  if (projectile.massNumber < 2 || target.massNumber < 2) {
    throw new RangeError('kox: projectile and target mass numbers must be >= 2 (the Kox fit is for nucleus-nucleus pairs; use sihver or tripathi for hydrogen)');
  }
  const ap = projectile.massNumber;
  const at = target.massNumber;
  const cp = Math.cbrt(ap);
  const ct = Math.cbrt(at);
  const rVol = R0_FM * (cp + ct);
  const rSurf = R0_FM * ((A_SURFACE * cp * ct) / (cp + ct) - koxSurfaceTransparency(energyMeVPerU))
    + (NEUTRON_EXCESS_FM * (at - 2 * target.chargeNumber) * projectile.chargeNumber) / (ap * at);
  const barrierMeV = (COULOMB_MEV_FM * projectile.chargeNumber * target.chargeNumber) / (RC_FM * (cp + ct));
  const ecm = centreOfMassKineticEnergyMeV(ap, at, energyMeVPerU);
  const sigmaFm2 = Math.PI * (rVol + rSurf) ** 2 * (1 - barrierMeV / ecm);
  return sigmaFm2 > 0 ? sigmaFm2 * MB_PER_FM2 : 0;
}
