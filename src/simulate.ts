/**
 * simulate(config): the public entry point of the Monte Carlo engine.
 */
import { parseConfig, type ResolvedConfig, type SimulationConfig } from './config/schema.js';
import { runParallel, type ParallelOptions } from './engine/parallel/runParallel.js';
import { runMonteCarlo, type RawTallies } from './engine/monteCarlo.js';
import type { WebGpuOptions } from './gpu/gpuEngine.js';
import { defaultMemoryLimitBytes, defaultThreadCount, sharedMemoryAvailable } from './runtime/environment.js';
import { BraggInputError } from './errors.js';
import { doseResults, mergeTallies, type EnergyBookkeeping, type LateralProbe } from './engine/doseResults.js';
import { depthDoseMetrics } from './analysis/depthDose.js';
import { primaryFluence, primarySurvival, type SurvivalPoint } from './analysis/primaryFluence.js';
import { doseToWater } from './scoring/doseToWater.js';
import { chargeDose, type ChargeDose } from './engine/chargeDose.js';
import { letResults, axisLet, type AxisLet, type LetResults } from './engine/letResults.js';
import { runDeterministic } from './deterministic/solver.js';
import { deterministicResults, type DeterministicResult } from './deterministic/deterministicResults.js';
import { isolateCallback, parseSimulateOptions, type SimulateOptions } from './simulateOptions.js';
import { ENGINE_VERSION } from './version.js';

export type { SimulateOptions, Progress, StepProgress } from './simulateOptions.js';

/** What dose.npy holds: energy deposited per mass of the voxel's own material. */
export const DOSE_QUANTITY = 'dose to medium';

/**
 * R90, R80 and R20 describe where a beam stops; when the dose never falls to
 * 20 % of its peak inside the phantom and most of the energy of the primaries
 * that entered leaves it (e.g. 1000 MeV protons through 300 mm of water),
 * the beam does not stop inside, so they are null and a warning says why.
 */
function withoutDistalPointsIfBeamLeaves<M extends { r90Mm: number | null; r80Mm: number | null; r20Mm: number | null }>(
  metrics: M, incidentMeV: number, escapedMeV: number, warnings: string[]): M {
  // A fall-off to 20 % inside the phantom is a stopping beam, whatever leaks sideways.
  if (metrics.r20Mm !== null || !(incidentMeV > 0) || escapedMeV <= 0.5 * incidentMeV) return metrics;
  warnings.push(`${(100 * escapedMeV / incidentMeV).toFixed(0)} % of the beam's energy leaves the phantom: the beam does not stop inside it, so R90, R80 and R20 are null`);
  return { ...metrics, r90Mm: null, r80Mm: null, r20Mm: null };
}

