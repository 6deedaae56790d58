/**
 * From the solver's tallies to what a run reports, in the Monte Carlo's
 * outputs' shapes so the two compare directly (`bragg compare`): dose per unit
 * length in y of a beam uniform in y (Gy mm per primary), which equals the
 * Monte Carlo pencil beam's dose integrated over y; grid [nz, 1, nx].
 */
import type { ResolvedConfig } from '../config/schema.js';
import { depthDoseMetrics } from '../analysis/depthDose.js';
import { JOULES_PER_MEV } from '../engine/doseResults.js';
import type { DeterministicTallies } from './solver.js';

export const DOSE_PROJECTION = 'integrated over y';

export interface DeterministicSummary {
  readonly solver: 'deterministic';
  /** The bragg-engine version and the dose quantity (added by simulate()). */
  readonly engineVersion?: string;
  readonly doseQuantity?: string;
  readonly particle: string;
  readonly energyMeVPerU: number;
  readonly backend: string;
  readonly adapter?: string;
  readonly variant: string;
  readonly threads: number;
  /** dose.npy holds the dose integrated over y (Gy mm per primary): the solver is 2-D, its beam uniform in y. */
  readonly doseProjection: typeof DOSE_PROJECTION;
  readonly doseUnit: 'Gy mm per primary';
  readonly peakDepthMm: number;
  readonly r90Mm: number | null;
  readonly r80Mm: number | null;
  readonly r20Mm: number | null;
  readonly entranceToPeak: number;
  readonly incidentEnergyMeVPerPrimary: number;
  readonly energyDepositedMeVPerPrimary: number;
  readonly energyEscapedMeVPerPrimary: number;
  /** Energy carried off by neutrons and gammas of nonelastic nuclear events, with their binding energy (0 with transport.nuclear off). */
  readonly neutralEnergyMeVPerPrimary: number;
  /** Energy of secondary protons emitted beyond the angle grid with an in-plane range over one cell, not transported (README.md, "Nuclear events"). */
  readonly energyBeyondAngleGridMeVPerPrimary: number;
  /** Expected nonelastic nuclear events per primary (all protons); 0 with transport.nuclear off. */
  readonly nuclearEventsPerPrimary: number;
  /**
   * Particles that entered (1 less the spot's tails beyond the phantom's sides) and secondaries placed, less those
   * absorbed, escaped, removed by nuclear events or remaining: 0 up to rounding.
   */
  readonly particleBalance: number;
  /** (incident - deposited - escaped - neutral - beyond the angle grid - remaining energy) / incident: 0 up to rounding. */
  readonly energyBalance: number;
  readonly steps: number;
  readonly stepMm: number;
  readonly phaseSpaceGrid: {
    readonly energyBins: number;
    /** K: energy bins a step in water moves (null when the settings gave energyBins). */
    readonly energyBinsPerStep: number | null;
    readonly angleBins: number; readonly angleStepDeg: number; readonly nz: number; readonly nx: number;
  };
  readonly wallSeconds: number;
  readonly transportSeconds: number;
  readonly secondsPerStep: number;
  /** Phase-space bins the operators visited per second (each operator's visit counts once). */
  readonly binsPerSecond: number;
  readonly gridShape: readonly [number, number, number];
  /** [dz, dy, dx]; dy is the phantom's whole width in y, over which the dose is integrated. */
  readonly voxelSizeMm: readonly [number, number, number];
  readonly gridOriginMm: readonly [number, number, number];
}

export interface DeterministicResult {
  readonly config: ResolvedConfig;
  readonly summary: DeterministicSummary;
  /** Dose integrated over y (Gy mm per primary), shape [nz, 1, nx]. */
  readonly dose: Float64Array;
  /** Zero: the solver has no statistical uncertainty. */
  readonly uncertainty: Float64Array;
  readonly depthDose: { readonly depthMm: Float64Array; readonly dose: Float64Array; readonly uncertainty: Float64Array; readonly doseUnit: 'Gy mm^2 per primary' };
  /**
   * Primaries crossing the probe plane: their lateral mean and spread. Cell
   * contents are integrals over the cell, whose variance about the cell centres
   * exceeds the continuous one by dx^2/12 (Sheppard's correction), subtracted here.
   */
  readonly lateralProbe: { readonly depthMm: number; readonly particlesPerPrimary: number; readonly meanXMm: number; readonly sigmaXMm: number } | null;
  readonly warnings: string[];
}

