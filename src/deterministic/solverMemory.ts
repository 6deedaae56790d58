/**
 * The one shared memory of a deterministic run (layout: src/deterministic/README.md):
 * two psi buffers, the cell materials, the operator tables, the dose and, per
 * thread, tallies, probe fluence and scratch. Planned before anything is
 * allocated, so a grid that does not fit is refused first.
 */
import { RegionPlan, WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../engine/regions.js';
import { BraggInputError } from '../errors.js';
import { CONTROL_BYTES } from './solverLoop.js';

/** f64 slots of a thread's tallies block. */
export const SOLVER_TALLIES = {
  escapedParticles: 0, escapedEnergyMeV: 1, absorbedParticles: 2, depositedEnergyMeV: 3, flooredParticles: 4,
  /** Particles absorbed where they were because they lagged more than the stored rows behind the beam (also in [2]). */
  laggedParticles: 5,
  /** Nonelastic nuclear events (particles removed), the neutral energy, the energy of secondaries beyond the angle grid not deposited, secondaries placed in psi (nuclearRows.ts). */
  nuclearEvents: 6, neutralEnergyMeV: 7, leavingEnergyMeV: 8, secondaries: 9,
} as const;
export const SOLVER_TALLY_SLOTS = 12;

export interface SolverShape {
  readonly ne: number; readonly nTheta: number; readonly nz: number; readonly nx: number;
  /** Rows of cells psi holds per energy bin (grid.ts storedRows; nz: all). */
  readonly rows: number;
  readonly nMaterials: number; readonly jMax: number; readonly threads: number;
  /** Targets per (e, m) of the energy-loss tables. */
  readonly lossSlots: number;
  /** The most bins a particle drops in one step (the energy-loss tables' maxDropBins). */
  readonly lossReach: number;
  /** Nuclear events on: the node count of the product tables (nuclearTables.ts), else absent. */
  readonly nuclearNodes?: number;
}

/**
 * f64 of scratch that assembly/deterministic/collide.ts needs (its
 * collideScratchValues): a row padded with jMax zeros (rounded up to even) on
 * each side, a row, and a ring of lossReach + 1 slots of nx rows.
 */
export function collideScratchValues(nTheta: number, nx: number, jMax: number, lossReach: number): number {
  return nTheta + 2 * ((jMax + 1) & ~1) + nTheta + (lossReach + 1) * nx * nTheta;
}

/**
 * f64 of scratch that assembly/deterministic/nuclearRows.ts needs (its
 * nuclearScratchValues): per (node, cell of a row) the removed particles and
 * their moment, and three f64 per cell.
 */
export function nuclearScratchValues(nNodes: number, nx: number): number {
  return 2 * nNodes * nx + 3 * nx;
}

/**
 * f64 of scratch per thread: the most that any kernel the step loop or the
 * tests call needs: scatterAngles a padded row, collide its ring, stream one
 * energy bin's plane of rows x nx x nTheta (rows: those psi holds, default nz),
 * nuclearRows its per-(node, cell) sums of a row.
 */
export function threadScratchValues(shape: Pick<SolverShape, 'nTheta' | 'nz' | 'nx' | 'jMax' | 'lossReach' | 'nuclearNodes'> & { readonly rows?: number }): number {
  const { nTheta, nx, jMax, lossReach } = shape;
  return Math.max(nTheta + 2 * jMax + 4, collideScratchValues(nTheta, nx, jMax, lossReach), (shape.rows ?? shape.nz) * nx * nTheta,
    shape.nuclearNodes ? nuclearScratchValues(shape.nuclearNodes, nx) : 0);
}

export interface SolverThreadRegions { readonly tallies: number; readonly probeFluence: number; readonly scratch: number }

export interface SolverMemoryPlan {
  readonly pages: number;
  readonly totalBytes: number;
  readonly psiA: number; readonly psiB: number; readonly psiValues: number;
  readonly cellMaterial: number; readonly energyMeV: number;
  readonly kernelHalfWidth: number; readonly kernelWeights: number;
  readonly lossFirstBin: number; readonly lossWeights: number; readonly lossDepositMeV: number; readonly lossAbsorbed: number;
  readonly shiftX: number; readonly shiftZ: number;
  readonly doseEnergyMeV: number;
  /** The nuclear tables (nuclearTables.ts; -1 each without nuclear events). */
  readonly nuclear: {
    readonly removal: number; readonly elastic: number; readonly elasticKernel: number; readonly nodeOf: number; readonly nodeWeight: number; readonly yields: number; readonly yieldTotal: number;
    readonly nodeTop: number; readonly nodeNeutralMeV: number; readonly nodeLocalMeV: number; readonly nodeLeavingMeV: number;
  };
  /** The loop's control block (solverLoop.ts: window, step count, barrier). */
  readonly control: number;
  readonly threads: readonly SolverThreadRegions[];
}

export function planSolverMemory(shape: SolverShape, limitBytes = WASM32_MAX_PAGES * WASM_PAGE_BYTES): SolverMemoryPlan {
  const { ne, nTheta, nz, nx, rows, nMaterials, jMax, threads, lossSlots } = shape;
  const psiValues = ne * nTheta * rows * nx;
  const pairs = ne * nMaterials;
  const plan = new RegionPlan();
  const regions = {
    psiA: plan.reserve('psiA', psiValues * 8),
    psiB: plan.reserve('psiB', psiValues * 8),
    cellMaterial: plan.reserve('cellMaterial', nz * nx * 4),
    energyMeV: plan.reserve('energyMeV', ne * 8),
    kernelHalfWidth: plan.reserve('kernelHalfWidth', pairs * 4),
    kernelWeights: plan.reserve('kernelWeights', pairs * (2 * jMax + 1) * 8),
    lossFirstBin: plan.reserve('lossFirstBin', pairs * 4),
    lossWeights: plan.reserve('lossWeights', pairs * lossSlots * 8),
    lossDepositMeV: plan.reserve('lossDepositMeV', pairs * 8),
    lossAbsorbed: plan.reserve('lossAbsorbed', pairs * 8),
    shiftX: plan.reserve('shiftX', nTheta * 8),
    shiftZ: plan.reserve('shiftZ', nTheta * 8),
    doseEnergyMeV: plan.reserve('doseEnergyMeV', nz * nx * 8),
    control: plan.reserve('control', CONTROL_BYTES),
  };
  const nodes = shape.nuclearNodes ?? 0;
  const nuclearRegion = (name: string, bytes: number) => (nodes > 0 ? plan.reserve(`nuclear.${name}`, bytes) : -1);
  const nuclear = {
    removal: nuclearRegion('removal', pairs * 8), elastic: nuclearRegion('elastic', pairs * 8),
    elasticKernel: nuclearRegion('elasticKernel', pairs * (2 * nTheta - 1) * 8), nodeOf: nuclearRegion('nodeOf', ne * 4), nodeWeight: nuclearRegion('nodeWeight', ne * 8),
    yields: nuclearRegion('yields', nodes * ne * (2 * nTheta - 1) * 8), yieldTotal: nuclearRegion('yieldTotal', nodes * ne * 8),
    nodeTop: nuclearRegion('nodeTop', nodes * 4), nodeNeutralMeV: nuclearRegion('nodeNeutralMeV', nodes * 8),
    nodeLocalMeV: nuclearRegion('nodeLocalMeV', nodes * 8), nodeLeavingMeV: nuclearRegion('nodeLeavingMeV', nodes * 8),
  };
  const threadRegions: SolverThreadRegions[] = [];
  for (let w = 0; w < threads; w++) {
    threadRegions.push({
      tallies: plan.reserve(`thread${w}.tallies`, SOLVER_TALLY_SLOTS * 8),
      probeFluence: plan.reserve(`thread${w}.probeFluence`, nx * 8),
      scratch: plan.reserve(`thread${w}.scratch`, threadScratchValues(shape) * 8),
    });
  }
  const totalBytes = plan.totalBytes;
  if (totalBytes > limitBytes) {
    throw new BraggInputError(`the phase-space grid (${ne} energies x ${nTheta} angles x ${nz} x ${nx} cells, ${rows} rows stored) needs `
      + `${Math.ceil(totalBytes / 2 ** 20)} MiB, more than the limit of ${Math.floor(limitBytes / 2 ** 20)} MiB: use fewer bins or cells`);
  }
  return { pages: plan.pages, totalBytes, psiValues, ...regions, nuclear, threads: threadRegions };
}
