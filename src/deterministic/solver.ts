/**
 * The deterministic solver's driver: lays out the shared memory
 * (solverMemory.ts), writes the operator tables once, places the source, and
 * runs the step loop (solverLoop.ts) on this thread or on a pool of worker
 * threads sharing the memory, until every particle has been absorbed or has
 * left the grid. psi is never copied.
 */
import type { ResolvedConfig } from '../config/schema.js';
import { createSharedMemory, instantiateKernel, compileKernel, type KernelVariant } from '../engine/kernel.js';
import { isNode } from '../runtime/environment.js';
import { planSolverMemory, SOLVER_TALLIES, SOLVER_TALLY_SLOTS, type SolverMemoryPlan } from './solverMemory.js';
import { prepareSolverTables, type SolverTables } from './solverTables.js';
import { CONTROL, CONTROL_BINS_BYTE, CONTROL_BYTES, psiIndex, runSolverLoop, writeWindow, type SolverJob, type SolverWindow } from './solverLoop.js';
import { nuclearTablesFor, type NuclearTables } from './nuclearTables.js';
import { estimateSteps, PROGRESS_INTERVAL_MS, ProgressReporter, type DeterministicProgressCallback } from './progress.js';

export type { DeterministicProgress, DeterministicProgressCallback } from './progress.js';

/**
 * Particles per primary below which a bin's content is deposited where it is (loseEnergy's
 * floor; counted as absorbed, so particles and energy stay conserved): the tails of
 * straggling and of streaming decay geometrically and would otherwise keep ever more
 * bins in the window for a dose below 1e-14 of the beam's.
 */
export const PSI_FLOOR = 1e-14;

export interface DeterministicOptions {
  readonly variant?: KernelVariant;
  /** Worker threads (default 1; more need shared memory and Node worker threads). */
  readonly threads?: number;
  /** Tests (one thread only): called after every step with the step's particle and energy balance. */
  readonly onStep?: (balance: StepBalance) => void;
  readonly signal?: AbortSignal;
  readonly memoryLimitBytes?: number;
  /**
   * Called with the steps done, the steps expected and the seconds elapsed, at
   * most every ~100 ms and once at the end, on the caller's thread (progress.ts);
   * if it throws it is not called again and the tallies carry a warning.
   */
  readonly onProgress?: DeterministicProgressCallback;
  /**
   * Benchmarks only: instead of the beam, fill every bin of psi (values from a
   * fixed sequence, about 1/bins each) and run this many steps over the whole
   * grid: the worst case, every bin visited by every operator.
   */
  readonly denseSteps?: number;
  /** Tests: rows of cells psi holds per energy bin (default: the grid's storedRows; all nz with denseSteps). */
  readonly storedRows?: number;
}

/** Before and after one step: what psi holds and where the rest went (per primary). */
export interface StepBalance {
  readonly step: number;
  readonly particlesBefore: number; readonly particlesAfter: number;
  readonly energyBeforeMeV: number; readonly energyAfterMeV: number;
  readonly escapedParticles: number; readonly absorbedParticles: number;
  readonly escapedEnergyMeV: number; readonly depositedEnergyMeV: number;
  /** Nuclear events (absent when off): particles removed, secondaries placed in psi, energy to neutrals and beyond the angle grid. */
  readonly nuclear?: { readonly events: number; readonly secondaries: number; readonly neutralEnergyMeV: number; readonly leavingEnergyMeV: number };
}

/** Nonelastic nuclear events of a run (README.md, "Nuclear events"), per primary. */
export interface NuclearTotals {
  /** Particles removed by nonelastic events: the expected number of events. */
  readonly events: number;
  /** Secondary protons placed in psi. */
  readonly secondaries: number;
  /** Energy carried off by neutrons and gammas, with the binding energy (MeV). */
  readonly neutralEnergyMeV: number;
  /** Energy of secondary protons beyond the angle grid, not deposited (MeV). */
  readonly leavingEnergyMeV: number;
}

