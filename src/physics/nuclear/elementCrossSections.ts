/**
 * Microscopic proton cross sections (barn per atom) of every element of the built-in materials:
 *  - C, N, O, Al, Si, P, Ca, Fe, Cu, W, Pb: ICRU Report 63 tables (./icru63/), read lin-lin
 *    (crossSectionTable.ts);
 *  - H: p-p elastic fit, nonelastic zero (protonProtonElastic.ts);
 *  - the other elements (F, Na, Mg, S, Cl, Ar, K, Ti, Zn in the built-in materials): scaled from
 *    their two tabulated neighbours in atomic weight (elementScaling.ts).
 * Energies are proton kinetic energies in MeV.
 */
import type { CrossSectionTable } from './crossSectionTable.js';
import { crossSectionTable, interpolateCrossSectionBarn } from './crossSectionTable.js';
import type { NuclearChannel, ScalingNeighbours } from './elementScaling.js';
import { scalingNeighbours } from './elementScaling.js';
import { ICRU63_ELEMENTS } from './icru63/index.js';
import { protonProtonElasticBarn } from './protonProtonElastic.js';

export type NuclearDataSource = 'icru63' | 'scaled' | 'proton-proton';

const TABLES = new Map<number, Readonly<Record<NuclearChannel, CrossSectionTable>>>(
  ICRU63_ELEMENTS.map((e) => [e.atomicNumber, {
    nonelastic: crossSectionTable(e.nonelastic),
    elastic: crossSectionTable(e.elastic),
  }]),
);

/** Where an element's cross sections come from. */
export function nuclearDataSource(atomicNumber: number): NuclearDataSource {
  if (atomicNumber === 1) return 'proton-proton';
  return TABLES.has(atomicNumber) ? 'icru63' : 'scaled';
}

/** ICRU 63 table of a tabulated element, or undefined. */
function tableOf(atomicNumber: number, channel: NuclearChannel): CrossSectionTable | undefined {
  return TABLES.get(atomicNumber)?.[channel];
}

/** Cross section of one element, barn per atom, for a proton of `energyMeV`. */
export function elementCrossSectionBarn(atomicNumber: number, channel: NuclearChannel, energyMeV: number): number {
  if (atomicNumber === 1) return channel === 'elastic' ? protonProtonElasticBarn(energyMeV) : 0;
  const table = tableOf(atomicNumber, channel);
  if (table !== undefined) return interpolateCrossSectionBarn(table, energyMeV);
  return scaledCrossSectionBarn(scalingNeighbours(atomicNumber, channel), channel, energyMeV);
}

/** The scaling rule of elementScaling.ts applied to the neighbours' ICRU 63 tables, barn. */
export function scaledCrossSectionBarn(neighbours: ScalingNeighbours, channel: NuclearChannel, energyMeV: number): number {
  const { lower, upper, upperWeight, lowerFactor, upperFactor } = neighbours;
  const sigmaLower = interpolateCrossSectionBarn(tableOf(lower.atomicNumber, channel)!, energyMeV);
  const sigmaUpper = interpolateCrossSectionBarn(tableOf(upper.atomicNumber, channel)!, energyMeV);
  return (1 - upperWeight) * lowerFactor * sigmaLower + upperWeight * upperFactor * sigmaUpper;
}
