/**
 * Fluence of primaries versus depth (issue 11: "fluence of primaries surviving versus depth"):
 * the kernels count the primaries that enter each depth slice, through its upstream plane
 * (slice 0: every primary that entered the phantom). Divided by the primaries that entered,
 * it is the fraction still travelling at the slice's upstream plane: for ions the survival
 * against nuclear reactions (and, near the end of range, against stopping), to compare with
 * exp(-integral of Sigma dz) (test/monteCarlo/fragmentation.test.ts).
 */

/** Fraction of the primaries that entered the phantom that reach each slice's upstream plane (0 where none entered). */
export function primaryFluence(slabPrimaries: BigInt64Array): Float64Array {
  const entered = Number(slabPrimaries[0] ?? 0n);
  return Float64Array.from(slabPrimaries, (n) => (entered > 0 ? Number(n) / entered : 0));
}

export interface SurvivalPoint {
  /** Depth of the plane, mm. */
  readonly depthMm: number;
  /** Fraction of the primaries that entered the phantom reaching it. */
  readonly fraction: number;
}

/** primaryFluence at the slice planes nearest every `everyMm` of depth (0, 10, 20 mm, ...). */
export function primarySurvival(fluence: Float64Array, voxelZMm: number, everyMm = 10): SurvivalPoint[] {
  const points: SurvivalPoint[] = [];
  for (let depth = 0; depth < fluence.length * voxelZMm; depth += everyMm) {
    const iz = Math.round(depth / voxelZMm);
    if (iz >= fluence.length) break;
    points.push({ depthMm: iz * voxelZMm, fraction: fluence[iz]! });
  }
  return points;
}
