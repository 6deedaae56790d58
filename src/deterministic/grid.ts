/**
 * The deterministic solver's phase-space grid (README.md, "Grid"): cells of the
 * phantom's x-z plane at y = 0, direction bins in the x-z plane, energy bins
 * equally spaced in the ion's CSDA range in water, and the step length.
 *
 * Energies: bin centres R_e = R_top - (ne - 1 - e) dR in water range, E_e = E_water(R_e);
 * the top bin holds E_top exactly (E0 + 4 sigma_E, or E0); dR = rho_water ds / K,
 * K bins per step in water (binsPerStep.ts chooses K for the grid's materials
 * unless the settings give it or energyBins). `energyMeVPerU` is
 * per nucleon (what the range tables take); `energyMeV` is per particle
 * (A x per nucleon), the unit of every deposit and energy tally.
 *
 * Materials: index m runs over the distinct (material, density) pairs of the
 * cells, in the order they first appear (z, then x): a region may give a
 * material another density, and a step's mass thickness rho ds is what the
 * loss and scattering tables are made per. Each keeps the Monte Carlo's
 * material (with the config's overrides), so its range table is the Monte
 * Carlo's; pairs of one material share one range function.
 */
import type { ResolvedConfig } from '../config/schema.js';
import { BraggInputError } from '../errors.js';
import { buildPhantom } from '../geometry/phantom.js';
import { resolvePhysics } from '../engine/monteCarlo.js';
import { DEFAULT_TABLE } from '../physics/index.js';
import type { Ion, Material, MaterialId } from '../physics/index.js';
import { buildMaterialRange, type MaterialRange } from './materialRange.js';
import { chooseBinsPerStep } from './binsPerStep.js';
import { WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../engine/regions.js';
import { parseDeterministicSettings, type DeterministicSettings, type DeterministicSettingsInput } from './settings.js';

export interface PhaseSpaceMaterial {
  readonly id: MaterialId;
  /** The Monte Carlo's material (config overrides applied). */
  readonly material: Material;
  /** Density of the cells of this index (g/cm^3): the material's, or a region's. */
  readonly densityGPerCm3: number;
  /** R(E) and E(R) of the beam's ion in this material. */
  readonly range: MaterialRange;
}

export interface PhaseSpaceGrid {
  readonly ion: Ion;
  // Cells: x fastest, [z * nx + x]; x from originXMm, z (depth) from 0. A cell is a voxel of the phantom
  // divided by `subdivisions` in z and x (nz = voxels in z x subdivisions.z), see chooseSubdivisions.
  readonly nx: number;
  readonly nz: number;
  readonly dxMm: number;
  readonly dzMm: number;
  readonly originXMm: number;
  /** Cells per voxel in depth (z) and across (x): the results sum each voxel's cells. */
  readonly subdivisions: { readonly z: number; readonly x: number };
  /** Rows of cells the WASM solver stores per energy bin (storedRows; at most nz). */
  readonly storedRows: number;
  /** Path length of one step, ds (mm). */
  readonly stepMm: number;
  // Directions: theta_t = (t - nTheta/2) dTheta from +z toward +x, t = 0..nTheta-1.
  readonly nTheta: number;
  readonly dThetaRad: number;
  /** nTheta/2 x dTheta: the largest |theta_t| (bin t = 0). */
  readonly thetaMaxRad: number;
  readonly thetaRad: Float64Array;
  // Energies: e = 0..ne-1, e = ne-1 the highest.
  readonly ne: number;
  /** dR: spacing of the bin centres in water range (g/cm^2). */
  readonly rangeStepGPerCm2: number;
  /** K: bins a step in water moves (dR = rho_water ds / K); null when the settings gave energyBins. */
  readonly binsPerStep: number | null;
  /**
   * The K binsPerStep.ts asked for when it chose K but the grid could not have it
   * (two f64 psi buffers of storedRows rows beyond wasm32 memory), else null.
   */
  readonly binsPerStepWanted: number | null;
  /** Mass thickness of one step of the grid's water (g/cm^2): K dR. */
  readonly waterStepGPerCm2: number;
  /** R_e, the bin centres' CSDA range in water (g/cm^2). */
  readonly waterRangeGPerCm2: Float64Array;
  /** E_e per nucleon (MeV/u). */
  readonly energyMeVPerU: Float64Array;
  /** E_e per particle (MeV) = A x energyMeVPerU: the unit of deposits. */
  readonly energyMeV: Float64Array;
  /** E_top = E_(ne-1) (MeV/u): the beam energy plus 4 sigma of its spread. */
  readonly topEnergyMeVPerU: number;
  /** Below this (MeV/u) a particle is absorbed (config transport.cutoffEnergyMeVPerU). */
  readonly cutoffEnergyMeVPerU: number;
  /** R(E) and E(R) in water (the config's water), which defines the energy bins. */
  readonly water: MaterialRange;
  // Materials.
  readonly materials: readonly PhaseSpaceMaterial[];
  /** Material index m of cell [z * nx + x]. */
  readonly cellMaterial: Int32Array;
  /** Density of cell [z * nx + x] (g/cm^3) = materials[cellMaterial].densityGPerCm3. */
  readonly densityGPerCm3: Float64Array;
}

/** Highest energy on the grid: the beam's, plus 4 sigma of its Gaussian spread (README). */
const SPREAD_SIGMAS_ON_GRID = 4;

/** The f64 density of every (material, f32 density) the phantom can hold: its voxels keep f32 densities. */
function exactDensities(config: ResolvedConfig, material: (id: MaterialId) => Material): Map<string, number> {
  const exact = new Map<string, number>();
  const add = (id: MaterialId, density: number | undefined) => {
    const value = density ?? material(id).densityGPerCm3;
    exact.set(`${id} ${Math.fround(value)}`, value);
  };
  add(config.phantom.material, config.phantom.densityGPerCm3);
  for (const region of config.phantom.regions) add(region.material, region.densityGPerCm3);
  return exact;
}

function checkEnergies(config: ResolvedConfig, topEnergyMeVPerU: number): void {
  const { energyMeVPerU, energySpreadMeVPerU } = config.beam;
  const cutoff = config.transport.cutoffEnergyMeVPerU;
  const { energyMinMeVPerU: tableMin, energyMaxMeVPerU: tableMax } = DEFAULT_TABLE;
  if (topEnergyMeVPerU > tableMax) {
    throw new BraggInputError(`beam energy ${energyMeVPerU} MeV/u + ${SPREAD_SIGMAS_ON_GRID} x ${energySpreadMeVPerU} MeV/u spread is above the tables' ${tableMax} MeV/u`);
  }
  if (cutoff < tableMin * 1.01) {
    throw new BraggInputError(`transport.cutoffEnergyMeVPerU ${cutoff} is below the tables' ${tableMin} MeV/u`);
  }
  if (energyMeVPerU <= cutoff) {
    throw new BraggInputError(`beam energy ${energyMeVPerU} MeV/u is not above the cut-off energy ${cutoff} MeV/u`);
  }
}

/** Step and direction grid: a step may cross at most one cell in z and in x. */
function checkStep(stepMm: number, dxMm: number, dzMm: number, thetaMaxRad: number, angleMaxDeg: number): void {
  if (stepMm > dzMm * (1 + 1e-12)) {
    throw new BraggInputError(`deterministic.stepMm ${stepMm} mm is longer than the voxel depth ${dzMm} mm: a step may cross at most one cell in z`);
  }
  const lateralMm = stepMm * Math.sin(thetaMaxRad);
  if (lateralMm > dxMm * (1 + 1e-12)) {
    throw new BraggInputError(`deterministic.stepMm ${stepMm} mm x sin(angleMaxDeg ${angleMaxDeg}) = ${lateralMm.toPrecision(4)} mm is wider than the voxel width ${dxMm} mm: a step may cross at most one cell in x (use a smaller stepMm or angleMaxDeg)`);
  }
}

/**
 * Range straggling of a proton beam in water, sigma = 0.012 R^0.935 (sigma and R in cm; Bortfeld 1997,
 * Med. Phys. 24, 2024, eq. 18), as a fraction to apply to the CSDA range in cm.
 */
function waterRangeStragglingCm(rangeCm: number): number {
  return 0.012 * rangeCm ** 0.935;
}

/**
 * Solver cells per voxel (README.md, "Grid"), unless the settings give them.
 * Depth: a Bragg peak in a material that stops protons s times harder than water (s: the ratio of
 * the CSDA ranges in mm at the beam's energy) is s times narrower than water's; where it is narrower
 * than a voxel the streaming's numerical diffusion in z (README.md, "streamX, streamZ") and the
 * voxel's average flatten it (100 MeV protons stopping in titanium, s = 3.2, range straggling 0.25 mm:
 * a peak 0.955 of the Monte Carlo's in 1 mm voxels; 0.973, 0.979, 0.982, 0.984 with 2, 3, 4, 8 cells
 * per voxel). So z is divided until a cell is no deeper than CELL_PER_STRAGGLING times the range
 * straggling sigma of the beam stopping in the grid's hardest-stopping material (water's scaled by
 * 1/s), where s > 1.05; water alone, and lung, keep the voxels (agreement.test.ts holds water at one
 * cell per voxel: there sigma is 0.8 mm at 100 MeV, 1.6 mm at 150 MeV).
 * Across: the angular spread at the end of such a range widens the lateral profile through the x
 * streaming's numerical diffusion (titanium, 100 MeV, 2 mm voxels: the peak's central voxels 0.96 of
 * the Monte Carlo's, 0.98 with 1 mm cells; compact bone, 100 MeV, 2 cells in z: gamma 2 %/2 mm 99.3 %,
 * 100 % with 1 mm cells); x is halved wherever z is divided.
 */
/**
 * A cell may be this many range-straggling sigmas deep (chooseSubdivisions): 1.25 gives 4 cells per 1 mm
 * voxel for 100 MeV protons stopping in titanium (sigma 0.25 mm; 3 cells: peak 0.979 of the Monte Carlo's,
 * too near the 2 % target), 2 in compact bone (sigma 0.49 mm) and for 150 MeV in titanium (0.49 mm),
 * 1 for 150 MeV in compact bone (0.96 mm); 1 instead of 1.25 gave 3, 3, 2 there for under 0.5 % of peak
 * and 1.5 to 6 times the run time (heterogeneous.test.ts).
 */
const CELL_PER_STRAGGLING = 1.25;

function chooseSubdivisions(options: DeterministicSettings, dzMm: number, materials: readonly PhaseSpaceMaterial[], water: MaterialRange,
  waterDensity: number, topEnergyMeVPerU: number): { z: number; x: number } {
  const waterRangeMm = (10 * water.rangeGPerCm2(topEnergyMeVPerU)) / waterDensity;
  let hardest = 1;
  for (const m of materials) hardest = Math.max(hardest, waterRangeMm / ((10 * m.range.rangeGPerCm2(topEnergyMeVPerU)) / m.densityGPerCm3));
  const auto = options.stepMm === undefined && hardest > 1.05
    ? Math.min(16, Math.ceil(dzMm / ((CELL_PER_STRAGGLING * 10 * waterRangeStragglingCm(waterRangeMm / 10)) / hardest) - 1e-9)) : 1;
  const z = options.zSubdivisions ?? auto;
  return { z, x: options.xSubdivisions ?? (options.zSubdivisions === undefined && z >= 2 ? 2 : 1) };
}

/** Two f64 psi buffers must fit in wasm32 memory (4 GiB), with this much left for the rest. */
const PSI_BYTES_LIMIT = WASM32_MAX_PAGES * WASM_PAGE_BYTES - 2 ** 26;

/**
 * Rows of cells the WASM solver's psi buffers hold per energy bin (README.md,
 * "Memory layout"): the beam is a thin pulse in depth, every particle ds of
 * path further on each step, so the rows holding particles are those between
 * the front (at most one row a step) and the slowest direction's lag, a
 * fraction 1 - f of the depth (f = ds cos(thetaMax) / dz, the smallest shift in
 * z), widened by the streaming's numerical diffusion (8 standard deviations of
 * a first-order upwind walk over nz cells, sqrt(nz f (1 - f)), where the floor
 * has long cut the tails) and 16 rows more. Rows that lag further are absorbed
 * where they are (solverLoop.ts), which the results report.
 */
export function storedRows(nz: number, stepMm: number, dzMm: number, thetaMaxRad: number): number {
  const f = Math.min((stepMm * Math.cos(thetaMaxRad)) / dzMm, 1);
  return Math.min(nz, Math.ceil(nz * (1 - f) + 8 * Math.sqrt(nz * f * (1 - f))) + 16);
}

/**
 * Refuses a grid whose two f64 psi buffers (energy bins x angle bins x cells)
 * would not fit in wasm32 memory, before anything of its size is built, in one
 * line naming the setting that sizes its energy axis and what would fit.
 * `rangeSpanGPerCm2`: the water range from the top energy down to the cut-off.
 */
function checkGridSize(options: DeterministicSettings, cells: { nx: number; nz: number; rows: number }, nTheta: number, stepMm: number,
  dzMm: number, waterStepGPerCm2: number, rangeSpanGPerCm2: number): void {
  const { nx, nz, rows } = cells;
  const perBin = 16 * nTheta * rows * nx;   // bytes of one energy bin in the two psi buffers
  const binsPerStep = options.energyBinsPerStep ?? 1;
  const ne = options.energyBins ?? Math.floor((rangeSpanGPerCm2 * binsPerStep) / waterStepGPerCm2) + 1;
  if (ne * perBin <= PSI_BYTES_LIMIT) return;
  const stored = rows < nz ? `, ${rows} of its ${nz} rows stored` : '';
  const grid = `the phase-space grid (${ne} energies x ${nTheta} angles x ${nz} x ${nx} cells${stored}) needs ${Math.ceil((ne * perBin) / 2 ** 20)} MiB, `
    + 'more than the 4096 MiB of WebAssembly memory';
  const mostBins = Math.floor(PSI_BYTES_LIMIT / perBin);
  const fewer = 'use fewer angle bins (deterministic.angleBins) or cells (phantom.voxelSizeMm)';
  if (mostBins < 8) throw new BraggInputError(`${grid}: ${fewer}`);
  if (options.energyBins !== undefined) {
    throw new BraggInputError(`deterministic.energyBins ${ne}: ${grid}: use at most ${mostBins} energy bins, or fewer angle bins or cells`);
  }
  const step = options.stepMm === undefined ? `deterministic.stepMm (default: the voxel depth ${dzMm} mm)` : `deterministic.stepMm ${stepMm} mm`;
  const perStep = options.energyBinsPerStep === undefined ? '' : ` and deterministic.energyBinsPerStep ${binsPerStep}`;
  // ne - 1 = span K / (rho ds): the shortest step whose bins fit
  const shortest = (rangeSpanGPerCm2 * binsPerStep * stepMm) / waterStepGPerCm2 / (mostBins - 1);
  const advice = [
    ...(shortest <= dzMm ? [`a step of at least ${shortest.toPrecision(3)} mm`] : []),
    ...(perStep ? ['fewer bins per step'] : []),
  ];
  throw new BraggInputError(`${step}${perStep} ${perStep ? 'give' : 'gives'} ${ne} energy bins: ${grid}: `
    + (advice.length > 0 ? `use ${advice.join(' or ')}, or fewer angle bins or cells` : fewer));
}

/**
 * Builds the grid for a run of `config` with the solver's `settings`
 * (validated here; see settings.ts). Throws BraggInputError (one line) for
 * settings that break the grid's requirements: ds <= dz, ds sin(thetaMax) <= dx,
 * energies inside the tables and above the cut-off, at least two energy bins,
 * two psi buffers within wasm32 memory (checked before anything of the grid's
 * size is built).
 */
export function buildPhaseSpaceGrid(config: ResolvedConfig, settings: DeterministicSettingsInput = {}): PhaseSpaceGrid {
  const options = parseDeterministicSettings(settings);
  const { ion, material } = resolvePhysics(config);
  const [voxelDxMm, , voxelDzMm] = config.phantom.voxelSizeMm;
  const nTheta = options.angleBins;
  const thetaMaxRad = (options.angleMaxDeg * Math.PI) / 180;
  const dThetaRad = (2 * thetaMaxRad) / nTheta;
  const topEnergyMeVPerU = config.beam.energyMeVPerU + SPREAD_SIGMAS_ON_GRID * config.beam.energySpreadMeVPerU;
  checkEnergies(config, topEnergyMeVPerU);
  const water = buildMaterialRange(ion, material('water'));
  const topRange = water.rangeGPerCm2(topEnergyMeVPerU);
  const cutoffRange = water.rangeGPerCm2(config.transport.cutoffEnergyMeVPerU);
  const waterStepOf = (stepMm: number) => (material('water').densityGPerCm3 * stepMm) / 10;
  // One cell per voxel first: the settings' step and a grid too large even so are refused before the
  // phantom is built (the cells as buildPhantom counts them; it refuses sizes that are not whole numbers of voxels).
  {
    const stepMm = options.stepMm ?? voxelDzMm;
    checkStep(stepMm, voxelDxMm, voxelDzMm, thetaMaxRad, options.angleMaxDeg);
    const cellsZ = Math.round(config.phantom.sizeMm[2] / voxelDzMm);
    const cells = { nx: Math.round(config.phantom.sizeMm[0] / voxelDxMm), nz: cellsZ, rows: storedRows(cellsZ, stepMm, voxelDzMm, thetaMaxRad) };
    checkGridSize(options, cells, nTheta, stepMm, voxelDzMm, waterStepOf(stepMm), topRange - cutoffRange);
  }
  // The materials of the cells at y = 0 (the voxel row whose half-open interval [y0, y0 + dy) holds y = 0).
  const phantom = buildPhantom(config, (id) => material(id).densityGPerCm3);
  const { nx: voxelsX, nz: voxelsZ, ny } = phantom;
  const ranges = new Map<MaterialId, MaterialRange>([['water', water]]);
  const rangeOf = (id: MaterialId): MaterialRange => {
    let r = ranges.get(id);
    if (!r) ranges.set(id, r = buildMaterialRange(ion, material(id)));
    return r;
  };
  const exact = exactDensities(config, material);
  const materials: PhaseSpaceMaterial[] = [];
  const voxelMaterial = new Int32Array(voxelsZ * voxelsX);
  const iy = Math.floor(ny / 2);
  for (let z = 0; z < voxelsZ; z++) {
    for (let x = 0; x < voxelsX; x++) {
      const voxel = (z * ny + iy) * voxelsX + x;
      const id = phantom.materials[phantom.materialIndex[voxel]!]!;
      const f32Density = phantom.densityGPerCm3[voxel]!;
      const density = exact.get(`${id} ${f32Density}`) ?? f32Density;
      let m = materials.findIndex((p) => p.id === id && p.densityGPerCm3 === density);
      if (m < 0) m = materials.push({ id, material: material(id), densityGPerCm3: density, range: rangeOf(id) }) - 1;
      voxelMaterial[z * voxelsX + x] = m;
    }
  }
  const subdivisions = chooseSubdivisions(options, voxelDzMm, materials, water, material('water').densityGPerCm3, topEnergyMeVPerU);
  const dxMm = voxelDxMm / subdivisions.x, dzMm = voxelDzMm / subdivisions.z;
  const stepMm = options.stepMm ?? dzMm;
  checkStep(stepMm, dxMm, dzMm, thetaMaxRad, options.angleMaxDeg);
  const waterStepGPerCm2 = waterStepOf(stepMm);
  const nx = voxelsX * subdivisions.x, nz = voxelsZ * subdivisions.z;
  checkGridSize(options, { nx, nz, rows: storedRows(nz, stepMm, dzMm, thetaMaxRad) }, nTheta, stepMm, dzMm, waterStepGPerCm2, topRange - cutoffRange);
  const thetaRad = Float64Array.from({ length: nTheta }, (_, t) => (t - nTheta / 2) * dThetaRad);
  const cellMaterial = new Int32Array(nz * nx);
  const densityGPerCm3 = new Float64Array(nz * nx);
  for (let z = 0; z < nz; z++) {
    for (let x = 0; x < nx; x++) {
      const m = voxelMaterial[Math.floor(z / subdivisions.z) * voxelsX + Math.floor(x / subdivisions.x)]!;
      cellMaterial[z * nx + x] = m;
      densityGPerCm3[z * nx + x] = materials[m]!.densityGPerCm3;
    }
  }

  // Energy bins, equally spaced in water range from the top energy down to the cut-off.
  const cutoffEnergyMeVPerU = config.transport.cutoffEnergyMeVPerU;
  if (options.energyBins !== undefined && options.energyBinsPerStep !== undefined) {
    throw new BraggInputError('deterministic.energyBins and deterministic.energyBinsPerStep cannot both be given: each fixes the energy grid');
  }
  if (options.energyBins === undefined && topRange - cutoffRange < waterStepGPerCm2) {
    throw new BraggInputError(`the beam's range in water (${(topRange * 10).toPrecision(3)} mm) is shorter than one step of ${stepMm} mm: use a smaller deterministic.stepMm`);
  }
  const axis = (binsPerStep: number | null) => {
    // Default: K bins per step in water (dR = rho_water ds / K), so a step in water moves exactly K bins.
    const rangeStepGPerCm2 = binsPerStep !== null ? waterStepGPerCm2 / binsPerStep : (topRange - cutoffRange) / (options.energyBins! - 1);
    const ne = options.energyBins ?? Math.floor((topRange - cutoffRange) / rangeStepGPerCm2) + 1;
    const waterRangeGPerCm2 = new Float64Array(ne);
    const energyMeVPerU = new Float64Array(ne);
    const energyMeV = new Float64Array(ne);
    for (let e = 0; e < ne; e++) {
      waterRangeGPerCm2[e] = e === ne - 1 ? topRange : topRange - (ne - 1 - e) * rangeStepGPerCm2;
      energyMeVPerU[e] = e === ne - 1 ? topEnergyMeVPerU : water.energyMeVPerU(waterRangeGPerCm2[e]!);
      energyMeV[e] = ion.massNumber * energyMeVPerU[e]!;
    }
    return { ne, rangeStepGPerCm2, binsPerStep, waterRangeGPerCm2, energyMeVPerU, energyMeV };
  };
  const grid = (binsPerStep: number | null, binsPerStepWanted: number | null): PhaseSpaceGrid => ({
    ion, nx, nz, dxMm, dzMm, subdivisions, originXMm: phantom.originMm[0], storedRows: storedRows(nz, stepMm, dzMm, thetaMaxRad), stepMm,
    nTheta, dThetaRad, thetaMaxRad, thetaRad,
    ...axis(binsPerStep), binsPerStepWanted, waterStepGPerCm2, topEnergyMeVPerU, cutoffEnergyMeVPerU, water,
    materials, cellMaterial, densityGPerCm3,
  });
  if (options.energyBins !== undefined) return grid(null, null);
  if (options.energyBinsPerStep !== undefined) return grid(options.energyBinsPerStep, null);
  const coarse = grid(1, null);
  if (materials.every((m) => m.range === water && m.densityGPerCm3 === material('water').densityGPerCm3)) return coarse;
  const wanted = chooseBinsPerStep(coarse, material('water')).binsPerStep;
  // As many as two f64 psi buffers allow in wasm32 memory, if fewer than wanted
  // (K bins per step give at most K times the bins of K = 1).
  const fitting = Math.floor(PSI_BYTES_LIMIT / 16 / (nTheta * coarse.storedRows * nx) / coarse.ne);
  const binsPerStep = Math.max(1, Math.min(wanted, fitting));
  return binsPerStep === 1 ? { ...coarse, binsPerStepWanted: wanted > 1 ? wanted : null } : grid(binsPerStep, binsPerStep < wanted ? wanted : null);
}
