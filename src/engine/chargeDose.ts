/**
 * Dose by the charge of the particle that deposited it (scoring.doseByCharge; issue 11): from the
 * kernels' per-charge energy sums ([Z - 1][voxel], fixed-point units; a reaction's local deposits
 * count for the particle that reacted), the dose per primary [Z, nz, ny, nx] and the laterally
 * integrated depth-dose per charge. The charges add up to the dose exactly (the same units).
 */
import type { Phantom } from '../geometry/phantom.js';
import { ENERGY_UNITS_PER_MEV } from './layout.js';
import { JOULES_PER_MEV } from './doseResults.js';

export interface ChargeDose {
  /** Charges Z = 1 ... charges. */
  readonly charges: number;
  /** Gy per primary, [Z - 1][nz][ny][nx] flattened. */
  readonly doseGyPerPrimary: Float64Array;
  /** Laterally integrated dose per charge, Gy mm^2 per primary: [Z - 1][iz]. */
  readonly depthDoseGyMm2PerPrimary: readonly Float64Array[];
}

export function chargeDose(chargeSum: BigInt64Array | null | undefined, phantom: Phantom, histories: number): ChargeDose | null {
  if (!chargeSum) return null;
  const { nx, ny, nz, voxelSizeMm } = phantom;
  const [vx, vy, vz] = voxelSizeMm;
  const voxels = nx * ny * nz;
  const charges = chargeSum.length / voxels;
  const voxelCm3 = (vx * vy * vz) / 1000;
  const dose = new Float64Array(chargeSum.length);
  const depth = Array.from({ length: charges }, () => new Float64Array(nz));
  for (let z = 0; z < charges; z++) {
    for (let v = 0; v < voxels; v++) {
      const units = chargeSum[z * voxels + v]!;
      if (units === 0n) continue;
      const kg = (phantom.densityGPerCm3[v]! * voxelCm3) / 1000;
      const gy = ((Number(units) / ENERGY_UNITS_PER_MEV / histories) * JOULES_PER_MEV) / kg;
      dose[z * voxels + v] = gy;
      const iz = Math.floor(v / (nx * ny));
      depth[z]![iz] = depth[z]![iz]! + gy * vx * vy;
    }
  }
  return { charges, doseGyPerPrimary: dose, depthDoseGyMm2PerPrimary: depth };
}
