/**
 * Ion reaction cross sections on the two grids of a range table (src/physics/rangeTables.ts), as
 * src/physics/nuclear/kernelGrids.ts does for protons: the log-spaced energy grid
 * (rangeTableEnergiesMeVPerU) and the range grid (energyAtRangeMeVPerU). Energies below
 * the Coulomb barrier give 0. Nothing is packed for a kernel here.
 */
import { rangeTableEnergiesMeVPerU } from '../nuclear/kernelGrids.js';
import type { RangeTable } from '../rangeTables.js';
import type { IonMacroscopicCrossSections } from './macroscopicCrossSections.js';
import { ionMacroscopicCrossSections } from './macroscopicCrossSections.js';
import type { Nuclide } from './nuclides.js';

export interface IonKernelGridCrossSections {
  /** At rangeTableEnergiesMeVPerU(table). */
  readonly energyGrid: IonMacroscopicCrossSections;
  /** At table.energyAtRangeMeVPerU. */
  readonly rangeGrid: IonMacroscopicCrossSections;
}

/**
 * Reaction cross sections of the range table's material on both of its grids, for `projectile`
 * (default: the table's own ion; a fragment may be given to use the grid of another table).
 */
export function ionKernelGridCrossSections(table: RangeTable, projectile: Nuclide = table.ion): IonKernelGridCrossSections {
  return {
    energyGrid: ionMacroscopicCrossSections(projectile, table.material, rangeTableEnergiesMeVPerU(table)),
    rangeGrid: ionMacroscopicCrossSections(projectile, table.material, table.energyAtRangeMeVPerU),
  };
}
