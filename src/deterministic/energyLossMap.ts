/**
 * The energy-loss operator's tables (README.md, "loseEnergy"): for every energy
 * bin e and material m, where the particles of bin e go in one step ds.
 *
 * The mean end point is the CSDA step of csdaStep.ts, placed at fractional bin p
 * by its water range; the spread is Bohr's energy-loss straggling, the same
 * formula and constant as the Monte Carlo (assembly/stepScalar.ts step 2; PDG
 * Review of Particle Physics, "Passage of particles through matter"; ICRU 49):
 *
 *   sigma_E^2 = K m_e c^2 z^2 (Z/A) rho ds gamma^2 (1 - beta^2/2)   (MeV^2, whole ion),
 *
 * with beta and gamma at the step's mid energy, turned into water range with the
 * water stopping power at the end energy (dR = dE / S) and into bins^2 (s).
 *
 * Targets: three bins c-1, c, c+1 around c = round(p) with mean p and variance s
 * where all three weights are >= 0, s + d^2 <= 1 (d = p - c) and c + 1 <= e;
 * where s is too small for that, the two bins around p (linear split, mean p,
 * variance f(1 - f) > s: the grid's numerical straggling, which grid.ts keeps
 * small by its choice of bins per step); where s + d^2 > 1 (bins narrower than
 * the straggling of one step), that linear split convolved with the symmetric
 * kernel of variance s - f(1 - f) (scatteringKernels.ts angularKernel: three
 * points, or a discrete Gaussian tuned to the variance), so mean p and variance
 * s exactly on more bins. No target lies above e, not even one of weight 0 (an
 * unused slot is put below the others; a wide placement's part above e, which
 * would need a step shorter than four standard deviations of its straggling,
 * is folded onto e). Every (e, m) has the same number of slots, the most any
 * placement needs (at least 3). Targets below bin 0 are below
 * the cut-off energy: absorbed, their energy deposited. A particle whose mean
 * path ends below the cut-off energy within the step is absorbed whole.
 *
 * Conserved: particles (the weights sum to 1), energy (the deposit is
 * E_e - sum over targets j >= 0 of w_j E_j, in f64), and the mean water range
 * after the step, sum w_j j = p, which is the material's CSDA range loss rho_m ds
 * carried over to water range (exactly one bin per step in water on the default grid).
 */
import { KERNEL_CONSTANTS } from '../engine/kernelConstants.js';
import type { Ion, Material } from '../physics/index.js';
import { csdaStep } from './csdaStep.js';
import type { PhaseSpaceGrid } from './grid.js';
import { angularKernel } from './scatteringKernels.js';

export interface EnergyLossMap {
  /** Targets per (e, m), L >= 3. */
  readonly slots: number;
  /** Lowest target bin jLo of [e * nMat + m]; targets are jLo + k, k = 0..L-1; below 0 = absorbed. */
  readonly firstBin: Int32Array;
  /** Fraction of bin e's particles that land in bin jLo + k: [(e * nMat + m) * L + k]; sums to 1. */
  readonly weights: Float64Array;
  /** Energy deposited per particle of bin e (MeV): E_e - sum over targets >= 0 of w E_target. */
  readonly depositMeV: Float64Array;
  /** Fraction absorbed (targets below bin 0). */
  readonly absorbed: Float64Array;
  /** p: the mean end point in bins (by water range). */
  readonly positionBins: Float64Array;
  /** s: the Bohr straggling variance of the step in bins^2 (0 for particles that stop). */
  readonly stragglingBins2: Float64Array;
  /** Variance of the targets about p (bins^2): s where three bins could match it. */
  readonly targetVarianceBins2: Float64Array;
  /** The furthest any particle moves down in one step, over targets >= 0 (bins). */
  readonly maxDropBins: number;
}

/**
 * Bohr's straggling variance of the energy lost over a mass thickness (MeV^2, whole ion),
 * with the relativistic factor at the mean of the start and end energies, as the Monte Carlo.
 */
export function bohrVarianceMeV2(ion: Ion, material: Material, massStepGPerCm2: number,
  startEnergyMeVPerU: number, endEnergyMeVPerU: number): number {
  const midEnergy = 0.5 * (startEnergyMeVPerU + endEnergyMeVPerU);
  const gamma = 1 + midEnergy / (ion.massMeV / ion.massNumber);
  const gamma2 = gamma * gamma;
  const beta2 = 1 - 1 / gamma2;
  const z2 = ion.chargeNumber * ion.chargeNumber;
  return KERNEL_CONSTANTS.BOHR_K_ME_C2 * z2 * material.zOverAMolPerG * massStepGPerCm2 * gamma2 * (1 - beta2 / 2);
}

/** Where a bin's particles land: weights of bins firstBin + k, and their variance about p (bins^2). */
export interface Placement { firstBin: number; weights: number[]; varianceBins2: number }

