/**
 * Macroscopic nuclear cross sections on the two grids of the kernel's material tables
 * (src/engine/materialTables.ts, src/physics/rangeTables.ts):
 *  - the energy grid, log-spaced: E_i = E_min exp(i * logEnergyStep), first and last points exactly
 *    E_min and E_max (0.01-1000 MeV, 500 points per decade for the kernels);
 *  - the range grid, log-spaced in CSDA range: E_j = energyAtRangeMeVPerU[j], the grid on which the
 *    kernel reads E(R) and S(R) and would read a cross section by residual range.
 * Nothing is packed here; the arrays are ready for a later layout (src/engine/layout.ts).
 */
import type { RangeTable } from '../rangeTables.js';
import type { MacroscopicCrossSectionOptions, MacroscopicCrossSections } from './macroscopicCrossSections.js';
import { macroscopicCrossSections } from './macroscopicCrossSections.js';

/** The energies of a range table's energy grid, MeV/u, exactly as buildRangeTable placed them. */
export function rangeTableEnergiesMeVPerU(table: RangeTable): Float64Array {
  const n = table.length;
  const energies = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    energies[i] = i === n - 1 ? table.energyMaxMeVPerU
      : i === 0 ? table.energyMinMeVPerU : Math.exp(table.logEnergyMin + i * table.logEnergyStep);
  }
  return energies;
}

export interface KernelGridCrossSections {
  /** At rangeTableEnergiesMeVPerU(table). */
  readonly energyGrid: MacroscopicCrossSections;
  /** At table.energyAtRangeMeVPerU. */
  readonly rangeGrid: MacroscopicCrossSections;
}

/** Nuclear cross sections of a proton range table's material on both of its grids. */
export function kernelGridCrossSections(table: RangeTable,
  options?: MacroscopicCrossSectionOptions): KernelGridCrossSections {
  if (table.ion.chargeNumber !== 1 || table.ion.massNumber !== 1) {
    throw new RangeError(`nuclear cross sections are for protons only (table is for ${table.ion.id})`);
  }
  return {
    energyGrid: macroscopicCrossSections(table.material, rangeTableEnergiesMeVPerU(table), options),
    rangeGrid: macroscopicCrossSections(table.material, table.energyAtRangeMeVPerU, options),
  };
}
