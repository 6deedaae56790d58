/**
 * LET per voxel from the integer LET sums of the Monte Carlo kernels
 * (assembly/letTally.ts says exactly what is scored; README, Physics: LET).
 *
 *   LETd = sum(e_i L_i) / sum(e_i),   LETt = sum(l_i L_i) / sum(l_i)   (keV/um)
 *
 * over the steps i of charged particles in the voxel: e_i the energy the step
 * deposited, l_i its length, L_i the unrestricted electronic stopping power at
 * its mean energy, in the voxel's medium or in water at the same energy.
 *
 * Fixed-point units (layout.ts) and why they cannot overflow an i64:
 *  - energies (fields dEnergy, dPrimaryEnergy): the dose's 2^-24 MeV, bounded
 *    with the dose (monteCarlo.ts: maxHistoriesFor);
 *  - sum e L: 2^-16 MeV keV/um. A voxel's sum is at most N E_max L_max
 *    (N histories of at most E_max MeV each, all deposited at the highest LET
 *    of the tables): checkLetBound refuses runs where that reaches 2^63. For
 *    protons of 150 MeV in water (L_max 83 keV/um, at 80 keV) that is
 *    N = 1.1e10; 230 MeV protons in lead (L_max 270 keV/um in the medium):
 *    2.3e9. A 1e9-history proton run up to 340 MeV in water cannot overflow.
 *  - lengths, sum l: 2^-12 mm; sum l L: 2^-12 mm keV/um. A voxel's sum is at
 *    most N T L_max, T the track length one history leaves in one voxel: with
 *    N = 1e9 and L_max = 128 keV/um it overflows only if T exceeds 16 m (not
 *    checked: no history travels 16 m inside one voxel). Steps shorter than
 *    2^-13 mm round to 0 in sum l (they carry no weight of note).
 * No sums of squares are kept: the LET's statistical uncertainty is not
 * reported (it would double the memory; LETd's noise follows the dose's).
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { Ion, Material } from '../physics/index.js';
import { electronicStoppingPower } from '../physics/index.js';
import { BraggInputError } from '../errors.js';
import type { Phantom } from '../geometry/phantom.js';
import type { PackedTables } from './materialTables.js';
import {
  LET_FIELDS, LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM, LET_LENGTH_UNITS_PER_MM, LET_LENGTH_UNITS_PER_MM_KEV_PER_UM,
  ENERGY_UNITS_PER_MEV,
} from './layout.js';

/** keV/um per MeV cm^2/g at 1 g/cm^3. */
const KEV_PER_UM_PER_MEV_CM2_PER_G = 0.1;

export interface LetResults {
  /** Dose-averaged LET in water (keV/um), [nz][ny][nx], 0 where no step deposited energy. */
  readonly dWaterKeVPerUm: Float64Array;
  /** Track-averaged LET in water (keV/um), 0 where no charged particle went. */
  readonly tWaterKeVPerUm: Float64Array;
  /** Dose-averaged LET in the voxel's medium (keV/um). */
  readonly dMediumKeVPerUm: Float64Array;
  /** Track-averaged LET in the voxel's medium (keV/um). */
  readonly tMediumKeVPerUm: Float64Array;
  /** Dose-averaged LET in water of primaries alone (keV/um). */
  readonly dPrimariesWaterKeVPerUm: Float64Array;
  /** LETd in water of each depth slice (keV/um): the voxels' LETd weighted by their dose (their step energy over mass). */
  readonly depthDWaterKeVPerUm: Float64Array;
}

/** Highest LET (keV/um) in water and in any of the media, over the tables' energies. */
function highestLet(ion: Ion, materials: readonly Material[], water: Material, packed: PackedTables): number {
  let highest = 0;
  for (const t of packed.tables) {
    for (const e of t.energyAtRangeMeVPerU) {
      highest = Math.max(highest, electronicStoppingPower(ion, water, e));
      for (const m of materials) highest = Math.max(highest, electronicStoppingPower(ion, m, e) * m.densityGPerCm3);
    }
    break; // every material's table has the same energies' span
  }
  return highest * KEV_PER_UM_PER_MEV_CM2_PER_G;
}

/** Refuses runs whose LETd sums could overflow an i64 (header). */
export function checkLetBound(config: ResolvedConfig, ion: Ion, materials: readonly Material[], water: Material, packed: PackedTables): void {
  const highestMeV = ion.massNumber * (config.beam.energyMeVPerU + 5 * config.beam.energySpreadMeVPerU);
  const lMax = highestLet(ion, materials, water, packed);
  const maxHistories = Math.floor(2 ** 63 / (LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM * highestMeV * lMax));
  if (config.transport.histories > maxHistories) {
    throw new BraggInputError(`transport.histories ${config.transport.histories} is more than the LET tallies can hold for this beam `
      + `(${maxHistories}): split the run into runs with different seeds, or set scoring.let to false`);
  }
}

