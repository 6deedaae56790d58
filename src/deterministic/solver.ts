/**
 * The deterministic solver's driver on one thread: lays out the shared memory
 * (solverMemory.ts), writes the operator tables once, places the source, and
 * advances psi step by step (scatter, lose energy, scatter, stream x, stream z:
 * README.md) until every particle has been absorbed or has left the grid.
 *
 * Only the part of psi that holds particles is visited: a window of energy
 * bins [eLo, eHi) and rows [zLo, zHi). Energies only go down and particles only
 * move forward (every direction bin has cos theta > 0), so the window's top
 * edge in energy and its bottom edge in depth only move one way; it grows by
 * at most one row and a few energy bins per step, and shrinks where its edge
 * slices have emptied (the loss kernel's floor makes decaying tails exactly 0).
 */
import type { ResolvedConfig } from '../config/schema.js';
import { createSharedMemory, instantiateKernel, type KernelExports, type KernelVariant } from '../engine/kernel.js';
import { planSolverMemory, SOLVER_TALLIES, SOLVER_TALLY_SLOTS, type SolverMemoryPlan } from './solverMemory.js';
import { prepareSolverTables, type SolverTables } from './solverTables.js';

/**
 * Particles per primary below which a bin's content is deposited where it is (loseEnergy's
 * floor; counted as absorbed, so particles and energy stay conserved): the tails of
 * straggling and of streaming decay geometrically and would otherwise keep ever more
 * bins in the window for a dose below 1e-14 of the beam's.
 */
export const PSI_FLOOR = 1e-14;

export interface DeterministicOptions {
  readonly variant?: KernelVariant;
  /** Tests: called after every step with the step's particle and energy balance. */
  readonly onStep?: (balance: StepBalance) => void;
  readonly signal?: AbortSignal;
  readonly memoryLimitBytes?: number;
}

/** Before and after one step: what psi holds and where the rest went (per primary). */
export interface StepBalance {
  readonly step: number;
  readonly particlesBefore: number; readonly particlesAfter: number;
  readonly energyBeforeMeV: number; readonly energyAfterMeV: number;
  readonly escapedParticles: number; readonly absorbedParticles: number;
  readonly escapedEnergyMeV: number; readonly depositedEnergyMeV: number;
}

export interface DeterministicTallies {
  readonly tables: SolverTables;
  /** Energy deposited per cell (MeV per primary), [z][x]. */
  readonly doseEnergyMeV: Float64Array;
  /** Primaries crossing the probe plane per x cell, or null without a probe. */
  readonly probeFluence: Float64Array | null;
  readonly incidentEnergyMeV: number;
  readonly totals: { escapedParticles: number; escapedEnergyMeV: number; absorbedParticles: number; depositedEnergyMeV: number; flooredParticles: number };
  /** Particles, and their energy, still in the grid at the end (0 unless the step limit ended the run). */
  readonly remainingParticles: number;
  readonly remainingEnergyMeV: number;
  readonly steps: number;
  /** Bins the operators visited, summed over steps (for bins/s). */
  readonly binsVisited: number;
  readonly transportSeconds: number;
  readonly variant: KernelVariant;
}

interface Window { eLo: number; eHi: number; zLo: number; zHi: number }

/** Sum over a window of psi, and of energy x psi (the step balance; tests only). */
function windowSums(psi: Float64Array, t: SolverTables, w: Window): { particles: number; energyMeV: number } {
  const { nTheta, nz, nx } = t.grid;
  let particles = 0, energyMeV = 0;
  for (let e = w.eLo; e < w.eHi; e++) {
    let sum = 0;
    const base = e * nz * nx * nTheta;
    for (let i = base + w.zLo * nx * nTheta; i < base + w.zHi * nx * nTheta; i++) sum += psi[i]!;
    particles += sum;
    energyMeV += sum * t.energyMeV[e]!;
  }
  return { particles, energyMeV };
}

function sliceIsEmpty(psi: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (psi[i] !== 0) return false;
  return true;
}

