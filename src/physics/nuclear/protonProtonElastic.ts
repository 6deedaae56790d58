/**
 * Proton-proton (hydrogen) nuclear cross sections. ICRU 63 has no hydrogen table, so:
 *
 * Elastic: the fit used by MCsquare (GitHub e0404/MCsquare, commit
 * 211eefe6eaf2b8572d196d17f546f35ffb0ae0cf, src/compute_nuclear_interaction.c,
 * proton_proton_cross_section, and src/data_nuclear.c, Interp_Nuclear_Cross_section; MCsquare:
 * Souris, Lee & Sterpin, Med. Phys. 43 (2016) 1700):
 *
 *   mu_pp / rho_H (E) = (0.315 E^-1.126 + 3.78e-6 E) / 0.1119   cm^2 per gram of hydrogen, E in MeV.
 *
 * The numerator is the p-p elastic coefficient per gram of water and 0.1119 the hydrogen mass
 * fraction of water it was written for (the VMCpro approach of Fippel & Soukup, Med. Phys. 31
 * (2004) 2263, treats p-p scattering per gram of water in the same way). Per hydrogen atom it is
 * 353 mb at 10 MeV, 163 mb at 20 MeV, 32.0 mb at 100 MeV and 23.4 mb at 200 MeV. Cross-check:
 * the Geant4 p-p elastic table that MOQUI ships (GitHub MGHPhysicsResearch/moquimc, commit
 * 4ec8185607c14f045e3d6dd71353416268798442, moqui/base/mqi_pp_elastic.hpp, per gram of water)
 * is lower by 7-17 % from 10 to 100 MeV and equal within 6 % from 150 to 300 MeV.
 *
 * Validity and what we do outside it (PP_ELASTIC_FIT_RANGE_MEV):
 *  - below 10 MeV: zero, as in MCsquare. Elastic p-p scattering there is indistinguishable from
 *    the Coulomb scattering the multiple-scattering model already contains, and a proton below
 *    10 MeV has 0.12 g/cm^2 of water left, over which the fit, continued down to 1 MeV, would give
 *    a p-p event in 0.6 % of protons;
 *  - above 300 MeV: held at its 300 MeV value. The fit's linear term grows without bound, which
 *    the elastic p-p cross section does not (it is near-constant from 200 MeV to 1 GeV in the PDG
 *    compilation, Review of Particle Physics, "Plots of cross sections and related quantities"); the
 *    engine's proton beams stay below 300 MeV, so this only keeps the tables finite up to 1000 MeV.
 *
 * Nonelastic: zero. p + p -> p + p + pi0 is the lowest nonelastic channel; its threshold is
 * T = 2 m_pi0 + m_pi0^2 / (2 m_p) = 279.7 MeV (PION_PRODUCTION_THRESHOLD_MEV). Above it pion
 * production is not modelled (its cross section rises from zero there and stays small over the
 * therapeutic range).
 */
import { getElement } from '../elements.js';
import { PROTON_MASS_MEV } from '../ions.js';
import { AVOGADRO_PER_MOL } from '../stoppingPower.js';

/** Energies (MeV) between which the p-p elastic fit is used; see the file comment for outside. */
export const PP_ELASTIC_FIT_RANGE_MEV = Object.freeze({ min: 10, max: 300 });

/** Hydrogen mass fraction of water for which the fit's numerator was written (MCsquare's 0.1119). */
const FIT_WATER_HYDROGEN_MASS_FRACTION = 0.1119;

/** Neutral pion mass, MeV (PDG, Review of Particle Physics 2022: 134.9768 MeV). */
export const NEUTRAL_PION_MASS_MEV = 134.9768;

/**
 * Laboratory kinetic-energy threshold of p + p -> p + p + pi0 (MeV), from s = (2 m_p + m_pi)^2:
 * T = 2 m_pi + m_pi^2 / (2 m_p) = 279.7 MeV.
 */
export const PION_PRODUCTION_THRESHOLD_MEV =
  2 * NEUTRAL_PION_MASS_MEV + NEUTRAL_PION_MASS_MEV ** 2 / (2 * PROTON_MASS_MEV);

/** p-p elastic mass coefficient per gram of hydrogen (cm^2/g), with the limits of the file comment. */
export function protonProtonElasticCm2PerGHydrogen(energyMeV: number): number {
  const { min, max } = PP_ELASTIC_FIT_RANGE_MEV;
  if (!(energyMeV >= min)) return 0; // also NaN
  const e = Math.min(energyMeV, max);
  return (0.315 * e ** -1.126 + 3.78e-6 * e) / FIT_WATER_HYDROGEN_MASS_FRACTION;
}

/** The same as a cross section per hydrogen atom, barn (1 b = 1e-24 cm^2). */
export function protonProtonElasticBarn(energyMeV: number): number {
  return (protonProtonElasticCm2PerGHydrogen(energyMeV) * getElement(1).atomicWeight) / AVOGADRO_PER_MOL / 1e-24;
}
