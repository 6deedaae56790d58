/**
 * Everything the operators need, built once on the host from the config: the
 * phase-space grid, the half-step scattering kernels, the energy-loss map, the
 * streaming shifts and the source (layouts: README.md).
 */
import type { ResolvedConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../engine/regions.js';
import { buildPhantom } from '../geometry/phantom.js';
import { probeIndexFor } from '../engine/monteCarlo.js';
import { getMaterial } from '../physics/index.js';
import { buildPhaseSpaceGrid, type PhaseSpaceGrid } from './grid.js';
import { buildScatteringKernels } from './scatteringKernels.js';
import { buildEnergyLossMap } from './energyLossMap.js';
import { buildStreamingShifts } from './streamingShifts.js';
import { buildBeamSource } from './beamSource.js';

export type SolverGrid = PhaseSpaceGrid & {
  /** The phantom's width in y, over which the dose is integrated (mm). */
  readonly sizeYMm: number;
};

export interface SolverTables {
  readonly grid: SolverGrid;
  /** Kinetic energy of a particle (MeV, not per u) at each energy bin's centre. */
  readonly energyMeV: Float64Array;
  readonly scattering: { readonly jMax: number; readonly halfWidth: Int32Array; readonly weights: Float64Array };
  readonly loss: {
    /** Targets per (e, m): weights[(e * nMat + m) * slots + k] goes to bin firstBin + k. */
    readonly slots: number;
    readonly firstBin: Int32Array; readonly weights: Float64Array; readonly depositMeV: Float64Array; readonly absorbed: Float64Array;
    /** The most bins any target lies below its source bin (sizes the window's growth). */
    readonly maxDropBins: number;
  };
  readonly shifts: { readonly shiftX: Float64Array; readonly shiftZ: Float64Array };
  /** One primary in row z = 0: values [(e * nx + x) * nTheta + t], summing to 1; its kinetic energy (MeV). */
  readonly source: { readonly values: Float64Array; readonly energyMeV: number };
  /** The face (between rows probeFace - 1 and probeFace) where crossing particles are recorded, or null. */
  readonly probeFace: number | null;
}

export function prepareSolverTables(config: ResolvedConfig): SolverTables {
  const grid: SolverGrid = { ...buildPhaseSpaceGrid(config, config.deterministic), sizeYMm: config.phantom.sizeMm[1] };
  // Refuse a grid that cannot fit before building any table of its size (two f64 psi buffers in wasm32's 4 GiB;
  // buildPhaseSpaceGrid refuses such settings already, before the grid).
  const psiBytes = 2 * 8 * grid.ne * grid.nTheta * grid.storedRows * grid.nx;
  if (psiBytes > WASM32_MAX_PAGES * WASM_PAGE_BYTES) {
    throw new BraggInputError(`the phase-space grid (${grid.ne} energies x ${grid.nTheta} angles x ${grid.nz} x ${grid.nx} cells, ${grid.storedRows} rows stored) `
      + `needs ${Math.ceil(psiBytes / 2 ** 20)} MiB, more than the 4096 MiB of WebAssembly memory: use fewer bins or cells`);
  }
  const scattering = buildScatteringKernels(grid);
  const loss = buildEnergyLossMap(grid);
  const source = buildBeamSource(config, grid);
  // The probe plane is the Monte Carlo's (a voxel plane in z, a face of the cells too); only its index matters here.
  const probe = probeIndexFor(config, buildPhantomShape(config));
  return {
    grid,
    energyMeV: grid.energyMeV,
    scattering: { jMax: scattering.jMax, halfWidth: scattering.halfWidth, weights: scattering.weights },
    loss: { slots: loss.slots, firstBin: loss.firstBin, weights: loss.weights, depositMeV: loss.depositMeV, absorbed: loss.absorbed, maxDropBins: loss.maxDropBins },
    shifts: buildStreamingShifts(grid),
    source: { values: source.values, energyMeV: source.incidentEnergyMeV },
    probeFace: probe >= 0 ? probe * grid.subdivisions.z : null,
  };
}

/** probeIndexFor needs only the number and size of the z voxels. */
function buildPhantomShape(config: ResolvedConfig) {
  return buildPhantom({ ...config, phantom: { ...config.phantom, regions: [] } }, (id) => getMaterial(id).densityGPerCm3);
}
