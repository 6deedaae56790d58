/**
 * The step loop of the deterministic solver, run by one thread or by every
 * thread of a pool on the same shared memory (README.md, "One step" and "Work
 * split"). Each operator's work is split into contiguous shares of the active
 * window; a barrier ends each operator; rank 0 alone then moves the window.
 * The kernels do the same arithmetic per element whatever the split, so the
 * dose is the same bit for bit on any number of threads.
 *
 * The window: energy bins [eLo, eHi) and rows [zLo, zHi) that hold particles.
 * Energies only go down and particles only move forward (every direction bin
 * has cos theta > 0), so it grows by at most one row and a few energy bins per
 * step, and shrinks where its edge slices have emptied (the loss kernel's
 * floor makes decaying tails exactly 0).
 */
import type { KernelExports } from '../engine/kernel.js';
import type { SolverMemoryPlan } from './solverMemory.js';

/** Int32 slots of the control block; binsVisited is an f64 at CONTROL_BINS_BYTE. */
export const CONTROL = { barrierCount: 0, barrierGeneration: 1, eLo: 2, eHi: 3, zLo: 4, zHi: 5, steps: 6, stop: 7 } as const;
export const CONTROL_BINS_BYTE = 32;
export const CONTROL_BYTES = 48;

/** What every thread needs to run the loop: plain numbers, so it can be posted to workers. */
export interface SolverJob {
  readonly plan: SolverMemoryPlan;
  readonly ne: number; readonly nTheta: number; readonly nz: number; readonly nx: number;
  readonly nMaterials: number; readonly jMax: number;
  /** The most bins a particle drops in one step (the window's growth at the bottom). */
  readonly lossReach: number;
  /** Probe face index, or -1. */
  readonly probeFace: number;
  readonly floor: number;
  readonly maxSteps: number;
}

export interface SolverWindow { eLo: number; eHi: number; zLo: number; zHi: number }

export interface LoopHooks {
  /** Waits until every thread has arrived (a no-op on one thread). */
  barrier(): void;
  /** Rank 0, before and after each step (tests: conservation per step). */
  beforeStep?(window: SolverWindow, psi: Float64Array): void;
  afterStep?(window: SolverWindow, psi: Float64Array): void;
}

/** The share [from, to) of rank among size of the range [lo, hi). */
export function share(lo: number, hi: number, rank: number, size: number): [number, number] {
  const n = hi - lo;
  return [lo + Math.floor((n * rank) / size), lo + Math.floor((n * (rank + 1)) / size)];
}

function isZero(psi: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (psi[i] !== 0) return false;
  return true;
}

/**
 * Shrinks the window past edge slices that hold nothing in `psi`, and clears
 * what the other buffer still holds where the window may grow back (the
 * bottom energy bins and the front rows, one row beyond the window too, which
 * the z stream writes): the kernels expect zeros outside the window.
 */
export function shrinkWindow(psi: Float64Array, other: Float64Array, job: SolverJob, w: SolverWindow): void {
  const { nTheta, nz, nx } = job;
  const row = nx * nTheta;
  const energyEmpty = (e: number) => isZero(psi, (e * nz + w.zLo) * row, (e * nz + w.zHi) * row);
  const rowEmpty = (z: number) => {
    for (let e = w.eLo; e < w.eHi; e++) if (!isZero(psi, (e * nz + z) * row, (e * nz + z + 1) * row)) return false;
    return true;
  };
  const old = { ...w };
  while (w.eHi > w.eLo && energyEmpty(w.eHi - 1)) w.eHi--;
  while (w.eHi > w.eLo && energyEmpty(w.eLo)) w.eLo++;
  while (w.zHi > w.zLo && rowEmpty(w.zLo)) w.zLo++;
  while (w.zHi > w.zLo && rowEmpty(w.zHi - 1)) w.zHi--;
  const zEnd = Math.min(nz, old.zHi + 1);
  for (let e = old.eLo; e < w.eLo; e++) other.fill(0, (e * nz + old.zLo) * row, (e * nz + zEnd) * row);
  if (w.zHi < old.zHi) for (let e = old.eLo; e < old.eHi; e++) other.fill(0, (e * nz + w.zHi) * row, (e * nz + zEnd) * row);
}

export function writeWindow(control: Int32Array, w: SolverWindow): void {
  control[CONTROL.eLo] = w.eLo; control[CONTROL.eHi] = w.eHi; control[CONTROL.zLo] = w.zLo; control[CONTROL.zHi] = w.zHi;
}

function readWindow(control: Int32Array): SolverWindow {
  return { eLo: control[CONTROL.eLo]!, eHi: control[CONTROL.eHi]!, zLo: control[CONTROL.zLo]!, zHi: control[CONTROL.zHi]! };
}

