/**
 * How many energy bins a step in water moves (K, README.md "Energies"): the
 * energy grid's spacing is dR = rho_water ds / K, so a step in water moves
 * exactly K bins and adds no numerical straggling; a step in another material
 * moves a fractional number of bins, x = K p (p: the bins at K = 1), and the
 * energy-loss map (energyLossMap.ts) places it with mean x and the Bohr
 * variance K^2 s (s: at K = 1, bins^2) where three bins can hold it, which
 * needs K^2 s >= |d|(1 - |d|), d = x - round(x); otherwise on the two bins
 * around x, with the variance |d|(1 - |d|): an excess, numerical straggling,
 * that adds up step after step (a 20 mm slab of compact bone at K = 1 spread
 * a 100 MeV beam's range by 2.1 mm where Bohr's straggling gives 0.85 mm, and
 * its Bragg peak came out 0.71 of the Monte Carlo's).
 *
 * K is the smallest of 1..MAX_BINS_PER_STEP for which, in every material of
 * the grid, that excess along a path through the material is at most
 * NUMERICAL_STRAGGLING_TOLERANCE of the Bohr straggling of water along the same
 * water-equivalent path:
 *
 *   sum over e of excess_K(e, m) / p(e, m)  <=  tol x sum over e of s_water(e) / p(e, m)
 *
 * (1 / p: the steps a particle spends per bin of water-equivalent range; both in
 * bins^2 of K = 1; over the bins of the K = 1 grid, on which p and s vary slowly).
 * Or, when none is, the K with the smallest excess. Water at the density the grid
 * is spaced for has none: a water phantom keeps K = 1.
 */
import type { Ion, Material } from '../physics/index.js';
import { bohrVarianceMeV2 } from './energyLossMap.js';
import { csdaStep } from './csdaStep.js';
import type { PhaseSpaceGrid } from './grid.js';

export const MAX_BINS_PER_STEP = 8;
export const NUMERICAL_STRAGGLING_TOLERANCE = 0.1;

/** Per material of `grid1` (a grid of K = 1), for K = 1..maxK: the excess of the metric above over water's Bohr straggling. */
export function numericalStragglingRatios(grid1: PhaseSpaceGrid, waterMaterial: Material, maxK = MAX_BINS_PER_STEP): number[][] {
  const { ne, ion } = grid1;
  const dR = grid1.rangeStepGPerCm2;
  const waterStep = (waterMaterial.densityGPerCm3 * grid1.stepMm) / 10;
  // Water's Bohr straggling of one step from bin e (which ends at bin e - 1 on a grid of K = 1), bins^2.
  const waterBins2 = (e: number) => bohrBins2(ion, waterMaterial, waterStep, grid1, e, grid1.energyMeVPerU[e - 1]!, dR);
  const sWater = Float64Array.from({ length: ne }, (_, e) => (e >= 1 ? waterBins2(e) : 0));
  return grid1.materials.map((_, m) => {
    const excess = new Float64Array(maxK + 1);
    let reference = 0;
    for (let e = 1; e < ne; e++) {
      const step = csdaStep(grid1, e, m);
      if (step.stopped) continue;
      const p = e - step.positionBins;
      if (!(p > 0)) continue;
      const s = bohrBins2(ion, grid1.materials[m]!.material, step.massStepGPerCm2, grid1, e, step.endEnergyMeVPerU, dR);
      reference += sWater[e]! / p;
      for (let k = 1; k <= maxK; k++) {
        const x = k * p;
        const d = Math.abs(x - Math.round(x));
        excess[k] = excess[k]! + Math.max(0, d * (1 - d) - k * k * s) / (k * k) / p;
      }
    }
    return Array.from({ length: maxK }, (_, i) => (reference > 0 ? excess[i + 1]! / reference : 0));
  });
}

/** Bohr's variance of one step from bin e to `endEnergyMeVPerU`, in bins^2 of dR (as energyLossMap.ts). */
function bohrBins2(ion: Ion, material: Material, massStepGPerCm2: number, grid: PhaseSpaceGrid, e: number,
  endEnergyMeVPerU: number, dR: number): number {
  const varianceMeV2 = bohrVarianceMeV2(ion, material, massStepGPerCm2, grid.energyMeVPerU[e]!, endEnergyMeVPerU);
  const sigmaBins = Math.sqrt(varianceMeV2) / grid.water.stoppingPowerMeVCm2PerG(endEnergyMeVPerU) / dR;
  return sigmaBins * sigmaBins;
}

/** The K of the file comment, and the excess ratio (worst material) it leaves. */
export function chooseBinsPerStep(grid1: PhaseSpaceGrid, waterMaterial: Material, maxK = MAX_BINS_PER_STEP): { binsPerStep: number; excessRatio: number } {
  const ratios = numericalStragglingRatios(grid1, waterMaterial, maxK);
  const worst = Array.from({ length: maxK }, (_, i) => ratios.reduce((w, r) => Math.max(w, r[i]!), 0));
  const first = worst.findIndex((r) => r <= NUMERICAL_STRAGGLING_TOLERANCE);
  const best = first >= 0 ? first : worst.indexOf(Math.min(...worst));
  return { binsPerStep: best + 1, excessRatio: worst[best]! };
}