export interface DeterministicTallies {
  readonly tables: SolverTables;
  /** Energy deposited per cell (MeV per primary), [z][x]. */
  readonly doseEnergyMeV: Float64Array;
  /** Primaries crossing the probe plane per x cell, or null without a probe. */
  readonly probeFluence: Float64Array | null;
  readonly incidentEnergyMeV: number;
  readonly totals: {
    escapedParticles: number; escapedEnergyMeV: number; absorbedParticles: number; depositedEnergyMeV: number; flooredParticles: number;
    /** Absorbed where they were for lagging beyond the stored rows (solverLoop.ts; also in absorbed and floored; 0 for WebGPU). */
    laggedParticles: number;
  };
  /** Nonelastic nuclear events (transport.nuclear; absent when off). */
  readonly nuclear?: NuclearTotals;
  /** Particles, and their energy, still in the grid at the end (0 unless the step limit ended the run). */
  readonly remainingParticles: number;
  readonly remainingEnergyMeV: number;
  readonly steps: number;
  /** Bins the operators visited, summed over steps (for bins/s). */
  readonly binsVisited: number;
  readonly transportSeconds: number;
  readonly variant: KernelVariant | 'webgpu';
  readonly threads: number;
  /** Things the caller should hear about (an onProgress that threw). */
  readonly warnings: readonly string[];
}

/** Sum over a window of psi (holding rows [zBase, zBase + rows)), and of energy x psi. */
export function windowSums(psi: Float64Array, job: Pick<SolverJob, 'nTheta' | 'rows' | 'nx'>, energyMeV: Float64Array, w: SolverWindow, zBase = 0) {
  let particles = 0, energyMeVSum = 0;
  for (let e = w.eLo; e < w.eHi; e++) {
    let sum = 0;
    for (let i = psiIndex(job, zBase, e, w.zLo); i < psiIndex(job, zBase, e, w.zHi); i++) sum += psi[i]!;
    particles += sum;
    energyMeVSum += sum * energyMeV[e]!;
  }
  return { particles, energyMeV: energyMeVSum };
}

/** Writes the operator tables into their regions of the shared memory. */
export function writeTables(buffer: ArrayBufferLike, plan: SolverMemoryPlan, t: SolverTables): void {
  new Int32Array(buffer, plan.cellMaterial, t.grid.cellMaterial.length).set(t.grid.cellMaterial);
  new Float64Array(buffer, plan.energyMeV, t.energyMeV.length).set(t.energyMeV);
  new Int32Array(buffer, plan.kernelHalfWidth, t.scattering.halfWidth.length).set(t.scattering.halfWidth);
  new Float64Array(buffer, plan.kernelWeights, t.scattering.weights.length).set(t.scattering.weights);
  new Int32Array(buffer, plan.lossFirstBin, t.loss.firstBin.length).set(t.loss.firstBin);
  new Float64Array(buffer, plan.lossWeights, t.loss.weights.length).set(t.loss.weights);
  new Float64Array(buffer, plan.lossDepositMeV, t.loss.depositMeV.length).set(t.loss.depositMeV);
  new Float64Array(buffer, plan.lossAbsorbed, t.loss.absorbed.length).set(t.loss.absorbed);
  new Float64Array(buffer, plan.shiftX, t.shifts.shiftX.length).set(t.shifts.shiftX);
  new Float64Array(buffer, plan.shiftZ, t.shifts.shiftZ.length).set(t.shifts.shiftZ);
}

/** Writes the nuclear tables into their regions (planned with nuclearNodes). */
function writeNuclearTables(buffer: ArrayBufferLike, plan: SolverMemoryPlan, n: NuclearTables): void {
  const r = plan.nuclear;
  new Float64Array(buffer, r.removal, n.removal.length).set(n.removal);
  new Float64Array(buffer, r.elastic, n.elastic.length).set(n.elastic);
  new Float64Array(buffer, r.elasticKernel, n.elasticKernel.length).set(n.elasticKernel);
  new Int32Array(buffer, r.nodeOf, n.nodeOf.length).set(n.nodeOf);
  new Float64Array(buffer, r.nodeWeight, n.nodeWeight.length).set(n.nodeWeight);
  new Float64Array(buffer, r.yields, n.yields.length).set(n.yields);
  new Float64Array(buffer, r.yieldTotal, n.yieldTotal.length).set(n.yieldTotal);
  new Int32Array(buffer, r.nodeTop, n.nodeTop.length).set(n.nodeTop);
  new Float64Array(buffer, r.nodeNeutralMeV, n.nodeNeutralMeV.length).set(n.nodeNeutralMeV);
  new Float64Array(buffer, r.nodeLocalMeV, n.nodeLocalMeV.length).set(n.nodeLocalMeV);
  new Float64Array(buffer, r.nodeLeavingMeV, n.nodeLeavingMeV.length).set(n.nodeLeavingMeV);
}