/**
 * A barrier for `size` threads on two Int32 slots of shared memory (count,
 * generation). A thread waiting there gives up, throwing, once the stop flag
 * is set (by an abort, or by a thread that failed and will never arrive).
 */
export function sharedBarrier(control: Int32Array, size: number): () => void {
  return () => {
    const generation = Atomics.load(control, CONTROL.barrierGeneration);
    if (Atomics.add(control, CONTROL.barrierCount, 1) === size - 1) {
      Atomics.store(control, CONTROL.barrierCount, 0);
      Atomics.add(control, CONTROL.barrierGeneration, 1);
      Atomics.notify(control, CONTROL.barrierGeneration);
      return;
    }
    while (Atomics.load(control, CONTROL.barrierGeneration) === generation) {
      if (Atomics.load(control, CONTROL.stop) !== 0) throw new Error('the deterministic run was stopped');
      Atomics.wait(control, CONTROL.barrierGeneration, generation, 50);
    }
  };
}

/** Runs steps until the window is empty, the step limit is reached or the stop flag is set. */
export function runSolverLoop(kernel: KernelExports, buffer: ArrayBufferLike, job: SolverJob, rank: number, size: number, hooks: LoopHooks): void {
  const { plan, ne, nTheta, nz, nx, nMaterials, jMax } = job;
  const control = new Int32Array(buffer, plan.control, CONTROL_BYTES / 4);
  const binsVisited = new Float64Array(buffer, plan.control + CONTROL_BINS_BYTE, 1);
  const views = [new Float64Array(buffer, plan.psiA, plan.psiValues), new Float64Array(buffer, plan.psiB, plan.psiValues)];
  const mine = plan.threads[rank]!;
  const scatter = (psi: number, eLo: number, eHi: number, zLo: number, zHi: number) => {
    // split along whichever of energy and depth has more to share
    const [e0, e1] = eHi - eLo >= zHi - zLo ? share(eLo, eHi, rank, size) : [eLo, eHi];
    const [z0, z1] = eHi - eLo >= zHi - zLo ? [zLo, zHi] : share(zLo, zHi, rank, size);
    if (e1 > e0 && z1 > z0) kernel.scatterAngles(psi, nTheta, nz, nx, e0, e1, z0, z1, plan.cellMaterial, nMaterials, plan.kernelHalfWidth, plan.kernelWeights, jMax, mine.scratch);
  };
  for (;;) {
    const w = readWindow(control);
    const steps = control[CONTROL.steps]!;
    if (w.eHi <= w.eLo || w.zHi <= w.zLo || steps >= job.maxSteps || Atomics.load(control, CONTROL.stop) !== 0) break;
    const parity = steps % 2;
    const current = parity === 0 ? plan.psiA : plan.psiB;
    const next = parity === 0 ? plan.psiB : plan.psiA;
    if (rank === 0) hooks.beforeStep?.(w, views[parity]!);
    const eLoAfter = Math.max(0, w.eLo - job.lossReach);
    scatter(current, w.eLo, w.eHi, w.zLo, w.zHi);
    hooks.barrier();
    const [z0, z1] = share(w.zLo, w.zHi, rank, size);
    if (z1 > z0) {
      kernel.loseEnergy(current, next, ne, nTheta, nz, nx, z0, z1, w.eLo, w.eHi, plan.cellMaterial, nMaterials, plan.lossFirstBin, plan.lossWeights,
        plan.lossDepositMeV, plan.lossAbsorbed, plan.energyMeV, plan.doseEnergyMeV, mine.tallies, job.floor);
    }
    hooks.barrier();
    scatter(next, eLoAfter, w.eHi, w.zLo, w.zHi);
    hooks.barrier();
    const [x0, x1] = share(eLoAfter, w.eHi, rank, size);
    if (x1 > x0) kernel.streamX(next, current, nTheta, nz, nx, x0, x1, w.zLo, w.zHi, plan.shiftX, plan.energyMeV, mine.tallies);
    hooks.barrier();
    if (x1 > x0) kernel.streamZ(current, next, nTheta, nz, nx, x0, x1, w.zLo, w.zHi, plan.shiftZ, plan.energyMeV, mine.tallies, job.probeFace, mine.probeFluence);
    hooks.barrier();
    if (rank === 0) {
      binsVisited[0] = binsVisited[0]! + 5 * (w.eHi - eLoAfter) * (w.zHi - w.zLo) * nx * nTheta;
      const moved = { eLo: eLoAfter, eHi: w.eHi, zLo: w.zLo, zHi: Math.min(nz, w.zHi + 1) };
      shrinkWindow(views[1 - parity]!, views[parity]!, job, moved);
      writeWindow(control, moved);
      control[CONTROL.steps] = steps + 1;
      hooks.afterStep?.(moved, views[1 - parity]!);
    }
    hooks.barrier();
  }
}