/**
 * Shrinks the window past edge slices that hold nothing in `psi`, and clears
 * what the other buffer still holds where the window may grow back (the
 * bottom energy bins and the front rows, one row beyond the window too, which
 * the z stream writes): the kernels expect zeros outside the window.
 */
function shrink(psi: Float64Array, other: Float64Array, t: SolverTables, w: Window): void {
  const { nTheta, nz, nx } = t.grid;
  const row = nx * nTheta;
  const energyRowsEmpty = (e: number) => sliceIsEmpty(psi, (e * nz + w.zLo) * row, (e * nz + w.zHi) * row);
  const depthRowEmpty = (z: number) => {
    for (let e = w.eLo; e < w.eHi; e++) if (!sliceIsEmpty(psi, (e * nz + z) * row, (e * nz + z + 1) * row)) return false;
    return true;
  };
  const old = { ...w };
  while (w.eHi > w.eLo && energyRowsEmpty(w.eHi - 1)) w.eHi--;
  while (w.eHi > w.eLo && energyRowsEmpty(w.eLo)) w.eLo++;
  while (w.zHi > w.zLo && depthRowEmpty(w.zLo)) w.zLo++;
  while (w.zHi > w.zLo && depthRowEmpty(w.zHi - 1)) w.zHi--;
  const zEnd = Math.min(nz, old.zHi + 1);
  for (let e = old.eLo; e < w.eLo; e++) other.fill(0, (e * nz + old.zLo) * row, (e * nz + zEnd) * row);
  if (w.zHi < old.zHi) for (let e = old.eLo; e < old.eHi; e++) other.fill(0, (e * nz + w.zHi) * row, (e * nz + zEnd) * row);
}

