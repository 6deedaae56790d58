/**
 * The step loop of the deterministic solver, run by one thread or by every
 * thread of a pool on the same shared memory (README.md, "One step" and "Work
 * split"). A step is two fused passes: collide (scatter, energy loss, scatter)
 * psi A -> B, split by rows of cells, then stream (along x, then z) B -> A,
 * split by energy bins; so psi is in A at the start of every step. A barrier
 * ends each pass; rank 0 alone then moves the window. The kernels do the same
 * arithmetic per element whatever the split, so the dose is the same bit for
 * bit on any number of threads.
 *
 * The window: energy bins [eLo, eHi) and rows [zLo, zHi) that hold particles.
 * Energies only go down and particles only move forward (every direction bin
 * has cos theta > 0), so it grows by at most one row and a few energy bins per
 * step, and shrinks where its edge slices have emptied (the loss kernel's
 * floor makes decaying tails exactly 0).
 *
 * No stale data: each pass reads only what the one before it wrote in the
 * same step. collide reads A in the window, which the last stream wrote in
 * full (or the source placement, with the rest of A zero); it writes every
 * value of B in the grown window ([eLo - lossReach, eHi) x [zLo, zHi)), which
 * is all that stream reads of B; stream writes every value of A in the grown
 * window and one row beyond ([.., min(zHi + 1, nz))), the next window, and
 * keeps the row it needs beyond zHi in its own scratch. So values outside the
 * window, in either buffer, are never read.
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
  /** Targets per (e, m) of the energy-loss tables (lossWeights' stride). */
  readonly lossSlots: number;
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
 * Shrinks the window past edge slices that hold nothing in `psi`. What the
 * buffers hold outside the window is never read (see the file header), so
 * nothing needs clearing.
 */
export function shrinkWindow(psi: Float64Array, job: SolverJob, w: SolverWindow): void {
  const { nTheta, nz, nx } = job;
  const row = nx * nTheta;
  const energyEmpty = (e: number) => isZero(psi, (e * nz + w.zLo) * row, (e * nz + w.zHi) * row);
  const rowEmpty = (z: number) => {
    for (let e = w.eLo; e < w.eHi; e++) if (!isZero(psi, (e * nz + z) * row, (e * nz + z + 1) * row)) return false;
    return true;
  };
  while (w.eHi > w.eLo && energyEmpty(w.eHi - 1)) w.eHi--;
  while (w.eHi > w.eLo && energyEmpty(w.eLo)) w.eLo++;
  while (w.zHi > w.zLo && rowEmpty(w.zLo)) w.zLo++;
  while (w.zHi > w.zLo && rowEmpty(w.zHi - 1)) w.zHi--;
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

/** Runs steps until the window is empty, the step limit is reached or the stop flag is set. psi is in plan.psiA between steps. */
export function runSolverLoop(kernel: KernelExports, buffer: ArrayBufferLike, job: SolverJob, rank: number, size: number, hooks: LoopHooks): void {
  const { plan, nTheta, nz, nx, nMaterials, jMax, lossSlots } = job;
  const control = new Int32Array(buffer, plan.control, CONTROL_BYTES / 4);
  const binsVisited = new Float64Array(buffer, plan.control + CONTROL_BINS_BYTE, 1);
  const psi = new Float64Array(buffer, plan.psiA, plan.psiValues);
  const mine = plan.threads[rank]!;
  for (;;) {
    const w = readWindow(control);
    const steps = control[CONTROL.steps]!;
    if (w.eHi <= w.eLo || w.zHi <= w.zLo || steps >= job.maxSteps || Atomics.load(control, CONTROL.stop) !== 0) break;
    if (rank === 0) hooks.beforeStep?.(w, psi);
    const eLoAfter = Math.max(0, w.eLo - job.lossReach);
    // One call per row of cells and per energy bin: on a fresh module, V8 runs a function's first
    // calls in its baseline tier, and switches to the optimised code between calls only.
    const [z0, z1] = share(w.zLo, w.zHi, rank, size);
    for (let z = z0; z < z1; z++) {
      kernel.collide(plan.psiA, plan.psiB, nTheta, nz, nx, z, z + 1, w.eLo, w.eHi, job.lossReach, plan.cellMaterial, nMaterials,
        plan.kernelHalfWidth, plan.kernelWeights, jMax, plan.lossFirstBin, plan.lossWeights, lossSlots, plan.lossDepositMeV, plan.lossAbsorbed,
        plan.energyMeV, plan.doseEnergyMeV, mine.tallies, job.floor, mine.scratch);
    }
    hooks.barrier();
    const [e0, e1] = share(eLoAfter, w.eHi, rank, size);
    for (let e = e0; e < e1; e++) {
      kernel.stream(plan.psiB, plan.psiA, nTheta, nz, nx, e, e + 1, w.zLo, w.zHi, plan.shiftX, plan.shiftZ, plan.energyMeV, mine.tallies,
        job.probeFace, mine.probeFluence, mine.scratch);
    }
    hooks.barrier();
    if (rank === 0) {
      // bin-operator visits: the five operators of a step (two scatters, loss, two streams)
      binsVisited[0] = binsVisited[0]! + 5 * (w.eHi - eLoAfter) * (w.zHi - w.zLo) * nx * nTheta;
      const moved = { eLo: eLoAfter, eHi: w.eHi, zLo: w.zLo, zHi: Math.min(nz, w.zHi + 1) };
      shrinkWindow(psi, job, moved);
      writeWindow(control, moved);
      control[CONTROL.steps] = steps + 1;
      hooks.afterStep?.(moved, psi);
    }
    hooks.barrier();
  }
}
