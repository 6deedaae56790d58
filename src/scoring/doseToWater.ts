/**
 * Dose to water from the dose to medium the kernels score (scoring.doseToWater): D_w = D_m s_w,m,
 * with s_w,m the water-to-medium mass stopping-power ratio averaged over the particles that deposit
 * the dose (Paganetti, Phys. Med. Biol. 54 (2009) 4399, "Dose to water versus dose to medium in
 * proton beam therapy", eq. 1). The kernels already score, per voxel, the dose-weighted LET in water
 * and in the medium at every step's energy (letTally.ts); their ratio is that average:
 * s_w,m = rho LETd_water / LETd_medium (LETd in the medium being its mass stopping power times
 * rho). Voxels whose dose came only from local deposits (no step) keep the ratio 1.
 */
import type { LetResults } from '../engine/letResults.js';

export function doseToWater(doseMedium: Float64Array, lets: LetResults, densityGPerCm3: ArrayLike<number>): Float64Array {
  return Float64Array.from(doseMedium, (d, v) => {
    const medium = lets.dMediumKeVPerUm[v]!;
    return medium > 0 ? (d * densityGPerCm3[v]! * lets.dWaterKeVPerUm[v]!) / medium : d;
  });
}