/** Places the source (one primary) in row 0 of psi (zBase 0); returns the window it occupies (from bin 0 with nuclear events: solverLoop.ts). */
function placeSource(psi: Float64Array, t: SolverTables, job: SolverJob): SolverWindow {
  const { nTheta, nx } = t.grid;
  let eLo = t.grid.ne, eHi = 0;
  t.source.values.forEach((value, i) => {
    if (value === 0) return;
    const e = Math.floor(i / (nx * nTheta));
    psi[psiIndex(job, 0, e, 0) + (i - e * nx * nTheta)] = value;
    eLo = Math.min(eLo, e);
    eHi = Math.max(eHi, e + 1);
  });
  return { eLo: job.nuclear && eHi > eLo ? 0 : eLo, eHi, zLo: 0, zHi: eHi > eLo ? 1 : 0 };
}

/** Particles absorbed for lagging behind the stored rows, when they are more than rounding (1e-9 of a primary). */
function laggedWarning(lagged: number, rows: number): string[] {
  return lagged > 1e-9 ? [`${lagged.toPrecision(3)} of a primary's particles lagged more than ${rows} rows of cells behind the beam `
    + 'and were absorbed where they were (their energy deposited there)'] : [];
}

/** The nuclear tallies, from a reader of tally slots. */
function nuclearTotals(slot: (index: number) => number): NuclearTotals {
  return {
    events: slot(SOLVER_TALLIES.nuclearEvents), secondaries: slot(SOLVER_TALLIES.secondaries),
    neutralEnergyMeV: slot(SOLVER_TALLIES.neutralEnergyMeV), leavingEnergyMeV: slot(SOLVER_TALLIES.leavingEnergyMeV),
  };
}