/** LET per voxel and per depth slice; null where the run scored none. */
export function letResults(letSum: BigInt64Array | null | undefined, phantom: Phantom): LetResults | null {
  if (!letSum) return null;
  const { nx, ny, nz } = phantom;
  const voxels = nx * ny * nz;
  const stride = LET_FIELDS.length;
  const field = (name: (typeof LET_FIELDS)[number]) => LET_FIELDS.indexOf(name);
  const [dW, dM, dE, pW, pE, tW, tM, tL] = (['dWater', 'dMedium', 'dEnergy', 'dPrimaryWater', 'dPrimaryEnergy', 'tWater', 'tMedium', 'tLength'] as const).map(field) as
    [number, number, number, number, number, number, number, number];
  const dWater = new Float64Array(voxels), dMedium = new Float64Array(voxels), dPrimaries = new Float64Array(voxels);
  const tWater = new Float64Array(voxels), tMedium = new Float64Array(voxels);
  const sliceNum = new Float64Array(nz), sliceDen = new Float64Array(nz);
  // e L in 2^-16 MeV keV/um over e in 2^-24 MeV; l L in 2^-12 mm keV/um over l in 2^-12 mm.
  const dScale = ENERGY_UNITS_PER_MEV / LET_ENERGY_UNITS_PER_MEV_KEV_PER_UM;
  const tScale = LET_LENGTH_UNITS_PER_MM / LET_LENGTH_UNITS_PER_MM_KEV_PER_UM;
  for (let v = 0; v < voxels; v++) {
    const b = v * stride;
    const energy = Number(letSum[b + dE]!);
    if (energy > 0) {
      const num = Number(letSum[b + dW]!);
      dWater[v] = (num / energy) * dScale;
      dMedium[v] = (Number(letSum[b + dM]!) / energy) * dScale;
      const iz = Math.floor(v / (nx * ny));
      const mass = phantom.densityGPerCm3[v]!;
      sliceNum[iz] = sliceNum[iz]! + num / mass;
      sliceDen[iz] = sliceDen[iz]! + energy / mass;
    }
    const primaryEnergy = Number(letSum[b + pE]!);
    if (primaryEnergy > 0) dPrimaries[v] = (Number(letSum[b + pW]!) / primaryEnergy) * dScale;
    const length = Number(letSum[b + tL]!);
    if (length > 0) {
      tWater[v] = (Number(letSum[b + tW]!) / length) * tScale;
      tMedium[v] = (Number(letSum[b + tM]!) / length) * tScale;
    }
  }
  const depth = Float64Array.from(sliceNum, (num, iz) => (sliceDen[iz]! > 0 ? (num / sliceDen[iz]!) * dScale : 0));
  return {
    dWaterKeVPerUm: dWater, tWaterKeVPerUm: tWater, dMediumKeVPerUm: dMedium, tMediumKeVPerUm: tMedium,
    dPrimariesWaterKeVPerUm: dPrimaries, depthDWaterKeVPerUm: depth,
  };
}

/** LETd in water on the beam axis at the entrance and at the Bragg peak (summary.json). */
export interface AxisLet {
  /** LETd (keV/um) of the entrance voxel of the beam axis: the column (ix, iy) containing beam.centerMm, iz = 0. */
  readonly entranceDWaterKeVPerUm: number;
  /** LETd (keV/um) of that column's voxel at the depth index of the laterally integrated dose's maximum. */
  readonly peakDWaterKeVPerUm: number;
  /** [iy, ix] of the axis column. */
  readonly axisVoxel: readonly [number, number];
  /** Depth index iz of the peak voxel. */
  readonly peakDepthIndex: number;
}

export function axisLet(lets: LetResults, phantom: Phantom, beamCenterMm: readonly [number, number], depthDose: Float64Array): AxisLet {
  const { nx, ny } = phantom;
  const clamp = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);
  const ix = clamp(Math.floor((beamCenterMm[0] - phantom.originMm[0]) / phantom.voxelSizeMm[0]), nx);
  const iy = clamp(Math.floor((beamCenterMm[1] - phantom.originMm[1]) / phantom.voxelSizeMm[1]), ny);
  let peak = 0;
  for (let iz = 1; iz < depthDose.length; iz++) if (depthDose[iz]! > depthDose[peak]!) peak = iz;
  const at = (iz: number) => lets.dWaterKeVPerUm[(iz * ny + iy) * nx + ix]!;
  return { entranceDWaterKeVPerUm: at(0), peakDWaterKeVPerUm: at(peak), axisVoxel: [iy, ix], peakDepthIndex: peak };
}
