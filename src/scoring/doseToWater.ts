/**
 * Dose to water from the dose to medium the kernels score (scoring.doseToWater): D_w = D_m s_w,m,
 * with s_w,m the water-to-medium mass stopping-power ratio averaged over the particles that deposit
 * the dose (Paganetti, Phys. Med. Biol. 54 (2009) 4399, "Dose to water versus dose to medium in
 * proton beam therapy", eq. 1: the ratio over the fluence). The kernels already score, per voxel,
 * the track-length-weighted LET in water and in the medium at every step's energy (letTally.ts);
 * their ratio is that fluence average: s_w,m = rho LETt_water / LETt_medium (LETt in the medium
 * being its mass stopping power times rho). Voxels whose dose came only from local deposits (no
 * step), and voxels below MIN_DENSITY_G_PER_CM3, whose medium LET sums are too coarse in the
 * tallies' fixed-point units (air: the ratio would be off by 20 %), keep the dose to medium.
 */
import type { LetResults } from '../engine/letResults.js';

/** Below this density (lung is 0.26) the medium's LET sums are too coarse for the ratio. */
export const MIN_DENSITY_G_PER_CM3 = 0.05;

export function doseToWater(doseMedium: Float64Array, lets: LetResults, densityGPerCm3: ArrayLike<number>): Float64Array {
  return Float64Array.from(doseMedium, (d, v) => {
    const medium = lets.tMediumKeVPerUm[v]!;
    const density = densityGPerCm3[v]!;
    return medium > 0 && density >= MIN_DENSITY_G_PER_CM3 ? (d * density * lets.tWaterKeVPerUm[v]!) / medium : d;
  });
}
