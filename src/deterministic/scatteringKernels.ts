/**
 * The scattering operator's kernels (README.md, "scatter"): for every energy
 * bin e and material m, the probabilities w_j that a particle moves j direction
 * bins in half a step.
 *
 * Variance: the increase of Highland's cumulative Theta2 (highland.ts, as the
 * Monte Carlo) along the CSDA path in material m from the beam's top energy,
 * over one step from E_e to the mean end energy E' (csdaStep.ts; the cut-off
 * energy where the particle stops in the step): the full step adds
 * Theta2_m(E') - Theta2_m(E_e); half a step adds half of it, v in bins^2.
 *
 * Kernel: v <= 1: three points, w_(+-1) = v/2, w_0 = 1 - v. v > 1: a discrete
 * Gaussian exp(-j^2 / (2 tau^2)) truncated at J = ceil(4 sqrt(v)), with tau tuned
 * (Newton) so that its variance is v to 1e-12 relative. Both are symmetric (mean
 * 0) and w_0 = 1 - 2 sum_(j>0) w_j, so the weights sum to 1 to rounding.
 *
 * A kernel wider than the direction grid (J > nTheta - 1) has its tail folded
 * onto j = +-(nTheta - 1): under the solver's folding of targets beyond the
 * first and last bins a shift of nTheta - 1 or more takes every bin to the edge
 * bin, so the folded kernel acts exactly as the whole one (its own variance is
 * then below v).
 */
import { csdaStep } from './csdaStep.js';
import type { PhaseSpaceGrid } from './grid.js';
import { cumulativeHighlandTheta2Rad2 } from './highland.js';

export interface ScatteringKernels {
  /** Largest half-width over all kernels; each kernel has K = 2 jMax + 1 slots. */
  readonly jMax: number;
  /** Half-width J of the kernel of [e * nMat + m] (J <= jMax; 0 = no scattering). */
  readonly halfWidth: Int32Array;
  /** w_j at [(e * nMat + m) * K + (j + jMax)], j = -J..J; zeros beyond J. */
  readonly weights: Float64Array;
  /** v: the angular variance of half a step (bins^2), [e * nMat + m]. */
  readonly halfStepVarianceBins2: Float64Array;
}

/** Relative accuracy to which a discrete Gaussian's variance matches v. */
const VARIANCE_TOLERANCE = 1e-13;

/** One side (j = 0..J) of the symmetric kernel of variance v (bins^2), as described above. */
export function angularKernel(v: number): Float64Array {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`angularKernel: variance ${v} is not a finite non-negative number`);
  if (v === 0) return Float64Array.of(1);
  if (v <= 1) return Float64Array.of(1 - v, v / 2);
  const halfWidth = Math.ceil(4 * Math.sqrt(v));
  const side = new Float64Array(halfWidth + 1);
  let tau2 = v;
  for (let iteration = 0; iteration < 50; iteration++) {
    let norm = 1;
    for (let j = 1; j <= halfWidth; j++) {
      side[j] = Math.exp((-j * j) / (2 * tau2));
      norm += 2 * side[j]!;
    }
    let tails = 0, second = 0, fourth = 0;
    for (let j = 1; j <= halfWidth; j++) {
      side[j] = side[j]! / norm;
      tails += side[j]!;
      second += j * j * side[j]!;
      fourth += j * j * j * j * side[j]!;
    }
    side[0] = 1 - 2 * tails;
    const variance = 2 * second;
    if (Math.abs(variance - v) <= VARIANCE_TOLERANCE * v) return side;
    // d(variance)/d(tau^2) = (<j^4> - <j^2>^2) / (2 tau^4) for weights proportional to exp(-j^2 / (2 tau^2)).
    const slope = (2 * fourth - variance * variance) / (2 * tau2 * tau2);
    tau2 = Math.max(tau2 - (variance - v) / slope, 0.5 * tau2);
  }
  throw new Error(`angularKernel: the discrete Gaussian of variance ${v} bins^2 did not converge`);
}

/** Folds a kernel side wider than `maxShift` onto j = maxShift (an exact equivalent under edge folding). */
function foldedSide(side: Float64Array, maxShift: number): Float64Array {
  if (side.length - 1 <= maxShift) return side;
  const folded = side.slice(0, maxShift + 1);
  for (let j = maxShift + 1; j < side.length; j++) folded[maxShift] = folded[maxShift]! + side[j]!;
  return folded;
}

export function buildScatteringKernels(grid: PhaseSpaceGrid): ScatteringKernels {
  const { ne, nTheta, dThetaRad } = grid;
  const nMat = grid.materials.length;
  const halfStepVarianceBins2 = new Float64Array(ne * nMat);
  grid.materials.forEach((material, m) => {
    // Theta2 at the bins' energies (first ne) and at the steps' end energies (next ne).
    const energies = new Float64Array(2 * ne);
    energies.set(grid.energyMeVPerU);
    for (let e = 0; e < ne; e++) energies[ne + e] = csdaStep(grid, e, m).endEnergyMeVPerU;
    const theta2 = cumulativeHighlandTheta2Rad2(material.range, grid.topEnergyMeVPerU, energies);
    for (let e = 0; e < ne; e++) {
      const fullStepRad2 = Math.max(theta2[ne + e]! - theta2[e]!, 0);
      halfStepVarianceBins2[e * nMat + m] = fullStepRad2 / 2 / (dThetaRad * dThetaRad);
    }
  });

  const sides = Array.from(halfStepVarianceBins2, (v) => foldedSide(angularKernel(v), nTheta - 1));
  const jMax = sides.reduce((widest, side) => Math.max(widest, side.length - 1), 0);
  const slots = 2 * jMax + 1;
  const halfWidth = new Int32Array(ne * nMat);
  const weights = new Float64Array(ne * nMat * slots);
  sides.forEach((side, i) => {
    halfWidth[i] = side.length - 1;
    const centre = i * slots + jMax;
    weights[centre] = side[0]!;
    for (let j = 1; j < side.length; j++) {
      weights[centre + j] = side[j]!;
      weights[centre - j] = side[j]!;
    }
  });
  return { jMax, halfWidth, weights, halfStepVarianceBins2 };
}