async function solveDeterministic(resolved: ResolvedConfig, options: SimulateOptions, started: number, warnings: string[]): Promise<DeterministicResult> {
  if (options.backend === 'webgpu') {
    const { runDeterministicWebGpu } = await import('./deterministic/gpuSolver.js');
    const { prepareSolverTables } = await import('./deterministic/solverTables.js');
    const { nuclearTablesFor } = await import('./deterministic/nuclearTables.js');
    const { requestGpuDevice } = await import('./gpu/device.js');
    const tables = prepareSolverTables(resolved);
    const nuclear = await nuclearTablesFor(resolved, tables.grid);
    const gpu = await requestGpuDevice();
    if (!gpu) throw new BraggInputError('backend webgpu: no WebGPU adapter found');
    try {
      const tallies = await runDeterministicWebGpu(tables, {
        gpu, ...(nuclear ? { nuclear } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      return deterministicResults(resolved, tallies, (performance.now() - started) / 1000, warnings);
    } finally {
      gpu.device.destroy();
    }
  }
  const requested = options.threads ?? (sharedMemoryAvailable() ? await defaultThreadCount() : 1);
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_DETERMINISTIC_THREADS) {
    throw new BraggInputError(`threads must be an integer from 1 to ${MAX_DETERMINISTIC_THREADS}, got ${requested}`);
  }
  const tallies = await runDeterministic(resolved, {
    threads: requested,
    memoryLimitBytes: options.memoryLimitBytes ?? (await defaultMemoryLimitBytes()),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return deterministicResults(resolved, tallies, (performance.now() - started) / 1000, warnings);
}

/** More threads than this would only wait at the barriers: a step's work is split by rows and energy bins. */
const MAX_DETERMINISTIC_THREADS = 256;

export interface SimulationSummary {
  readonly particle: string;
  readonly energyMeVPerU: number;
  readonly histories: number;
  readonly seed: number;
  /** The bragg-engine version that computed the run. */
  readonly engineVersion: string;
  /** What the dose is: 'dose to medium' (energy per mass of the voxel's material). */
  readonly doseQuantity: typeof DOSE_QUANTITY;
  /** Where the transport ran: 'wasm' (WebAssembly on the CPU) or 'webgpu'. */
  readonly backend: string;
  /** The WebGPU adapter (vendor, architecture, description), when backend is 'webgpu'. */
  readonly adapter?: string;
  /** Kernel variant: 'simd' or 'scalar'. */
  readonly variant: string;
  readonly threads: number;
  readonly peakDepthMm: number;
  readonly r90Mm: number | null;
  readonly r80Mm: number | null;
  readonly r20Mm: number | null;
  readonly entranceToPeak: number;
  /** Dose 20 mm beyond the Bragg peak relative to the peak (the fragmentation tail of ions; analysis/depthDose.ts), or null beyond the grid. */
  readonly tailToPeak20Mm: number | null;
  readonly energyDepositedMeVPerPrimary: number;
  /** Energy carried off by neutrons and gammas of nuclear events, with their binding energy (MeV per primary). */
  readonly neutralEnergyMeVPerPrimary: number;
  /** Nuclear events (elastic and nonelastic, all protons) per primary; 0 with transport.nuclear off. */
  readonly nuclearEventsPerPrimary: number;
  /** Fraction of the primaries still travelling at every 10 mm of depth (analysis/primaryFluence.ts). */
  readonly primarySurvival: readonly SurvivalPoint[];
  /** Spread (one sigma) of the depths where primaries without nuclear events come to rest (mm). */
  readonly rangeStragglingMm: number;
  /** Primaries that did not enter the phantom (aimed or spread outside its entrance face). */
  readonly missedHistories: number;
  /** Histories ended by the step guard (should be 0). */
  readonly abortedHistories: number;
  /** Whole simulate() call: setup, transport and results (s). */
  readonly wallSeconds: number;
  /** Transport only: from the first worker starting to the tallies being added up (s). */
  readonly transportSeconds: number;
  /** histories / transportSeconds */
  readonly historiesPerSecond: number;
  readonly stepsPerSecond: number;
  /** LETd in water on the beam axis at the entrance and at the Bragg peak (engine/letResults.ts: axisLet); null where LET was not scored. */
  readonly let: AxisLet | null;
  /** [nz, ny, nx] */
  readonly gridShape: readonly [number, number, number];
  /** [dz, dy, dx] in mm */
  readonly voxelSizeMm: readonly [number, number, number];
  /** [z0, y0, x0]: the low corner of the grid (mm); voxel (iz, iy, ix) is centred at z0 + (iz + 0.5) dz, and so on. */
  readonly gridOriginMm: readonly [number, number, number];
}

export interface DepthDose {
  readonly depthMm: Float64Array;
  /** Laterally integrated dose (Gy mm^2 per primary). */
  readonly dose: Float64Array;
  readonly uncertainty: Float64Array;
  readonly doseUnit: 'Gy mm^2 per primary';
  /** Fraction of the primaries reaching each slice's upstream plane (Monte Carlo; analysis/primaryFluence.ts). */
  readonly primaryFluence?: Float64Array;
  /** With scoring.doseByCharge: the laterally integrated dose of each charge Z = 1, 2, ... (same unit). */
  readonly doseByCharge?: readonly Float64Array[];
}

export interface SimulationResult {
  readonly config: ResolvedConfig;
  readonly summary: SimulationSummary;
  /** Dose per primary (Gy), shape gridShape = [nz, ny, nx], x fastest. */
  readonly dose: Float64Array;
  /** One-sigma uncertainty of `dose` (Gy per primary). */
  readonly uncertainty: Float64Array;
  readonly depthDose: DepthDose;
  readonly energy: EnergyBookkeeping;
  readonly lateralProbe: LateralProbe | null;
  /**
   * LET (keV/um, [nz, ny, nx] like the dose; README, Physics: LET), or null where it was not
   * scored: scoring.let false, the deterministic solver, or a WebGPU grid whose LET buffer is beyond the GPU's limits (warnings say so).
   */
  readonly let: LetResults | null;
  /** With scoring.doseToWater: the dose to water (Gy per primary, [nz, ny, nx]; scoring/doseToWater.ts). */
  readonly doseToWater: Float64Array | null;
  /** Dose by the depositing particle's charge (scoring.doseByCharge), or null. */
  readonly doseByCharge: ChargeDose | null;
  /** Transport counts: steps taken, histories stopped by the step guard, deposit lists that overflowed. */
  readonly diagnostics: {
    readonly steps: number; readonly abortedHistories: number; readonly listOverflows: number;
    /** Seconds from creating the worker pool until every worker was transporting. */
    readonly poolStartupSeconds: number | null;
    /** Seconds spent adding the workers' tallies together. */
    readonly reduceSeconds: number | null;
    /** Worker failures recovered from during the run (their work was redone). */
    readonly workerFailures: number;
  };
  /** Things the user should know about how the run went (e.g. fewer threads than asked for, and why). */
  readonly warnings: readonly string[];
  /** Absolute dose (Gy) for a number of delivered primaries. */
  absoluteDose(primaries: number): Float64Array;
}

/** Below this many histories, 'auto' keeps to the CPU: a GPU's set-up would cost more than it saves. */
export const AUTO_WEBGPU_MIN_HISTORIES = 1_000_000;

async function chooseGpu(backend: SimulateOptions['backend'], histories: number) {
  if (backend !== 'webgpu' && !(backend === 'auto' && histories >= AUTO_WEBGPU_MIN_HISTORIES)) return null;
  const { requestGpuDevice } = await import('./gpu/device.js');
  // 'auto' without the optional package 'webgpu' runs on WASM, as without an adapter
  const gpu = await requestGpuDevice().catch((error) => { if (backend === 'auto' && error instanceof BraggInputError) return null; throw error; });
  if (backend === 'auto' && gpu && (gpu.adapterInfo as { isFallbackAdapter?: boolean }).isFallbackAdapter) {
    gpu.device.destroy(); // a software adapter: the WASM threads are faster
    return null;
  }
  if (!gpu && backend === 'webgpu') throw new BraggInputError('backend webgpu: no WebGPU adapter found');
  return gpu;
}

/**
 * Runs on WebGPU; if the GPU stops (device lost, shader failure), the
 * histories from the first unfinished batch on run on the WASM threads, with
 * a warning, and the two parts are added up.
 */
export async function runOnGpu(resolved: ResolvedConfig, options: SimulateOptions & ParallelOptions & WebGpuOptions, warnings: string[]): Promise<RawTallies> {
  const { runWebGpu } = await import('./gpu/gpuEngine.js');
  let tallies: RawTallies;
  try {
    tallies = await runWebGpu(resolved, options);
  } catch (error) {
    // 'auto' falls back where the GPU cannot take the job (e.g. a grid beyond its buffer limits)
    if (options.backend !== 'auto' || !(error instanceof BraggInputError)) throw error;
    warnings.push(`WebGPU not used: ${error.message}`);
    return runParallel(resolved, options);
  } finally {
    options.gpu?.device.destroy();
  }
  if (tallies.letOmitted) warnings.push(tallies.letOmitted);
  if (tallies.completedHistories === undefined) return tallies;
  warnings.push(`WebGPU stopped after ${tallies.completedHistories} of ${resolved.transport.histories} histories `
    + `(${tallies.stoppedEarly}); the rest ran on the WASM threads`);
  const rest = await runParallel(resolved, { ...options, firstHistory: tallies.completedHistories });
  return tallies.completedHistories > 0 ? mergeTallies(tallies, rest) : rest;
}

/** The result type of a config: the deterministic solver's for `solver: 'deterministic'`. */
export type ResultFor<C> = C extends { readonly solver: 'deterministic' } ? DeterministicResult : SimulationResult;

/**
 * Runs the Monte Carlo (default) or, with `solver: 'deterministic'`, the
 * deterministic phase-space solver (src/deterministic/), whose result has the
 * same dose, depth-dose and summary shapes, with the dose integrated over y.
 */
export function simulate<C = SimulationConfig>(config?: C, options?: SimulateOptions): Promise<ResultFor<C>>;
export async function simulate(config?: unknown, optionsInput?: SimulateOptions): Promise<SimulationResult | DeterministicResult> {
  const started = performance.now();
  const resolved = parseConfig(config);
  const warnings: string[] = [];
  const parsed = parseSimulateOptions(optionsInput);
  if (parsed.firstHistory !== undefined && parsed.firstHistory >= resolved.transport.histories) {
    throw new BraggInputError(`invalid options: firstHistory must be below transport.histories (${resolved.transport.histories}), got ${parsed.firstHistory}`);
  }
  const onProgress = isolateCallback(parsed.onProgress, 'onProgress', warnings);
  const options: SimulateOptions = { ...parsed, ...(onProgress ? { onProgress } : {}) };
  if (resolved.solver === 'deterministic') {
    const result = await solveDeterministic(resolved, options, started, warnings);
    const summary = withoutDistalPointsIfBeamLeaves(result.summary, result.summary.incidentEnergyMeVPerPrimary, result.summary.energyEscapedMeVPerPrimary, warnings);
    return { ...result, summary: { ...summary, engineVersion: ENGINE_VERSION, doseQuantity: DOSE_QUANTITY } };
  }
  let tallies;
  const gpu = await chooseGpu(options.backend ?? 'wasm', resolved.transport.histories);
  if (gpu) {
    tallies = await runOnGpu(resolved, { ...options, gpu }, warnings);
  } else if (sharedMemoryAvailable()) {
    tallies = await runParallel(resolved, options);
  } else {
    // Browsers share memory between workers only on cross-origin isolated pages.
    warnings.push('this page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and '
      + 'Cross-Origin-Embedder-Policy: require-corp): running on one thread, on the page\'s own thread');
    tallies = await runMonteCarlo(resolved, { ...options, shared: false });
  }
  if (tallies.threadsLimitedByMemory) warnings.push(tallies.threadsLimitedByMemory);
  const results = doseResults(tallies);
  // Primaries that missed the phantom count as incident and escaped: leave them out of both.
  const missedMeV = results.energy.incidentMeVPerPrimary * (results.missedHistories / tallies.histories);
  const metrics = withoutDistalPointsIfBeamLeaves(depthDoseMetrics(results.depthMm, results.depthDoseGyMm2PerPrimary),
    results.energy.incidentMeVPerPrimary - missedMeV, results.energy.escapedMeVPerPrimary - missedMeV, warnings);
  const { nx, ny, nz, voxelSizeMm, originMm } = tallies.phantom;
  const fluence = primaryFluence(tallies.slabPrimaries);
  const byCharge = chargeDose(tallies.chargeSum, tallies.phantom, tallies.histories);
  const lets = letResults(tallies.letSum, tallies.phantom);
  const letOnAxis = lets ? axisLet(lets, tallies.phantom, resolved.beam.centerMm, results.depthDoseGyMm2PerPrimary) : null;
  const wallSeconds = (performance.now() - started) / 1000;
  const summary: SimulationSummary = {
    particle: resolved.beam.particle,
    energyMeVPerU: resolved.beam.energyMeVPerU,
    histories: tallies.histories,
    seed: resolved.transport.seed,
    engineVersion: ENGINE_VERSION,
    doseQuantity: DOSE_QUANTITY,
    backend: tallies.backend?.name ?? 'wasm',
    ...(tallies.backend?.adapter !== undefined ? { adapter: tallies.backend.adapter } : {}),
    variant: tallies.kernel,
    threads: tallies.threads,
    ...metrics,
    energyDepositedMeVPerPrimary: results.energy.depositedMeVPerPrimary,
    neutralEnergyMeVPerPrimary: results.energy.neutralMeVPerPrimary,
    nuclearEventsPerPrimary: results.nuclearEventsPerPrimary,
    primarySurvival: primarySurvival(fluence, voxelSizeMm[2]),
    rangeStragglingMm: results.rangeStraggling.sigmaStopDepthMm,
    missedHistories: results.missedHistories,
    abortedHistories: results.abortedHistories,
    wallSeconds,
    transportSeconds: tallies.wallSeconds,
    historiesPerSecond: tallies.histories / tallies.wallSeconds,
    stepsPerSecond: results.steps / tallies.wallSeconds,
    let: letOnAxis,
    gridShape: [nz, ny, nx],
    voxelSizeMm: [voxelSizeMm[2], voxelSizeMm[1], voxelSizeMm[0]],
    gridOriginMm: [originMm[2] + (tallies.phantom.zShiftMm ?? 0), originMm[1], originMm[0]],
  };
  const dose = results.doseGyPerPrimary;
  return {
    config: resolved,
    summary,
    dose,
    uncertainty: results.uncertaintyGyPerPrimary,
    depthDose: {
      depthMm: results.depthMm,
      dose: results.depthDoseGyMm2PerPrimary,
      uncertainty: results.depthDoseUncertaintyGyMm2PerPrimary,
      doseUnit: 'Gy mm^2 per primary',
      primaryFluence: fluence,
      ...(byCharge ? { doseByCharge: byCharge.depthDoseGyMm2PerPrimary } : {}),
    },
    doseByCharge: byCharge,
    energy: results.energy,
    warnings,
    lateralProbe: results.lateralProbe,
    let: lets,
    doseToWater: lets && resolved.scoring.doseToWater ? doseToWater(dose, lets, tallies.phantom.densityGPerCm3) : null,
    diagnostics: {
      steps: results.steps, abortedHistories: results.abortedHistories, listOverflows: results.listOverflows,
      poolStartupSeconds: tallies.poolStartupSeconds, reduceSeconds: tallies.reduceSeconds, workerFailures: tallies.workerFailures,
    },
    absoluteDose: (primaries: number) => dose.map((d) => d * primaries),
  };
}
