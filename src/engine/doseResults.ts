/**
 * From integer tallies to physical results: dose per primary (Gy) and its
 * one-sigma uncertainty per voxel by the history-by-history method
 * (Walters, Kawrakow, Rogers, Med. Phys. 29 (2002) 2745):
 *   mean x = S1/N,  s^2(mean) = (S2/N - (S1/N)^2) / (N - 1),
 * the laterally integrated depth dose, and the run's energy bookkeeping.
 */
import type { RawTallies } from './monteCarlo.js';
import { ENERGY_UNITS_PER_MEV, ENERGY_SQ_UNITS_PER_MEV2, LENGTH_UNITS_PER_MM } from './layout.js';

/** 1 MeV in joules (CODATA 2018, exact). */
export const JOULES_PER_MEV = 1.602176634e-13;

export interface DoseResults {
  /** Dose per primary (Gy), [nz][ny][nx] flattened, x fastest. */
  readonly doseGyPerPrimary: Float64Array;
  /** One-sigma statistical uncertainty of doseGyPerPrimary (Gy per primary). */
  readonly uncertaintyGyPerPrimary: Float64Array;
  /** Bin-centre depths (mm). */
  readonly depthMm: Float64Array;
  /** Laterally integrated dose, sum over x, y of D dx dy (Gy mm^2 per primary). */
  readonly depthDoseGyMm2PerPrimary: Float64Array;
  readonly depthDoseUncertaintyGyMm2PerPrimary: Float64Array;
  readonly energy: EnergyBookkeeping;
  readonly rangeStraggling: { readonly stoppedPerPrimary: number; readonly meanStopDepthMm: number; readonly sigmaStopDepthMm: number };
  readonly lateralProbe: LateralProbe | null;
  readonly steps: number;
  readonly listOverflows: number;
  readonly abortedHistories: number;
  readonly missedHistories: number;
}

/** Energies per primary (MeV): incident = deposited + absorbed below cut-off + escaped. */
export interface EnergyBookkeeping {
  readonly incidentMeVPerPrimary: number;
  readonly depositedInStepsMeVPerPrimary: number;
  readonly absorbedBelowCutoffMeVPerPrimary: number;
  readonly escapedMeVPerPrimary: number;
  /** Total energy scored in the dose grid per primary (MeV). */
  readonly depositedMeVPerPrimary: number;
}

export interface LateralProbe {
  readonly depthMm: number; readonly particlesPerPrimary: number;
  readonly meanXMm: number; readonly sigmaXMm: number; readonly meanYMm: number; readonly sigmaYMm: number;
}

/** Value of a 128-bit (lo, hi) accumulator. */
function wide(words: BigUint64Array, i: number): number {
  return Number(words[2 * i + 1]!) * 2 ** 64 + Number(words[2 * i]!);
}

/** Mean and population standard deviation of n samples from their sum and sum of squares. */
function meanAndSpread(sum: number, sumSq: number, n: number): [number, number] {
  const mean = sum / n;
  return [mean, Math.sqrt(Math.max(sumSq / n - mean * mean, 0))];
}

/** Mean of n samples and the one-sigma uncertainty of that mean. */
function meanAndSigma(sum: number, sumSq: number, n: number): [number, number] {
  const mean = sum / n;
  const variance = n > 1 ? Math.max(sumSq / n - mean * mean, 0) / (n - 1) : 0;
  return [mean, Math.sqrt(variance)];
}