export async function runDeterministic(config: ResolvedConfig, options: DeterministicOptions = {}): Promise<DeterministicTallies> {
  const tables = prepareSolverTables(config);
  const { grid } = tables;
  const nuclear = await nuclearTablesFor(config, grid);
  const { ne, nTheta, nz, nx } = grid;
  const variant = options.variant ?? config.transport.kernel;
  const threads = options.onStep || !isNode() ? 1 : Math.max(1, Math.floor(options.threads ?? 1));
  const nMaterials = grid.materials.length;
  const rows = options.denseSteps !== undefined ? nz : Math.min(nz, Math.max(1, Math.floor(options.storedRows ?? grid.storedRows)));
  const plan = planSolverMemory({ ne, nTheta, nz, nx, rows, nMaterials, jMax: tables.scattering.jMax, threads, lossReach: tables.loss.maxDropBins,
    lossSlots: tables.loss.slots, ...(nuclear ? { nuclearNodes: nuclear.nNodes } : {}) },
    options.memoryLimitBytes);
  const memory = createSharedMemory(plan.pages);
  const { buffer } = memory;
  writeTables(buffer, plan, tables);
  if (nuclear) writeNuclearTables(buffer, plan, nuclear);
  const energyMeV = tables.energyMeV;
  const job: SolverJob = {
    plan, ne, nTheta, nz, nx, rows, nMaterials, jMax: tables.scattering.jMax, lossReach: tables.loss.maxDropBins, lossSlots: tables.loss.slots,
    probeFace: tables.probeFace ?? -1, floor: PSI_FLOOR, maxSteps: options.denseSteps ?? ne + nz + 8,
    ...(nuclear ? { nuclear: { nNodes: nuclear.nNodes, wideLocalBins: nuclear.wideLocalBins } } : {}),
  };
  const control = new Int32Array(buffer, plan.control, CONTROL_BYTES / 4);
  const psiA = new Float64Array(buffer, plan.psiA, plan.psiValues);
  if (options.denseSteps !== undefined) {
    // a fixed pseudo-random fill (Weyl sequence): no bin is empty, none below the floor
    for (let i = 0; i < psiA.length; i++) psiA[i] = (0.5 + ((i * 0.6180339887498949) % 1)) / psiA.length;
    writeWindow(control, { eLo: 0, eHi: ne, zLo: 0, zHi: nz });
  } else {
    writeWindow(control, placeSource(psiA, tables, job));
  }
  const tallySlots = plan.threads.map((t) => new Float64Array(buffer, t.tallies, SOLVER_TALLY_SLOTS));
  const started = performance.now();
  const progress = new ProgressReporter(options.onProgress, options.denseSteps ?? Math.min(estimateSteps(tables), job.maxSteps), started);
  if (threads === 1) {
    const kernel = await instantiateKernel(variant, memory);
    let before: ReturnType<typeof windowSums> | null = null;
    // With onStep, the tallies are zeroed before each step, so the step's own are read exactly, then added to the run's.
    const runTallies = new Float64Array(SOLVER_TALLY_SLOTS);
    const slot = tallySlots[0]!;
    runSolverLoop(kernel, buffer, job, 0, 1, {
      barrier: () => {
        if (options.signal?.aborted) Atomics.store(control, CONTROL.stop, 1);
      },
      ...(options.onStep ? {
        beforeStep: (w, psi, zBase) => { before = windowSums(psi, job, energyMeV, w, zBase); slot.fill(0); },
        afterStep: (w, psi, zBase) => {
          progress.update(control[CONTROL.steps]!);
          const after = windowSums(psi, job, energyMeV, w, zBase);
          options.onStep!({
            step: control[CONTROL.steps]!, particlesBefore: before!.particles, particlesAfter: after.particles,
            energyBeforeMeV: before!.energyMeV, energyAfterMeV: after.energyMeV,
            escapedParticles: slot[SOLVER_TALLIES.escapedParticles]!, absorbedParticles: slot[SOLVER_TALLIES.absorbedParticles]!,
            escapedEnergyMeV: slot[SOLVER_TALLIES.escapedEnergyMeV]!, depositedEnergyMeV: slot[SOLVER_TALLIES.depositedEnergyMeV]!,
            ...(nuclear ? { nuclear: nuclearTotals((i) => slot[i]!) } : {}),
          });
          slot.forEach((v, i) => { runTallies[i] = runTallies[i]! + v; });
        },
      } : { afterStep: () => progress.update(control[CONTROL.steps]!) }),
    });
    if (options.onStep) slot.set(runTallies);
  } else {
    const { runSolverPool } = await import('./parallel/solverPool.js');
    // The workers run the steps; this thread reads their count from the control block.
    const poll = options.onProgress ? setInterval(() => progress.update(Atomics.load(control, CONTROL.steps)), PROGRESS_INTERVAL_MS) : undefined;
    try {
      await runSolverPool(await compileKernel(variant), memory, job, threads, control, options.signal);
    } catch (error) {
      if (!options.signal?.aborted) throw error;
    } finally {
      clearInterval(poll);
    }
  }
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('the run was aborted');
  const transportSeconds = (performance.now() - started) / 1000;
  const steps = control[CONTROL.steps]!;
  progress.finish(steps);
  const final = { eLo: control[CONTROL.eLo]!, eHi: control[CONTROL.eHi]!, zLo: control[CONTROL.zLo]!, zHi: control[CONTROL.zHi]! };
  const psi = new Float64Array(buffer, plan.psiA, plan.psiValues);   // where the step loop keeps psi between steps
  const remaining = final.eHi > final.eLo && final.zHi > final.zLo ? windowSums(psi, job, energyMeV, final, control[CONTROL.zBase]!) : { particles: 0, energyMeV: 0 };
  const total = (slot: number) => tallySlots.reduce((sum, t) => sum + t[slot]!, 0);
  const probeFluence = new Float64Array(nx);
  for (const t of plan.threads) new Float64Array(buffer, t.probeFluence, nx).forEach((v, x) => { probeFluence[x] = probeFluence[x]! + v; });
  return {
    tables,
    doseEnergyMeV: Float64Array.from(new Float64Array(buffer, plan.doseEnergyMeV, nz * nx)),
    probeFluence: job.probeFace >= 0 ? probeFluence : null,
    incidentEnergyMeV: tables.source.energyMeV,
    totals: {
      escapedParticles: total(SOLVER_TALLIES.escapedParticles), escapedEnergyMeV: total(SOLVER_TALLIES.escapedEnergyMeV),
      absorbedParticles: total(SOLVER_TALLIES.absorbedParticles), depositedEnergyMeV: total(SOLVER_TALLIES.depositedEnergyMeV),
      flooredParticles: total(SOLVER_TALLIES.flooredParticles), laggedParticles: total(SOLVER_TALLIES.laggedParticles),
    },
    ...(nuclear ? { nuclear: nuclearTotals(total) } : {}),
    remainingParticles: remaining.particles,
    remainingEnergyMeV: remaining.energyMeV,
    steps, binsVisited: new Float64Array(buffer, plan.control + CONTROL_BINS_BYTE, 1)[0]!, transportSeconds, variant, threads,
    warnings: [...progress.warnings, ...laggedWarning(total(SOLVER_TALLIES.laggedParticles), rows)],
  };
}
