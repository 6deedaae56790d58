/**
 * Characteristic points of a depth-dose curve: the Bragg peak depth, the
 * distal depths where the dose falls to 90 %, 80 % and 20 % of its maximum
 * (R90, R80, R20), the entrance-to-peak dose ratio, and the fragmentation tail
 * of ion beams: the dose 20 mm beyond the peak relative to the peak.
 */
export interface DepthDoseMetrics {
  readonly peakDepthMm: number;
  readonly r90Mm: number | null;
  readonly r80Mm: number | null;
  readonly r20Mm: number | null;
  /** Dose in the first depth bin divided by the peak dose. */
  readonly entranceToPeak: number;
  /** Dose 20 mm beyond the peak (interpolated between bins) divided by the peak dose; null beyond the grid. */
  readonly tailToPeak20Mm: number | null;
}

/** Depth beyond the peak where the tail is read (issue 11's figure for clinical carbon data). */
const TAIL_DEPTH_MM = 20;

/**
 * Peak: the maximum bin, refined by the vertex of the parabola through it and
 * its neighbours. Distal points: linear interpolation between the bin centres
 * that bracket the level, searching beyond the peak.
 */
export function depthDoseMetrics(depthMm: ArrayLike<number>, dose: ArrayLike<number>): DepthDoseMetrics {
  const n = dose.length;
  let iMax = 0;
  for (let i = 1; i < n; i++) if (dose[i]! > dose[iMax]!) iMax = i;
  const peakDose = dose[iMax]!;
  let peakDepthMm = depthMm[iMax]!;
  if (iMax > 0 && iMax < n - 1) {
    const a = dose[iMax - 1]!, b = dose[iMax]!, c = dose[iMax + 1]!;
    const curvature = a - 2 * b + c;
    if (curvature < 0) {
      const shift = 0.5 * (a - c) / curvature;
      peakDepthMm += shift * (depthMm[iMax + 1]! - depthMm[iMax]!);
    }
  }
  const distal = (fraction: number): number | null => {
    const level = fraction * peakDose;
    for (let i = iMax; i < n - 1; i++) {
      if (dose[i]! >= level && dose[i + 1]! < level) {
        const t = (dose[i]! - level) / (dose[i]! - dose[i + 1]!);
        return depthMm[i]! + t * (depthMm[i + 1]! - depthMm[i]!);
      }
    }
    return null;
  };
  return {
    peakDepthMm,
    r90Mm: peakDose > 0 ? distal(0.9) : null,
    r80Mm: peakDose > 0 ? distal(0.8) : null,
    r20Mm: peakDose > 0 ? distal(0.2) : null,
    entranceToPeak: peakDose > 0 ? dose[0]! / peakDose : 0,
    tailToPeak20Mm: peakDose > 0 && Number.isFinite(doseAt(depthMm, dose, peakDepthMm + TAIL_DEPTH_MM)) ? doseAt(depthMm, dose, peakDepthMm + TAIL_DEPTH_MM) / peakDose : null,
  };
}

/** Dose at a depth, linear between bin centres; NaN outside them (so the metric is null there). */
function doseAt(depthMm: ArrayLike<number>, dose: ArrayLike<number>, at: number): number {
  for (let i = 0; i < dose.length - 1; i++) {
    if (depthMm[i]! <= at && at <= depthMm[i + 1]!) {
      const t = (at - depthMm[i]!) / (depthMm[i + 1]! - depthMm[i]!);
      return dose[i]! + t * (dose[i + 1]! - dose[i]!);
    }
  }
  return Number.NaN;
}