/** Bins for mean p and variance s, none above e (see the file comment). */
export function placeInBins(p: number, s: number, e: number): Placement {
  const c = Math.round(p);
  const d = p - c;
  const spread = s + d * d; // second moment about c
  if (c + 1 <= e && spread >= Math.abs(d) && spread <= 1) {
    return { firstBin: c - 1, weights: [(spread - d) / 2, 1 - spread, (spread + d) / 2], varianceBins2: s };
  }
  const lo = Math.min(Math.floor(p), e - 1);
  const f = p - lo;
  const split = f * (1 - f);
  if (spread > 1 && s > split) return widePlacement(lo, f, s - split, e);
  // The unused third slot goes below the pair where above it would be bin e + 1.
  return lo + 2 <= e
    ? { firstBin: lo, weights: [1 - f, f, 0], varianceBins2: split }
    : { firstBin: lo - 1, weights: [0, 1 - f, f], varianceBins2: split };
}

/**
 * The linear split of p = lo + f onto lo, lo + 1 convolved with the symmetric
 * kernel of variance v: bins lo - J .. lo + 1 + J, mean p, variance f(1 - f) + v;
 * the part above e folded onto e.
 */
function widePlacement(lo: number, f: number, v: number, e: number): Placement {
  const side = angularKernel(v);
  const halfWidth = side.length - 1;
  const kernel = (j: number) => (Math.abs(j) <= halfWidth ? side[Math.abs(j)]! : 0);
  const weights = Array.from({ length: 2 * halfWidth + 2 }, (_, i) => (1 - f) * kernel(i - halfWidth) + f * kernel(i - halfWidth - 1));
  const firstBin = lo - halfWidth;
  const above = firstBin + weights.length - 1 - e;
  if (above > 0) {
    const folded = weights.splice(weights.length - above, above).reduce((a, b) => a + b, 0);
    weights[weights.length - 1] = weights[weights.length - 1]! + folded;
  }
  const mean = weights.reduce((a, w, k) => a + w * (firstBin + k), 0);
  const varianceBins2 = weights.reduce((a, w, k) => a + w * (firstBin + k - mean) ** 2, 0);
  return { firstBin, weights, varianceBins2 };
}

/** A particle that stops within the step: every slot below bin 0. */
const STOPPED: Placement = { firstBin: -3, weights: [0, 0, 1], varianceBins2: 0 };

export function buildEnergyLossMap(grid: PhaseSpaceGrid): EnergyLossMap {
  const { ne, ion, energyMeV } = grid;
  const nMat = grid.materials.length;
  const placements: Placement[] = new Array(ne * nMat);
  const positionBins = new Float64Array(ne * nMat);
  const stragglingBins2 = new Float64Array(ne * nMat);
  const targetVarianceBins2 = new Float64Array(ne * nMat);
  for (let e = 0; e < ne; e++) {
    for (let m = 0; m < nMat; m++) {
      const i = e * nMat + m;
      const step = csdaStep(grid, e, m);
      positionBins[i] = step.positionBins;
      if (step.stopped) {
        placements[i] = STOPPED;
      } else {
        const varianceMeV2 = bohrVarianceMeV2(ion, grid.materials[m]!.material, step.massStepGPerCm2,
          grid.energyMeVPerU[e]!, step.endEnergyMeVPerU);
        const waterStopping = grid.water.stoppingPowerMeVCm2PerG(step.endEnergyMeVPerU);
        const sigmaBins = Math.sqrt(varianceMeV2) / waterStopping / grid.rangeStepGPerCm2;
        stragglingBins2[i] = sigmaBins * sigmaBins;
        placements[i] = placeInBins(step.positionBins, stragglingBins2[i]!, e);
      }
      targetVarianceBins2[i] = placements[i]!.varianceBins2;
    }
  }
  const slots = placements.reduce((most, p) => Math.max(most, p.weights.length), 3);
  const firstBin = new Int32Array(ne * nMat);
  const weights = new Float64Array(ne * nMat * slots);
  const depositMeV = new Float64Array(ne * nMat);
  const absorbed = new Float64Array(ne * nMat);
  let maxDropBins = 0;
  placements.forEach((placement, i) => {
    const e = Math.floor(i / nMat);
    // Unused slots go below the placement's bins (none may lie above e).
    const pad = slots - placement.weights.length;
    firstBin[i] = placement.firstBin - pad;
    let kept = 0;
    placement.weights.forEach((w, k) => {
      const target = placement.firstBin + k;
      weights[i * slots + pad + k] = w;
      if (target < 0) {
        absorbed[i] = absorbed[i]! + w;
      } else if (w > 0) {
        kept += w * energyMeV[target]!;
        maxDropBins = Math.max(maxDropBins, e - target);
      }
    });
    depositMeV[i] = energyMeV[e]! - kept;
  });
  return { slots, firstBin, weights, depositMeV, absorbed, positionBins, stragglingBins2, targetVarianceBins2, maxDropBins };
}