export function deterministicResults(config: ResolvedConfig, t: DeterministicTallies, wallSeconds: number, warnings: string[]): DeterministicResult {
  const { grid } = t.tables;
  if (grid.binsPerStepWanted !== null) {
    warnings.push(`the energy grid has ${grid.binsPerStep} bins per step in water where the phantom's materials want ${grid.binsPerStepWanted} `
      + '(two psi buffers would exceed WebAssembly memory): expect the energy spread, and with it the Bragg peak, to be less accurate behind '
      + 'materials other than water (fewer cells, angle bins or a longer deterministic.stepMm would make room)');
  }
  if (grid.stepMm < grid.dzMm * (1 - 1e-12)) {
    warnings.push(`deterministic.stepMm ${grid.stepMm} mm is shorter than the solver's cell depth ${grid.dzMm} mm (the voxel depth over deterministic.zSubdivisions): every direction then moves a fraction `
      + 'of a cell per step and the streaming spreads the beam in depth (100 MeV protons in water: a Bragg peak 0.64 of the Monte Carlo\'s '
      + 'at half the voxel depth); the default step, the voxel depth, with finer voxels is more accurate');
  }
  warnings.push(...t.warnings);
  // The dose of the phantom's voxels: each the energy its cells (grid.subdivisions of it) received, over its mass.
  const { originXMm, sizeYMm, subdivisions } = grid;
  const nx = grid.nx / subdivisions.x, nz = grid.nz / subdivisions.z;
  const dxMm = grid.dxMm * subdivisions.x, dzMm = grid.dzMm * subdivisions.z;
  const dose = new Float64Array(nz * nx);
  for (let cz = 0; cz < grid.nz; cz++) {
    for (let cx = 0; cx < grid.nx; cx++) dose[Math.floor(cz / subdivisions.z) * nx + Math.floor(cx / subdivisions.x)]! += t.doseEnergyMeV[cz * grid.nx + cx]!;
  }
  for (let v = 0; v < nz * nx; v++) {
    const kgPerMm3 = grid.densityGPerCm3[Math.floor(v / nx) * subdivisions.z * grid.nx + (v % nx) * subdivisions.x]! * 1e-6;
    dose[v] = (dose[v]! * JOULES_PER_MEV) / (kgPerMm3 * dxMm * dzMm);
  }
  const depthMm = Float64Array.from({ length: nz }, (_, z) => (z + 0.5) * dzMm);
  const depthDose = Float64Array.from({ length: nz }, (_, z) => {
    let sum = 0;
    for (let x = 0; x < nx; x++) sum += dose[z * nx + x]!;
    return sum * dxMm;
  });
  const metrics = depthDoseMetrics(depthMm, depthDose);
  let lateralProbe: DeterministicResult['lateralProbe'] = null;
  if (t.probeFluence && t.tables.probeFace !== null) {
    let n = 0, s = 0, s2 = 0;
    // per cell of the solver's grid
    const cellMm = grid.dxMm;
    t.probeFluence.forEach((w, x) => { const xMm = originXMm + (x + 0.5) * cellMm; n += w; s += w * xMm; s2 += w * xMm * xMm; });
    const mean = n > 0 ? s / n : 0;
    const variance = n > 0 ? Math.max(s2 / n - mean * mean - (cellMm * cellMm) / 12, 0) : 0;
    lateralProbe = { depthMm: t.tables.probeFace * grid.dzMm, particlesPerPrimary: n, meanXMm: mean, sigmaXMm: Math.sqrt(variance) };
  }
  const { totals } = t;
  const nuclear = t.nuclear ?? { events: 0, secondaries: 0, neutralEnergyMeV: 0, leavingEnergyMeV: 0 };
  const incident = t.incidentEnergyMeV;
  const summary: DeterministicSummary = {
    solver: 'deterministic',
    particle: config.beam.particle,
    energyMeVPerU: config.beam.energyMeVPerU,
    backend: t.variant === 'webgpu' ? 'webgpu' : 'wasm',
    ...('adapter' in t && typeof t.adapter === 'string' ? { adapter: t.adapter } : {}),
    variant: t.variant,
    threads: t.threads,
    doseProjection: DOSE_PROJECTION,
    doseUnit: 'Gy mm per primary',
    ...metrics,
    incidentEnergyMeVPerPrimary: incident,
    energyDepositedMeVPerPrimary: totals.depositedEnergyMeV,
    energyEscapedMeVPerPrimary: totals.escapedEnergyMeV,
    neutralEnergyMeVPerPrimary: nuclear.neutralEnergyMeV,
    energyBeyondAngleGridMeVPerPrimary: nuclear.leavingEnergyMeV,
    nuclearEventsPerPrimary: nuclear.events,
    particleBalance: t.tables.source.values.reduce((a, v) => a + v, 0) + nuclear.secondaries
      - totals.absorbedParticles - totals.escapedParticles - nuclear.events - t.remainingParticles,
    energyBalance: (incident - totals.depositedEnergyMeV - totals.escapedEnergyMeV - nuclear.neutralEnergyMeV - nuclear.leavingEnergyMeV
      - t.remainingEnergyMeV) / incident,
    steps: t.steps,
    stepMm: grid.stepMm,
    phaseSpaceGrid: { energyBins: grid.ne, energyBinsPerStep: grid.binsPerStep, angleBins: grid.nTheta, angleStepDeg: (grid.dThetaRad * 180) / Math.PI, nz: grid.nz, nx: grid.nx },
    wallSeconds,
    transportSeconds: t.transportSeconds,
    secondsPerStep: t.steps > 0 ? t.transportSeconds / t.steps : 0,
    binsPerSecond: t.transportSeconds > 0 ? t.binsVisited / t.transportSeconds : 0,
    gridShape: [nz, 1, nx],
    voxelSizeMm: [dzMm, sizeYMm, dxMm],
    gridOriginMm: [0, -sizeYMm / 2, originXMm],
  };
  return {
    config, summary, dose, uncertainty: new Float64Array(nz * nx),
    depthDose: { depthMm, dose: depthDose, uncertainty: new Float64Array(nz), doseUnit: 'Gy mm^2 per primary' },
    lateralProbe, warnings,
  };
}
