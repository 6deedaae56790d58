/**
 * The beam's source term: psi in the first row of cells (z = 0) for one
 * primary, so that the dose comes out per primary. The Monte Carlo's beam
 * (assembly/lanes.ts startHistory) is a product of independent Gaussians;
 * each is integrated over the bins of its own axis:
 *
 * - x: the spot (beam.spotSigmaMm x, centre beam.centerMm x) over each cell's
 *   edges. The part beyond the phantom's sides misses it, as in the Monte Carlo
 *   (a missed history): it is left out of psi and reported, so the row holds
 *   1 - missedFraction (1 to rounding for a spot well inside the phantom).
 *   Without a spot size, the whole primary goes in the cell holding the centre.
 * - energy: the spread (beam.energySpreadMeVPerU) over the bins' edges, the
 *   energies at the midpoints between bin centres in water range; the top and
 *   bottom bins take the tails. Without a spread, the top bin, which holds the
 *   beam energy exactly.
 * - direction: the divergence (beam.divergenceSigmaMrad x). The Monte Carlo
 *   starts a particle along (theta_x, theta_y, 1), so its angle in the x-z
 *   plane is atan(theta_x), and bin t gets P(tan(edge_lo) <= theta_x < tan(edge_hi));
 *   the edge bins take the tails (as the scattering operator folds them). Without
 *   divergence, the axis bin t = nTheta/2.
 *
 * The energy and direction factors are normalised to sum to 1 (to rounding).
 */
import type { ResolvedConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import type { PhaseSpaceGrid } from './grid.js';
import { normalIntervalProbability } from './normalDistribution.js';

export interface BeamSource {
  /** Fraction of a primary in energy bin e; sums to 1. */
  readonly energyWeights: Float64Array;
  /** Fraction of a primary entering cell x of row 0; sums to 1 - missedFraction. */
  readonly xWeights: Float64Array;
  /** Fraction of a primary in direction bin t; sums to 1. */
  readonly thetaWeights: Float64Array;
  /** psi of row z = 0 per primary, [(e * nx + x) * nTheta + t] = energyWeights[e] xWeights[x] thetaWeights[t]. */
  readonly values: Float64Array;
  /** The energy bins that hold particles: [firstEnergyBin, energyBinEnd). */
  readonly firstEnergyBin: number;
  readonly energyBinEnd: number;
  /** Fraction of a primary that misses the phantom's entrance face in x. */
  readonly missedFraction: number;
  /** Energy entering the grid per primary (MeV): sum of values x E_e. */
  readonly incidentEnergyMeV: number;
  /** Energy of the missed part per primary (MeV). */
  readonly missedEnergyMeV: number;
}

/** Probabilities of the intervals between consecutive `edges` for a Gaussian (mean, sigma); the edges may be infinite. */
function gaussianBinWeights(edges: Float64Array, mean: number, sigma: number): Float64Array {
  const weights = new Float64Array(edges.length - 1);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = normalIntervalProbability((edges[i]! - mean) / sigma, (edges[i + 1]! - mean) / sigma);
  }
  return weights;
}

function scaledToSum(weights: Float64Array, total: number): Float64Array {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (w * total) / sum);
}

function oneHot(length: number, index: number): Float64Array {
  const weights = new Float64Array(length);
  weights[index] = 1;
  return weights;
}

function xComponent(value: number | readonly [number, number]): number {
  return typeof value === 'number' ? value : value[0];
}

