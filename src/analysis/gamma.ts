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
  /** Largest finite gamma (a point with no evaluated dose within the search has an infinite one and fails). */
  readonly maxGamma: number;
}

/** Criteria with their defaults filled in. */
export interface ResolvedGammaCriteria {
  readonly doseFraction: number;
  readonly distanceMm: number;
  readonly thresholdFraction: number;
}

/**
 * Fills in the defaults (1 %, 1 mm, 10 % threshold) and rejects criteria that
 * make no sense (a RangeError): the gamma of Low et al. divides by both.
 */
export function resolveGammaCriteria(criteria: GammaCriteria = {}): ResolvedGammaCriteria {
  const resolved = {
    doseFraction: criteria.doseFraction ?? 0.01,
    distanceMm: criteria.distanceMm ?? 1,
    thresholdFraction: criteria.thresholdFraction ?? 0.1,
  };
  if (!(resolved.doseFraction > 0) || !(resolved.distanceMm > 0) || !(resolved.thresholdFraction >= 0)) {
    throw new RangeError(`gamma criteria must be positive: ${JSON.stringify(resolved)}`);
  }
  return resolved;
}

/** The search for the closest agreeing point reaches this many DTAs from each reference point. */
export const GAMMA_SEARCH_RADIUS_IN_DTA = 3;

/** Counts evaluated points, passes (gamma <= 1) and the largest finite gamma. */
export class GammaTally {
  private points = 0;
  private passed = 0;
  private largest = 0;

  add(gamma: number): void {
    this.points++;
    if (gamma <= 1) this.passed++;
    if (Number.isFinite(gamma)) this.largest = Math.max(this.largest, gamma);
  }

  result(): GammaResult {
    return { passRate: this.points > 0 ? this.passed / this.points : 1, evaluatedPoints: this.points, maxGamma: this.largest };
  }
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
  const { doseFraction, distanceMm, thresholdFraction } = resolveGammaCriteria(criteria);
  let max = 0;
  for (let i = 0; i < reference.length; i++) max = Math.max(max, reference[i]!);
  const doseTolerance = doseFraction * max;
  const stepsPerDta = 20;
  const steps = GAMMA_SEARCH_RADIUS_IN_DTA * stepsPerDta;
  const tally = new GammaTally();
  for (let i = 0; i < reference.length; i++) {
    if (reference[i]! < thresholdFraction * max) continue;
    let best = Infinity;
    for (let k = -steps; k <= steps; k++) {
      const dx = (k * distanceMm) / stepsPerDta;
      const d = interpolate(positionsMm, evaluated, positionsMm[i]! + dx);
      if (d === null) continue;
      best = Math.min(best, Math.hypot(dx / distanceMm, (d - reference[i]!) / doseTolerance));
    }
    tally.add(best);
  }
  return tally.result();
}
