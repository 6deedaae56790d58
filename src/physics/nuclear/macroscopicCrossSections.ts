/**
 * Macroscopic (mass) nuclear cross sections of a material for protons, per element and in total:
 *
 *   mu_i/rho (E) = w_i N_A sigma_i(E) / A_i   [cm^2/g],   mu/rho = sum_i mu_i/rho,
 *
 * w_i the mass fraction and A_i the atomic weight of element i (src/physics/materials.ts and
 * elements.ts), sigma_i from elementCrossSections.ts (1 b = 1e-24 cm^2), N_A the Avogadro
 * constant. The per-element terms are what an event samples its target from (element i with
 * probability mu_i/mu); the linear coefficient is mu = rho (mu/rho), 1/cm, with the material's
 * density rho. The mass coefficients do not depend on density.
 *
 * Elastic scattering below ELASTIC_MIN_ENERGY_MEV is left out on every element but hydrogen (whose
 * fit starts at 10 MeV anyway): the ICRU 63 elastic cross sections count every scattering beyond
 * 5 degrees, Coulomb included, so at low energy they are mostly Coulomb scattering that the
 * multiple-scattering model already contains (aluminium: 2955 b at 1 MeV, 27.9 b at 10 MeV).
 * 7 MeV is where MCsquare starts its ICRU 63 events (src/compute_nuclear_interaction.c,
 * Compute_Nuclear_interaction, 'Energy > 7.0'), so the two engines sample the same elastic
 * events; options.elasticMinEnergyMeV = 0 keeps the whole table. Nonelastic cross sections are
 * used down to the first tabulated energy.
 */
import { getElement } from '../elements.js';
import type { Material } from '../materials.js';
import { AVOGADRO_PER_MOL } from '../stoppingPower.js';
import type { NuclearDataSource } from './elementCrossSections.js';
import { elementCrossSectionBarn, nuclearDataSource } from './elementCrossSections.js';

/** Elastic events of elements other than hydrogen start at this energy (MeV); see the file comment. */
export const ELASTIC_MIN_ENERGY_MEV = 7;

const BARN_CM2 = 1e-24;

export interface MacroscopicCrossSectionOptions {
  /** Elastic cross sections (all elements but H) are zero below this energy, MeV; default ELASTIC_MIN_ENERGY_MEV. */
  readonly elasticMinEnergyMeV?: number;
}

/** One element's share of a material's mass coefficients, cm^2/g of material, at each energy. */
export interface ElementMacroscopicCrossSections {
  readonly atomicNumber: number;
  readonly massFraction: number;
  readonly source: NuclearDataSource;
  readonly nonelasticCm2PerG: Float64Array;
  readonly elasticCm2PerG: Float64Array;
}

export interface MacroscopicCrossSections {
  readonly material: Material;
  /** Proton kinetic energies, MeV. */
  readonly energiesMeV: Float64Array;
  /** In the order of material.elements. */
  readonly elements: readonly ElementMacroscopicCrossSections[];
  /** Sums over the elements, cm^2/g. */
  readonly nonelasticCm2PerG: Float64Array;
  readonly elasticCm2PerG: Float64Array;
  /** nonelastic + elastic, cm^2/g. */
  readonly totalCm2PerG: Float64Array;
}

/** Mass nuclear cross sections of `material` for protons at each of `energiesMeV`. */
export function macroscopicCrossSections(material: Material, energiesMeV: ArrayLike<number>,
  options: MacroscopicCrossSectionOptions = {}): MacroscopicCrossSections {
  const elasticMin = options.elasticMinEnergyMeV ?? ELASTIC_MIN_ENERGY_MEV;
  const n = energiesMeV.length;
  const energies = Float64Array.from(energiesMeV);
  const nonelasticTotal = new Float64Array(n);
  const elasticTotal = new Float64Array(n);
  const elements = material.elements.map(({ atomicNumber, massFraction }) => {
    const perBarn = (massFraction * AVOGADRO_PER_MOL * BARN_CM2) / getElement(atomicNumber).atomicWeight;
    const nonelastic = new Float64Array(n);
    const elastic = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const e = energies[j]!;
      nonelastic[j] = perBarn * elementCrossSectionBarn(atomicNumber, 'nonelastic', e);
      elastic[j] = atomicNumber !== 1 && e < elasticMin ? 0 : perBarn * elementCrossSectionBarn(atomicNumber, 'elastic', e);
      nonelasticTotal[j] = nonelasticTotal[j]! + nonelastic[j]!;
      elasticTotal[j] = elasticTotal[j]! + elastic[j]!;
    }
    return Object.freeze({
      atomicNumber, massFraction, source: nuclearDataSource(atomicNumber),
      nonelasticCm2PerG: nonelastic, elasticCm2PerG: elastic,
    });
  });
  const total = new Float64Array(n);
  for (let j = 0; j < n; j++) total[j] = nonelasticTotal[j]! + elasticTotal[j]!;
  return Object.freeze({
    material, energiesMeV: energies, elements: Object.freeze(elements),
    nonelasticCm2PerG: nonelasticTotal, elasticCm2PerG: elasticTotal, totalCm2PerG: total,
  });
}

/** Nonelastic mass coefficient of `material` at one energy, cm^2/g (for integrals along a path). */
export function nonelasticCm2PerG(material: Material, energyMeV: number): number {
  let sum = 0;
  for (const { atomicNumber, massFraction } of material.elements) {
    sum += (massFraction * AVOGADRO_PER_MOL * BARN_CM2 * elementCrossSectionBarn(atomicNumber, 'nonelastic', energyMeV))
      / getElement(atomicNumber).atomicWeight;
  }
  return sum;
}