function writeTables(memory: WebAssembly.Memory, plan: SolverMemoryPlan, t: SolverTables): void {
  const buffer = memory.buffer;
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

/** Places the source (one primary) in row 0 of psi; returns the window it occupies. */
function placeSource(psi: Float64Array, t: SolverTables): Window {
  const { nTheta, nz, nx } = t.grid;
  let eLo = t.grid.ne, eHi = 0;
  t.source.values.forEach((value, i) => {
    if (value === 0) return;
    const e = Math.floor(i / (nx * nTheta));
    const rest = i - e * nx * nTheta;
    psi[e * nz * nx * nTheta + rest] = value;
    eLo = Math.min(eLo, e);
    eHi = Math.max(eHi, e + 1);
  });
  return { eLo, eHi, zLo: 0, zHi: eHi > eLo ? 1 : 0 };
}

export async function runDeterministic(config: ResolvedConfig, options: DeterministicOptions = {}): Promise<DeterministicTallies> {
  const tables = prepareSolverTables(config);
  const { grid } = tables;
  const { ne, nTheta, nz, nx } = grid;
  const variant = options.variant ?? config.transport.kernel;
  const plan = planSolverMemory({ ne, nTheta, nz, nx, nMaterials: grid.materials.length, jMax: tables.scattering.jMax, threads: 1 }, options.memoryLimitBytes);
  const memory = createSharedMemory(plan.pages);
  const kernel: KernelExports = await instantiateKernel(variant, memory);
  writeTables(memory, plan, tables);
  const buffer = memory.buffer;
  const psiA = new Float64Array(buffer, plan.psiA, plan.psiValues);
  const psiB = new Float64Array(buffer, plan.psiB, plan.psiValues);
  const thread = plan.threads[0]!;
  const tallies = new Float64Array(buffer, thread.tallies, SOLVER_TALLY_SLOTS);
  const probeFluence = new Float64Array(buffer, thread.probeFluence, nx);
  const window = placeSource(psiA, tables);
  const nMat = grid.materials.length;
  const lossReach = tables.loss.maxDropBins;
  const probeFace = tables.probeFace ?? -1;
  let [current, next] = [plan.psiA, plan.psiB];
  let [currentView, nextView] = [psiA, psiB];
  let steps = 0;
  let binsVisited = 0;
  const started = performance.now();
  const maxSteps = ne + nz + 8;
  while (window.eHi > window.eLo && window.zHi > window.zLo && steps < maxSteps) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('the run was aborted');
    const before = options.onStep ? windowSums(currentView, tables, window) : null;
    const talliesBefore = options.onStep ? Float64Array.from(tallies) : null;
    const { eLo, eHi, zLo, zHi } = window;
    const eLoAfter = Math.max(0, eLo - lossReach);
    kernel.scatterAngles(current, nTheta, nz, nx, eLo, eHi, zLo, zHi, plan.cellMaterial, nMat, plan.kernelHalfWidth, plan.kernelWeights, tables.scattering.jMax, thread.scratch);
    kernel.loseEnergy(current, next, ne, nTheta, nz, nx, zLo, zHi, eLo, eHi, plan.cellMaterial, nMat, plan.lossFirstBin, plan.lossWeights,
      plan.lossDepositMeV, plan.lossAbsorbed, plan.energyMeV, plan.doseEnergyMeV, thread.tallies, PSI_FLOOR);
    kernel.scatterAngles(next, nTheta, nz, nx, eLoAfter, eHi, zLo, zHi, plan.cellMaterial, nMat, plan.kernelHalfWidth, plan.kernelWeights, tables.scattering.jMax, thread.scratch);
    kernel.streamX(next, current, nTheta, nz, nx, eLoAfter, eHi, zLo, zHi, plan.shiftX, plan.energyMeV, thread.tallies);
    const zHiAfter = Math.min(nz, zHi + 1);
    kernel.streamZ(current, next, nTheta, nz, nx, eLoAfter, eHi, zLo, zHi, plan.shiftZ, plan.energyMeV, thread.tallies, probeFace, thread.probeFluence);
    binsVisited += 5 * (eHi - eLoAfter) * (zHi - zLo) * nx * nTheta;
    [current, next] = [next, current];
    [currentView, nextView] = [nextView, currentView];
    Object.assign(window, { eLo: eLoAfter, zHi: zHiAfter });
    shrink(currentView, nextView, tables, window);
    steps++;
    if (options.onStep && before && talliesBefore) {
      const after = windowSums(currentView, tables, window);
      const delta = (slot: number) => tallies[slot]! - talliesBefore[slot]!;
      options.onStep({
        step: steps, particlesBefore: before.particles, particlesAfter: after.particles,
        energyBeforeMeV: before.energyMeV, energyAfterMeV: after.energyMeV,
        escapedParticles: delta(SOLVER_TALLIES.escapedParticles), absorbedParticles: delta(SOLVER_TALLIES.absorbedParticles),
        escapedEnergyMeV: delta(SOLVER_TALLIES.escapedEnergyMeV), depositedEnergyMeV: delta(SOLVER_TALLIES.depositedEnergyMeV),
      });
    }
  }
  const transportSeconds = (performance.now() - started) / 1000;
  const remaining = window.eHi > window.eLo && window.zHi > window.zLo ? windowSums(currentView, tables, window) : { particles: 0, energyMeV: 0 };
  return {
    tables,
    doseEnergyMeV: Float64Array.from(new Float64Array(buffer, plan.doseEnergyMeV, nz * nx)),
    probeFluence: probeFace >= 0 ? Float64Array.from(probeFluence) : null,
    incidentEnergyMeV: tables.source.energyMeV,
    totals: {
      escapedParticles: tallies[SOLVER_TALLIES.escapedParticles]!, escapedEnergyMeV: tallies[SOLVER_TALLIES.escapedEnergyMeV]!,
      absorbedParticles: tallies[SOLVER_TALLIES.absorbedParticles]!, depositedEnergyMeV: tallies[SOLVER_TALLIES.depositedEnergyMeV]!,
      flooredParticles: tallies[SOLVER_TALLIES.flooredParticles]!,
    },
    remainingParticles: remaining.particles,
    remainingEnergyMeV: remaining.energyMeV,
    steps, binsVisited, transportSeconds, variant,
  };
}
