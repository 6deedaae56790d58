/**
 * Macroscopic (mass) reaction cross sections of a material for an ion projectile, per element and
 * in total:
 *
 *   mu_i/rho (E) = w_i N_A sigma_i(E) / A_i   [cm^2/g],   mu/rho = sum_i mu_i/rho,
 *
 * w_i the mass fraction and A_i the atomic weight (g/mol) of element i (src/physics/materials.ts,
 * elements.ts), sigma_i the engine's reaction cross section (reactionCrossSection.ts: Tripathi, or
 * ICRU 63 in inverse kinematics for C, N, O on hydrogen) of the projectile on the element's most
 * abundant isotope (nuclides.ts), 1 b = 1e-24 cm^2, N_A the Avogadro constant
 * of stoppingPower.ts, as in src/physics/nuclear/macroscopicCrossSections.ts for protons. The mean
 * free path is 1 / (rho mu/rho), cm, with the material's density rho in g/cm^3. Energies are per
 * nucleon of the projectile (MeV/u); only reactions (nonelastic) are counted: nucleus-nucleus
 * elastic scattering is left to the multiple-scattering model.
 */
import { getElement } from '../elements.js';
import type { Material } from '../materials.js';
import { AVOGADRO_PER_MOL } from '../stoppingPower.js';
import type { Nuclide } from './nuclides.js';
import { checkEnergyMeVPerU, checkNuclide, targetNuclide } from './nuclides.js';
import { ionReactionCrossSectionMbUnchecked } from './reactionCrossSection.js';

const CM2_PER_MB = 1e-27;

/** One element's share of a material's reaction mass coefficient, cm^2/g of material, at each energy. */
export interface IonElementReactionCrossSections {
  readonly atomicNumber: number;
  readonly massFraction: number;
  /** The nuclide that stands for the element (its most abundant isotope). */
  readonly target: Nuclide;
  /** sigma (mb per nucleus) at each energy. */
  readonly crossSectionMb: Float64Array;
  readonly reactionCm2PerG: Float64Array;
}

export interface IonMacroscopicCrossSections {
  readonly projectile: Nuclide;
  readonly material: Material;
  /** Projectile kinetic energies per nucleon, MeV/u. */
  readonly energiesMeVPerU: Float64Array;
  /** In the order of material.elements. */
  readonly elements: readonly IonElementReactionCrossSections[];
  /** Sum over the elements, cm^2/g. */
  readonly reactionCm2PerG: Float64Array;
}

function checkEnergies(energiesMeVPerU: ArrayLike<number>): Float64Array {
  const energies = Float64Array.from(energiesMeVPerU);
  energies.forEach((e, i) => checkEnergyMeVPerU(e, `energiesMeVPerU[${i}]`));
  return energies;
}

/** cm^2/g of material per mb of cross section of element `atomicNumber` with mass fraction w. */
function cm2PerGPerMb(atomicNumber: number, massFraction: number): number {
  return (massFraction * AVOGADRO_PER_MOL * CM2_PER_MB) / getElement(atomicNumber).atomicWeight;
}

/** Reaction mass coefficients of `material` for `projectile` at each of `energiesMeVPerU`. */
export function ionMacroscopicCrossSections(projectile: Nuclide, material: Material,
  energiesMeVPerU: ArrayLike<number>): IonMacroscopicCrossSections {
  checkNuclide(projectile, 'projectile');
  const energies = checkEnergies(energiesMeVPerU);
  const n = energies.length;
  const total = new Float64Array(n);
  const elements = material.elements.map(({ atomicNumber, massFraction }) => {
    const target = targetNuclide(atomicNumber);
    const perMb = cm2PerGPerMb(atomicNumber, massFraction);
    const sigma = new Float64Array(n);
    const mu = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sigma[j] = ionReactionCrossSectionMbUnchecked(projectile, target, energies[j]!);
      mu[j] = perMb * sigma[j]!;
      total[j] = total[j]! + mu[j]!;
    }
    return Object.freeze({ atomicNumber, massFraction, target, crossSectionMb: sigma, reactionCm2PerG: mu });
  });
  return Object.freeze({
    projectile: Object.freeze({ chargeNumber: projectile.chargeNumber, massNumber: projectile.massNumber }),
    material, energiesMeVPerU: energies, elements: Object.freeze(elements), reactionCm2PerG: total,
  });
}

/** Reaction mass coefficient of `material` for `projectile` at one energy, cm^2/g. */
export function ionReactionCm2PerG(projectile: Nuclide, material: Material, energyMeVPerU: number): number {
  checkNuclide(projectile, 'projectile');
  checkEnergyMeVPerU(energyMeVPerU);
  let sum = 0;
  for (const { atomicNumber, massFraction } of material.elements) {
    sum += cm2PerGPerMb(atomicNumber, massFraction)
      * ionReactionCrossSectionMbUnchecked(projectile, targetNuclide(atomicNumber), energyMeVPerU);
  }
  return sum;
}

/** Mean free path (cm) for a reaction of `projectile` in `material` at its density, at one energy. */
export function ionReactionMeanFreePathCm(projectile: Nuclide, material: Material, energyMeVPerU: number): number {
  return 1 / (material.densityGPerCm3 * ionReactionCm2PerG(projectile, material, energyMeVPerU));
}