/** Spot profile over the x cells, and the part that misses the phantom. */
function lateralWeights(config: ResolvedConfig, grid: PhaseSpaceGrid): { weights: Float64Array; missed: number } {
  const { nx, dxMm, originXMm } = grid;
  const centreMm = config.beam.centerMm[0];
  const sigmaMm = xComponent(config.beam.spotSigmaMm);
  const halfWidthMm = (nx * dxMm) / 2;
  if (Math.abs(centreMm) >= halfWidthMm) {
    throw new BraggInputError(`beam.centerMm x ${centreMm} misses the phantom, whose entrance face spans x within ±${halfWidthMm} mm`);
  }
  if (sigmaMm === 0) return { weights: oneHot(nx, Math.floor((centreMm - originXMm) / dxMm)), missed: 0 };
  const edges = Float64Array.from({ length: nx + 1 }, (_, i) => originXMm + i * dxMm);
  const missed = normalIntervalProbability(-Infinity, (edges[0]! - centreMm) / sigmaMm)
    + normalIntervalProbability((edges[nx]! - centreMm) / sigmaMm, Infinity);
  return { weights: scaledToSum(gaussianBinWeights(edges, centreMm, sigmaMm), 1 - missed), missed };
}

/** Energy spread over the energy bins (edges at the midpoints in water range; the outer bins take the tails). */
function energyWeights(config: ResolvedConfig, grid: PhaseSpaceGrid): Float64Array {
  const { ne, waterRangeGPerCm2, water } = grid;
  const sigma = config.beam.energySpreadMeVPerU;
  if (sigma === 0) return oneHot(ne, ne - 1);
  const edges = new Float64Array(ne + 1);
  edges[0] = -Infinity;
  edges[ne] = Infinity;
  for (let e = 1; e < ne; e++) edges[e] = water.energyMeVPerU(0.5 * (waterRangeGPerCm2[e - 1]! + waterRangeGPerCm2[e]!));
  return scaledToSum(gaussianBinWeights(edges, config.beam.energyMeVPerU, sigma), 1);
}

/** Divergence over the direction bins, by tan of the bin edges (the edge bins take the tails). */
function directionWeights(config: ResolvedConfig, grid: PhaseSpaceGrid): Float64Array {
  const { nTheta, thetaRad, dThetaRad } = grid;
  const sigmaRad = xComponent(config.beam.divergenceSigmaMrad) / 1000;
  if (sigmaRad === 0) return oneHot(nTheta, nTheta / 2);
  const edges = Float64Array.from({ length: nTheta + 1 }, (_, t) =>
    (t === 0 ? -Infinity : t === nTheta ? Infinity : Math.tan(thetaRad[t]! - dThetaRad / 2)));
  return scaledToSum(gaussianBinWeights(edges, 0, sigmaRad), 1);
}

export function buildBeamSource(config: ResolvedConfig, grid: PhaseSpaceGrid): BeamSource {
  const { ne, nx, nTheta, energyMeV } = grid;
  const lateral = lateralWeights(config, grid);
  const xWeights = lateral.weights;
  const eWeights = energyWeights(config, grid);
  const thetaWeights = directionWeights(config, grid);
  const values = new Float64Array(ne * nx * nTheta);
  let firstEnergyBin = ne;
  let energyBinEnd = 0;
  let incidentEnergyMeV = 0;
  let meanEnergyMeV = 0;
  for (let e = 0; e < ne; e++) {
    const we = eWeights[e]!;
    if (we === 0) continue;
    firstEnergyBin = Math.min(firstEnergyBin, e);
    energyBinEnd = e + 1;
    meanEnergyMeV += we * energyMeV[e]!;
    let rowSum = 0;
    for (let x = 0; x < nx; x++) {
      const wex = we * xWeights[x]!;
      const base = (e * nx + x) * nTheta;
      for (let t = 0; t < nTheta; t++) {
        const value = wex * thetaWeights[t]!;
        values[base + t] = value;
        rowSum += value;
      }
    }
    incidentEnergyMeV += rowSum * energyMeV[e]!;
  }
  return {
    energyWeights: eWeights, xWeights, thetaWeights, values, firstEnergyBin, energyBinEnd,
    missedFraction: lateral.missed, incidentEnergyMeV, missedEnergyMeV: lateral.missed * meanEnergyMeV,
  };
}
