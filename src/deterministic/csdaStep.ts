/**
 * The mean (CSDA) end of one step: a particle of energy bin e that travels ds
 * in material m ends with E' = E_m(R_m(E_e) - rho_m ds), as the Monte Carlo's
 * mean energy loss (the range-table step of assembly/stepScalar.ts). Where
 * R_m(E_e) - rho_m ds falls below the cut-off energy's range, the particle
 * stops within the step. Shared by the energy-loss map and the scattering kernels.
 */
import type { PhaseSpaceGrid } from './grid.js';

export interface CsdaStep {
  /** Mean energy at the end of the step (MeV/u); the cut-off energy where the particle stops within the step. */
  readonly endEnergyMeVPerU: number;
  /** The mean path ends below the cut-off energy (the whole particle is absorbed in the step). */
  readonly stopped: boolean;
  /**
   * Fractional energy bin of the end point, by its water range:
   * p = e - (R_e - R_water(E')) / dR (for a stopped particle, of the cut-off energy).
   * In the grid's water at its own density p = e - K exactly (no round trip through E).
   */
  readonly positionBins: number;
  /** Mass thickness of the step, rho_m ds (g/cm^2). */
  readonly massStepGPerCm2: number;
}

export function csdaStep(grid: PhaseSpaceGrid, e: number, m: number): CsdaStep {
  const { range, densityGPerCm3 } = grid.materials[m]!;
  const massStepGPerCm2 = (densityGPerCm3 * grid.stepMm) / 10;
  const cutoffRange = range.rangeGPerCm2(grid.cutoffEnergyMeVPerU);
  const binRange = grid.waterRangeGPerCm2[e]!;
  const dR = grid.rangeStepGPerCm2;
  const isWater = range === grid.water;
  // In water the bin's own range is R_m(E_e): no round trip through the energy.
  const endRange = (isWater ? binRange : range.rangeGPerCm2(grid.energyMeVPerU[e]!)) - massStepGPerCm2;
  if (endRange < cutoffRange) {
    const cutoffWaterRange = grid.water.rangeGPerCm2(grid.cutoffEnergyMeVPerU);
    return { endEnergyMeVPerU: grid.cutoffEnergyMeVPerU, stopped: true, positionBins: e - (binRange - cutoffWaterRange) / dR, massStepGPerCm2 };
  }
  const endEnergyMeVPerU = range.energyMeVPerU(endRange);
  // A step of the grid's water moves exactly K bins (the quotient of the two could round off K).
  const positionBins = isWater && grid.binsPerStep !== null && massStepGPerCm2 === grid.waterStepGPerCm2
    ? e - grid.binsPerStep
    : isWater
      ? e - massStepGPerCm2 / dR
      : e - (binRange - grid.water.rangeGPerCm2(endEnergyMeVPerU)) / dR;
  return { endEnergyMeVPerU, stopped: false, positionBins, massStepGPerCm2 };
}