export function doseResults(t: RawTallies): DoseResults {
  const { nx, ny, nz, voxelSizeMm } = t.phantom;
  const [vx, vy, vz] = voxelSizeMm;
  const n = t.histories;
  const voxelCm3 = (vx * vy * vz) / 1000;
  const voxels = nx * ny * nz;
  const dose = new Float64Array(voxels);
  const sigma = new Float64Array(voxels);
  let depositedUnits = 0n;
  // History by history: N samples of one history each. Batch method: K samples (batches) of N/K histories.
  const samples = t.batches ? t.batches.count : n;
  const historiesPerSample = n / samples;
  const statistics = (sumMeV: number, sumSqMeV2: number): [number, number] => {
    const [mean, sd] = meanAndSigma(sumMeV, sumSqMeV2, samples);
    return [mean / historiesPerSample, sd / historiesPerSample];
  };
  for (let v = 0; v < voxels; v++) {
    const s1 = t.energySum[v]!;
    if (s1 === 0n) continue;
    depositedUnits += s1;
    const [mean, sd] = statistics(Number(s1) / ENERGY_UNITS_PER_MEV, t.batches ? t.batches.voxelSumSq[v]! : wide(t.energySq, v) / ENERGY_SQ_UNITS_PER_MEV2);
    const kgPerVoxel = (t.phantom.densityGPerCm3[v]! * voxelCm3) / 1000;
    dose[v] = (mean * JOULES_PER_MEV) / kgPerVoxel;
    sigma[v] = (sd * JOULES_PER_MEV) / kgPerVoxel;
  }
  const depthMm = new Float64Array(nz);
  const idd = new Float64Array(nz);
  const iddSigma = new Float64Array(nz);
  for (let iz = 0; iz < nz; iz++) {
    depthMm[iz] = (iz + 0.5) * vz;
    let sum = 0;
    for (let v = iz * nx * ny; v < (iz + 1) * nx * ny; v++) sum += dose[v]!;
    idd[iz] = sum * vx * vy;
    const [mean, sd] = statistics(Number(t.slabSum[iz]!) / ENERGY_UNITS_PER_MEV, t.batches ? t.batches.slabSumSq[iz]! : wide(t.slabSq, iz) / ENERGY_SQ_UNITS_PER_MEV2);
    // Relative uncertainty of the slab's energy, applied to its integrated dose.
    iddSigma[iz] = mean > 0 ? (idd[iz]! * sd) / mean : 0;
  }
  const c = t.counters;
  const perPrimary = (units: bigint) => Number(units) / ENERGY_UNITS_PER_MEV / n;
  const stopped = Number(c.stoppedCount);
  const [meanStop, sdStop] = stopped > 0
    ? meanAndSpread(Number(c.stopDepthSum) / LENGTH_UNITS_PER_MM, Number(c.stopDepthSumSq) / LENGTH_UNITS_PER_MM, stopped)
    : [0, 0];
  const probeCount = Number(c.probeCount);
  let lateralProbe: LateralProbe | null = null;
  if (t.probeZIndex >= 0) {
    const stat = (s: bigint, s2: bigint): [number, number] =>
      probeCount === 0 ? [0, 0] : meanAndSpread(Number(s) / LENGTH_UNITS_PER_MM, Number(s2) / LENGTH_UNITS_PER_MM, probeCount);
    const [mx, sx] = stat(c.probeSumX, c.probeSumXSq);
    const [my, sy] = stat(c.probeSumY, c.probeSumYSq);
    lateralProbe = { depthMm: t.probeZIndex * vz, particlesPerPrimary: probeCount / n, meanXMm: mx, sigmaXMm: sx, meanYMm: my, sigmaYMm: sy };
  }
  return {
    doseGyPerPrimary: dose,
    uncertaintyGyPerPrimary: sigma,
    depthMm,
    depthDoseGyMm2PerPrimary: idd,
    depthDoseUncertaintyGyMm2PerPrimary: iddSigma,
    energy: {
      incidentMeVPerPrimary: perPrimary(c.incidentEnergy),
      depositedInStepsMeVPerPrimary: perPrimary(c.depositedEnergy),
      absorbedBelowCutoffMeVPerPrimary: perPrimary(c.cutoffEnergy),
      escapedMeVPerPrimary: perPrimary(c.escapedEnergy),
      depositedMeVPerPrimary: perPrimary(depositedUnits),
    },
    rangeStraggling: { stoppedPerPrimary: stopped / n, meanStopDepthMm: meanStop, sigmaStopDepthMm: sdStop },
    lateralProbe,
    steps: Number(c.steps),
    listOverflows: Number(c.listOverflows),
    abortedHistories: Number(c.abortedHistories),
    missedHistories: Number(c.missedHistories),
  };
}
