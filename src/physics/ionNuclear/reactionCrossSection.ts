/**
 * The reaction cross section the engine uses for an ion on a target nucleus (mb), per pair:
 *
 *  - hydrogen targets, projectiles whose element ICRU Report 63 tabulates for protons (C, N, O
 *    here: 10C-12C, 14N-15N, 15O-16O): ICRU 63's proton nonelastic cross section of that element at
 *    the same energy per nucleon (src/physics/nuclear/elementCrossSections.ts). An ion of E MeV/u
 *    hitting a hydrogen nucleus is the reaction of a proton of E MeV with that ion at rest, seen
 *    from another frame, so the proton engine's own evaluated data apply and the two engines
 *    agree on it. ICRU 63 tabulates natural elements, which stand for the isotopes of the element
 *    (10C, 11C as 12C): the cross section scales as A^(2/3), 6 % from 11C to 12C, below the
 *    parameterisations' own spread. Above the table (250 MeV) it stays at its last value
 *    (crossSectionTable.ts); Tripathi's proton rule changes by +0.7 % for p + 12C and +0.7 % for
 *    p + 16O from 250 to 400 MeV, so the extension is flat where the parameterisation is.
 *    Tripathi's proton rule is 15-19 % above ICRU 63 for 12C at 100-250 MeV/u (tripathi.ts), and a
 *    third of 12C's reactions in water are on hydrogen: with it the mean free path of 12C in
 *    water was 20.3 cm, with ICRU 63 it is 21.0 cm.
 *  - every other pair, hydrogen targets of lighter projectiles included (d ... 11B on H):
 *    Tripathi's parameterisation (tripathi.ts, tripathiLight.ts).
 */
import { elementCrossSectionBarn, nuclearDataSource } from '../nuclear/elementCrossSections.js';
import type { Nuclide } from './nuclides.js';
import { checkEnergyMeVPerU, checkNuclide } from './nuclides.js';
import { tripathiCrossSectionMbUnchecked } from './tripathi.js';

const MB_PER_BARN = 1000;

/** Where the engine's cross section of a pair comes from. */
export type IonReactionDataSource = 'icru63-inverse' | 'tripathi';

function isHydrogen(nuclide: Nuclide): boolean {
  return nuclide.chargeNumber === 1 && nuclide.massNumber === 1;
}

export function ionReactionDataSource(projectile: Nuclide, target: Nuclide): IonReactionDataSource {
  const inverse = isHydrogen(target) && projectile.chargeNumber > 1 && nuclearDataSource(projectile.chargeNumber) === 'icru63';
  return inverse ? 'icru63-inverse' : 'tripathi';
}

/** For checked inputs (macroscopicCrossSections.ts checks once per call). */
export function ionReactionCrossSectionMbUnchecked(projectile: Nuclide, target: Nuclide, energyMeVPerU: number): number {
  if (ionReactionDataSource(projectile, target) === 'icru63-inverse') {
    return elementCrossSectionBarn(projectile.chargeNumber, 'nonelastic', energyMeVPerU) * MB_PER_BARN;
  }
  return tripathiCrossSectionMbUnchecked(projectile, target, energyMeVPerU);
}

/** The engine's reaction cross section of `projectile` on `target` at `energyMeVPerU`, mb. */
export function ionReactionCrossSectionMb(projectile: Nuclide, target: Nuclide, energyMeVPerU: number): number {
  checkNuclide(projectile, 'projectile');
  checkNuclide(target, 'target');
  checkEnergyMeVPerU(energyMeVPerU);
  return ionReactionCrossSectionMbUnchecked(projectile, target, energyMeVPerU);
}
