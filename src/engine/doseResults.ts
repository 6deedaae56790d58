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
  /** Nuclear events (elastic and nonelastic, of primaries and secondaries) per primary. */
  readonly nuclearEventsPerPrimary: number;
  /** Primaries that ended in a nonelastic nuclear event, per primary. */
  readonly primaryNonelasticPerPrimary: number;
  readonly secondariesPerPrimary: number;
  /** Secondaries deposited where they were made because their lane's stack was full (should be 0). */
  readonly stackOverflows: number;
}

/** Energies per primary (MeV): incident = deposited + absorbed below cut-off + escaped + neutral. */
export interface EnergyBookkeeping {
  readonly incidentMeVPerPrimary: number;
  /** Deposited along steps and locally at nuclear events (recoils, short-range fragments). */
  readonly depositedInStepsMeVPerPrimary: number;
  readonly absorbedBelowCutoffMeVPerPrimary: number;
  /** Charged particles leaving the phantom. */
  readonly escapedMeVPerPrimary: number;
  /** Carried off by neutrons and gammas of nuclear events, with the reactions' binding energy (0 without nuclear events). */
  readonly neutralMeVPerPrimary: number;
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

/**
 * Estimated variance (MeV^2) of the summed energy of every voxel and slab:
 * from history-by-history sums, N/(N-1) (S2 - S1^2/N), or as already estimated.
 */
export function varianceOfSums(t: RawTallies): { voxel: Float64Array; slab: Float64Array } {
  if (t.sumVariance) return t.sumVariance;
  const n = t.histories;
  const one = (s1: bigint, words: BigUint64Array, i: number) => {
    if (s1 === 0n || n < 2) return 0;
    const sum = Number(s1) / ENERGY_UNITS_PER_MEV;
    return Math.max((n / (n - 1)) * (wide(words, i) / ENERGY_SQ_UNITS_PER_MEV2 - (sum * sum) / n), 0);
  };
  return {
    voxel: Float64Array.from(t.energySum, (s1, i) => one(s1, t.energySq, i)),
    slab: Float64Array.from(t.slabSum, (s1, i) => one(s1, t.slabSq, i)),
  };
}

/** Tallies of two runs of the same config over disjoint histories, added (variances of sums add too). */
export function mergeTallies(a: RawTallies, b: RawTallies): RawTallies {
  const va = varianceOfSums(a), vb = varianceOfSums(b);
  const counters = { ...a.counters };
  for (const k of Object.keys(counters) as Array<keyof typeof counters>) counters[k] += b.counters[k];
  return {
    ...a,
    histories: a.histories + b.histories,
    energySum: a.energySum.map((s, i) => s + b.energySum[i]!),
    slabSum: a.slabSum.map((s, i) => s + b.slabSum[i]!),
    slabPrimaries: a.slabPrimaries.map((s, i) => s + b.slabPrimaries[i]!),
    chargeSum: a.chargeSum && b.chargeSum ? a.chargeSum.map((s, i) => s + b.chargeSum![i]!) : null,
    energySq: new BigUint64Array(0), slabSq: new BigUint64Array(0),
    letSum: a.letSum && b.letSum ? a.letSum.map((s, i) => s + b.letSum![i]!) : null,
    sumVariance: { voxel: va.voxel.map((v, i) => v + vb.voxel[i]!), slab: va.slab.map((v, i) => v + vb.slab[i]!), method: 'combined' },
    counters,
    wallSeconds: a.wallSeconds + b.wallSeconds,
    completedHistories: undefined, stoppedEarly: undefined,
  };
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
  // History by history from the sums of squares; otherwise from the variance of the summed energy.
  const statistics = (sumMeV: number, sumSqMeV2: () => number, varianceOfSum: number | undefined): [number, number] =>
    varianceOfSum === undefined ? meanAndSigma(sumMeV, sumSqMeV2(), n) : [sumMeV / n, Math.sqrt(varianceOfSum) / n];
  for (let v = 0; v < voxels; v++) {
    const s1 = t.energySum[v]!;
    if (s1 === 0n) continue;
    depositedUnits += s1;
    const [mean, sd] = statistics(Number(s1) / ENERGY_UNITS_PER_MEV, () => wide(t.energySq, v) / ENERGY_SQ_UNITS_PER_MEV2, t.sumVariance?.voxel[v]);
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
    const [mean, sd] = statistics(Number(t.slabSum[iz]!) / ENERGY_UNITS_PER_MEV, () => wide(t.slabSq, iz) / ENERGY_SQ_UNITS_PER_MEV2, t.sumVariance?.slab[iz]);
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
      neutralMeVPerPrimary: perPrimary(c.neutralEnergy),
      depositedMeVPerPrimary: perPrimary(depositedUnits),
    },
    rangeStraggling: { stoppedPerPrimary: stopped / n, meanStopDepthMm: meanStop, sigmaStopDepthMm: sdStop },
    lateralProbe,
    steps: Number(c.steps),
    listOverflows: Number(c.listOverflows),
    abortedHistories: Number(c.abortedHistories),
    missedHistories: Number(c.missedHistories),
    nuclearEventsPerPrimary: Number(c.nuclearEvents) / n,
    primaryNonelasticPerPrimary: Number(c.primaryNonelasticEvents) / n,
    secondariesPerPrimary: Number(c.secondaries) / n,
    stackOverflows: Number(c.stackOverflows),
  };
}
