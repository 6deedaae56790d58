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
 * Stored rows: psi holds `rows` rows of cells per energy bin, rows [zBase,
 * zBase + rows) of the grid (README.md, "Memory layout"; all nz rows when
 * rows = nz). The kernels see those rows as a grid of their own: psi,
 * cellMaterial and the dose are passed at row zBase, z ranges and the probe
 * face relative to it. That sub-grid ends where the grid does (zBase <=
 * nz - rows) or its last row holds nothing and receives only (the window
 * keeps zHi + 1 <= zBase + rows), so nothing leaves through its end that would
 * not leave the grid; and it starts where the grid does or below the window
 * (zBase = 0 or zBase < zLo), so the streaming's first walked row has a
 * neighbour below, empty, as in the whole grid. (psi's row z - zBase of bin
 * e is the sub-grid's row, so psi needs no offset: psiIndex.) Between steps rank 0 moves zBase up to the window (the
 * window's rows of psi A move with it); a window taller than `rows` first
 * has its rows beyond that, at the back, absorbed where they are (their
 * energy deposited in their cells, tallied as absorbed, floored and lagged):
 * particles so far behind the beam that grid.ts storedRows did not expect
 * them.
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
import { SOLVER_TALLIES, SOLVER_TALLY_SLOTS, type SolverMemoryPlan } from './solverMemory.js';

/** Int32 slots of the control block; binsVisited is an f64 at CONTROL_BINS_BYTE. */
export const CONTROL = { barrierCount: 0, barrierGeneration: 1, eLo: 2, eHi: 3, zLo: 4, zHi: 5, steps: 6, stop: 7, zBase: 10 } as const;
export const CONTROL_BINS_BYTE = 32;
export const CONTROL_BYTES = 48;

/** What every thread needs to run the loop: plain numbers, so it can be posted to workers. */
export interface SolverJob {
  readonly plan: SolverMemoryPlan;
  readonly ne: number; readonly nTheta: number; readonly nz: number; readonly nx: number;
  /** Rows of cells psi holds per energy bin (SolverShape.rows). */
  readonly rows: number;
  readonly nMaterials: number; readonly jMax: number;
  /** The most bins a particle drops in one step (the window's growth at the bottom). */
  readonly lossReach: number;
  /** Targets per (e, m) of the energy-loss tables (lossWeights' stride). */
  readonly lossSlots: number;
  /** Probe face index, or -1. */
  readonly probeFace: number;
  readonly floor: number;
  readonly maxSteps: number;
  /** Nuclear events on (nuclearTables.ts): the tables' node count and wideLocalBins; absent when off. */
  readonly nuclear?: { readonly nNodes: number; readonly wideLocalBins: number };
}

export interface SolverWindow { eLo: number; eHi: number; zLo: number; zHi: number }

export interface LoopHooks {
  /** Waits until every thread has arrived (a no-op on one thread). */
  barrier(): void;
  /** Rank 0, before and after each step (tests: conservation per step); psi holds rows [zBase, zBase + rows). */
  beforeStep?(window: SolverWindow, psi: Float64Array, zBase: number): void;
  afterStep?(window: SolverWindow, psi: Float64Array, zBase: number): void;
}

/** Where value (e, z, x, t) of psi lies when it holds rows [zBase, zBase + rows). */
export function psiIndex(job: Pick<SolverJob, 'rows' | 'nx' | 'nTheta'>, zBase: number, e: number, z: number): number {
  return ((e * job.rows + z - zBase) * job.nx) * job.nTheta;
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
export function shrinkWindow(psi: Float64Array, job: SolverJob, w: SolverWindow, zBase: number): void {
  const row = job.nx * job.nTheta;
  const at = (e: number, z: number) => psiIndex(job, zBase, e, z);
  const energyEmpty = (e: number) => isZero(psi, at(e, w.zLo), at(e, w.zHi));
  // from the top bin down: the beam's band lies there, so a row that holds it is found at once
  // (with nuclear events the window starts at bin 0, and a row's low bins may be empty)
  const rowEmpty = (z: number) => {
    for (let e = w.eHi - 1; e >= w.eLo; e--) if (!isZero(psi, at(e, z), at(e, z) + row)) return false;
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

/**
 * Moves zBase up to the window `w` (rank 0, between steps) so that the next
 * step's rows, [zLo, min(zHi + 1, nz)), are stored, first absorbing the rows
 * of a window taller than the stored rows at its back (see the file header).
 */
export function rebase(buffer: ArrayBufferLike, job: SolverJob, w: SolverWindow, control: Int32Array, tallies: Float64Array): void {
  const { plan, nz, nx, nTheta, rows } = job;
  const zBase = control[CONTROL.zBase]!;
  const next = Math.min(w.zHi + 1, nz);
  if (w.eHi <= w.eLo || w.zHi <= w.zLo || ((zBase === 0 || zBase < w.zLo) && next <= zBase + rows)) return;
  const psi = new Float64Array(buffer, plan.psiA, plan.psiValues);
  // the window's rows, the one it streams into, and the empty one below it
  if (next - w.zLo + 1 > rows) {
    const energyMeV = new Float64Array(buffer, plan.energyMeV, job.ne);
    const dose = new Float64Array(buffer, plan.doseEnergyMeV, nz * nx);
    let particles = 0, deposited = 0;
    for (let e = w.eLo; e < w.eHi; e++) {
      for (let z = w.zLo; z < next - rows + 1; z++) {
        const from = psiIndex(job, zBase, e, z);
        for (let x = 0; x < nx; x++) {
          let cell = 0;
          for (let t = 0; t < nTheta; t++) cell += psi[from + x * nTheta + t]!;
          dose[z * nx + x] = dose[z * nx + x]! + energyMeV[e]! * cell;
          particles += cell;
          deposited += energyMeV[e]! * cell;
        }
      }
    }
    tallies[SOLVER_TALLIES.absorbedParticles] = tallies[SOLVER_TALLIES.absorbedParticles]! + particles;
    tallies[SOLVER_TALLIES.flooredParticles] = tallies[SOLVER_TALLIES.flooredParticles]! + particles;
    tallies[SOLVER_TALLIES.laggedParticles] = tallies[SOLVER_TALLIES.laggedParticles]! + particles;
    tallies[SOLVER_TALLIES.depositedEnergyMeV] = tallies[SOLVER_TALLIES.depositedEnergyMeV]! + deposited;
    w.zLo = next - rows + 1;
    writeWindow(control, w);
  }
  const newBase = Math.max(0, Math.min(w.zLo - 1, nz - rows));
  const row = nx * nTheta;
  for (let e = w.eLo; e < w.eHi; e++) {
    const from = psiIndex(job, zBase, e, w.zLo);
    psi.copyWithin(psiIndex(job, newBase, e, w.zLo), from, from + (w.zHi - w.zLo) * row);
  }
  control[CONTROL.zBase] = newBase;
}

/** Runs steps until the window is empty, the step limit is reached or the stop flag is set. psi is in plan.psiA between steps. */
export function runSolverLoop(kernel: KernelExports, buffer: ArrayBufferLike, job: SolverJob, rank: number, size: number, hooks: LoopHooks): void {
  const { plan, nTheta, nz, nx, rows, nMaterials, jMax, lossSlots } = job;
  const control = new Int32Array(buffer, plan.control, CONTROL_BYTES / 4);
  const binsVisited = new Float64Array(buffer, plan.control + CONTROL_BINS_BYTE, 1);
  const psi = new Float64Array(buffer, plan.psiA, plan.psiValues);
  const mine = plan.threads[rank]!;
  for (;;) {
    const w = readWindow(control);
    const steps = control[CONTROL.steps]!;
    if (w.eHi <= w.eLo || w.zHi <= w.zLo || steps >= job.maxSteps || Atomics.load(control, CONTROL.stop) !== 0) break;
    const zBase = control[CONTROL.zBase]!;
    if (rank === 0) hooks.beforeStep?.(w, psi, zBase);
    const eLoAfter = Math.max(0, w.eLo - job.lossReach);
    // The stored rows as a grid of their own (file header): cells and dose from row zBase on, z relative to it.
    const { psiA, psiB } = plan;
    const cellMaterial = plan.cellMaterial + zBase * nx * 4, dose = plan.doseEnergyMeV + zBase * nx * 8;
    const probeFace = job.probeFace > zBase ? job.probeFace - zBase : -1;
    // One call per row of cells and per energy bin: on a fresh module, V8 runs a function's first
    // calls in its baseline tier, and switches to the optimised code between calls only.
    const [z0, z1] = share(w.zLo - zBase, w.zHi - zBase, rank, size);
    for (let z = z0; z < z1; z++) {
      kernel.collide(psiA, psiB, nTheta, rows, nx, z, z + 1, w.eLo, w.eHi, job.lossReach, cellMaterial, nMaterials,
        plan.kernelHalfWidth, plan.kernelWeights, jMax, plan.lossFirstBin, plan.lossWeights, lossSlots, plan.lossDepositMeV, plan.lossAbsorbed,
        plan.energyMeV, dose, mine.tallies, job.floor, mine.scratch);
    }
    hooks.barrier();
    if (job.nuclear) {
      // nuclear events (README.md, "Nuclear events"): the products go to bins from 0 up, so the window starts at bin 0
      const n = plan.nuclear;
      for (let z = z0; z < z1; z++) {
        kernel.nuclearRows(psiB, nTheta, rows, nx, job.ne, z, z + 1, eLoAfter, w.eHi, cellMaterial, nMaterials, n.removal, n.elastic, n.elasticKernel, n.nodeOf, n.nodeWeight,
          job.nuclear.nNodes, n.yields, n.yieldTotal, n.nodeTop, n.nodeNeutralMeV, n.nodeLocalMeV, n.nodeLeavingMeV, job.nuclear.wideLocalBins,
          plan.energyMeV, dose, mine.tallies, mine.scratch);
      }
      hooks.barrier();
    }
    const [e0, e1] = share(eLoAfter, w.eHi, rank, size);
    for (let e = e0; e < e1; e++) {
      kernel.stream(psiB, psiA, nTheta, rows, nx, e, e + 1, w.zLo - zBase, w.zHi - zBase, plan.shiftX, plan.shiftZ, plan.energyMeV, mine.tallies,
        probeFace, mine.probeFluence, mine.scratch);
    }
    hooks.barrier();
    if (rank === 0) {
      // bin-operator visits: the five operators of a step (two scatters, loss, two streams)
      binsVisited[0] = binsVisited[0]! + 5 * (w.eHi - eLoAfter) * (w.zHi - w.zLo) * nx * nTheta;
      const moved = { eLo: eLoAfter, eHi: w.eHi, zLo: w.zLo, zHi: Math.min(nz, w.zHi + 1) };
      shrinkWindow(psi, job, moved, zBase);
      // nuclear events place products in any bin below the window's top: it keeps bin 0 (README.md, "Nuclear events")
      if (job.nuclear && moved.eHi > moved.eLo) moved.eLo = 0;
      writeWindow(control, moved);
      rebase(buffer, job, moved, control, new Float64Array(buffer, mine.tallies, SOLVER_TALLY_SLOTS));
      control[CONTROL.steps] = steps + 1;
      hooks.afterStep?.(moved, psi, control[CONTROL.zBase]!);
    }
    hooks.barrier();
  }
}
