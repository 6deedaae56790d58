/**
 * Kinetic energy in the centre-of-mass frame of a projectile of mass number A_p and kinetic
 * energy E per nucleon hitting a target of mass number A_t at rest (relativistic):
 *
 *   E_cm = sqrt(s) - m_p - m_t,   s = (m_p + m_t)^2 + 2 m_t T_lab,   T_lab = A_p E,
 *
 * with m = A u (u = ATOMIC_MASS_UNIT_MEV; binding and mass excesses, < 1 % of the mass, are left
 * out, as the energy per nucleon of our ions is per u). 2 m_t T_lab = 2 u^2 A_t A_p E is symmetric
 * in the two nuclei, so E_cm is the same for A on B as for B on A at equal energy per nucleon.
 * The Tripathi, Kox and Sihver papers use "the colliding system centre-of-mass energy"; Geant4's
 * implementations (G4TripathiCrossSection, G4IonsKoxCrossSection) take it from the invariant mass
 * as here. Non-relativistically E_cm = T_lab A_t / (A_p + A_t); the two differ by 2.5 % at 200 MeV/u
 * (12C + 16O), which moves the cross sections by < 0.02 % (only the Coulomb and E_cm^(-1/3) terms
 * use E_cm).
 */
import { ATOMIC_MASS_UNIT_MEV } from '../ions.js';

export function centreOfMassKineticEnergyMeV(projectileMassNumber: number, targetMassNumber: number,
  energyMeVPerU: number): number {
  const mp = projectileMassNumber * ATOMIC_MASS_UNIT_MEV;
  const mt = targetMassNumber * ATOMIC_MASS_UNIT_MEV;
  const twoMtT = 2 * mt * projectileMassNumber * energyMeVPerU;
  const m = mp + mt;
  // sqrt(m^2 + x) - m written as x / (sqrt(m^2 + x) + m): no cancellation at low energy.
  return twoMtT / (Math.sqrt(m * m + twoMtT) + m);
}
