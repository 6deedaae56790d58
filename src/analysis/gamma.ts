/**
 * The gamma index (Low, Harms, Mutic, Purdy, Med. Phys. 25 (1998) 656) of an
 * evaluated dose profile against a reference profile, in one dimension: for
 * each reference point, the smallest sqrt((dx/DTA)^2 + (dD/(tol Dmax))^2) over
 * the evaluated profile, sampled by linear interpolation every DTA/20 within
 * 3 DTA. Global normalisation to the reference maximum; points below a
 * threshold fraction of it are not evaluated.
 */
export interface GammaCriteria {
  /** Dose difference criterion as a fraction of the reference maximum (default 0.01 = 1 %). */
  readonly doseFraction?: number;
  /** Distance-to-agreement criterion (mm, default 1). */
  readonly distanceMm?: number;
  /** Reference points below this fraction of the maximum are skipped (default 0.1). */
  readonly thresholdFraction?: number;
}

export interface GammaResult {
  /** Fraction of evaluated points with gamma <= 1. */
  readonly passRate: number;
  readonly evaluatedPoints: number;
  readonly maxGamma: number;
}

function interpolate(positions: ArrayLike<number>, values: ArrayLike<number>, x: number): number | null {
  const n = positions.length;
  if (x < positions[0]! || x > positions[n - 1]!) return null;
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! <= x) lo = mid; else hi = mid;
  }
  const span = positions[hi]! - positions[lo]!;
  const t = span > 0 ? (x - positions[lo]!) / span : 0;
  return values[lo]! + t * (values[hi]! - values[lo]!);
}

export function gamma1d(positionsMm: ArrayLike<number>, reference: ArrayLike<number>, evaluated: ArrayLike<number>,
  criteria: GammaCriteria = {}): GammaResult {
  const doseFraction = criteria.doseFraction ?? 0.01;
  const distanceMm = criteria.distanceMm ?? 1;
  const threshold = criteria.thresholdFraction ?? 0.1;
  let max = 0;
  for (let i = 0; i < reference.length; i++) max = Math.max(max, reference[i]!);
  const doseTolerance = doseFraction * max;
  let evaluatedPoints = 0, passed = 0, maxGamma = 0;
  for (let i = 0; i < reference.length; i++) {
    if (reference[i]! < threshold * max) continue;
    let best = Infinity;
    for (let k = -60; k <= 60; k++) {
      const dx = (k * distanceMm) / 20;
      const d = interpolate(positionsMm, evaluated, positionsMm[i]! + dx);
      if (d === null) continue;
      best = Math.min(best, Math.hypot(dx / distanceMm, (d - reference[i]!) / doseTolerance));
    }
    evaluatedPoints++;
    if (best <= 1) passed++;
    maxGamma = Math.max(maxGamma, best);
  }
  return { passRate: evaluatedPoints > 0 ? passed / evaluatedPoints : 1, evaluatedPoints, maxGamma };
}
