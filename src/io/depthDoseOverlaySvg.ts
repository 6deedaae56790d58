/**
 * Standalone SVG plot of two (or more) laterally integrated depth-dose curves
 * on the same absolute axes (no normalisation), each with its R80 marked by a
 * dashed line in the curve's colour, and a legend naming them. The depth axis
 * ends a little beyond the deepest dose above 1 % of the maximum. Axes, frame and
 * markers come from ./svgPlot.ts, as in the single-curve plot.
 */
import { DataRange, legendLine, px, runs } from './svgPlot.js';

export interface OverlayCurve {
  /** Legend text, e.g. 'A (reference): out/mc'. */
  readonly label: string;
  /** Short name used on the R80 marker, e.g. 'A'. */
  readonly shortName: string;
  readonly depthMm: ArrayLike<number>;
  /** Laterally integrated dose, in the plot's `doseUnit`. */
  readonly dose: ArrayLike<number>;
  /** Distal depth at 80 % of the maximum (mm); null draws no marker. */
  readonly r80Mm: number | null;
}

export interface DepthDoseOverlay {
  readonly curves: readonly OverlayCurve[];
  /** Unit of every curve's dose, e.g. 'Gy mm^2 per primary'. */
  readonly doseUnit: string;
  readonly title: string;
}

/** Curve colours, in order (colour-blind-safe pair first: blue, orange). */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd'] as const;

export function depthDoseOverlaySvg(plot: DepthDoseOverlay): string {
  const { curves, title } = plot;
  for (const c of curves) {
    if (c.depthMm.length !== c.dose.length) throw new RangeError(`overlay curve '${c.label}': ${c.depthMm.length} depths but ${c.dose.length} doses`);
  }
  const finiteAt = (c: OverlayCurve, i: number) => Number.isFinite(c.depthMm[i]!) && Number.isFinite(c.dose[i]!);
  const r80Of = (c: OverlayCurve) => (c.r80Mm !== null && Number.isFinite(c.r80Mm) ? c.r80Mm : null);

  const range = new DataRange();
  for (const c of curves) {
    for (let i = 0; i < c.depthMm.length; i++) if (finiteAt(c, i)) range.include(c.depthMm[i]!, c.dose[i]!);
    const r80 = r80Of(c);
    if (r80 !== null) range.includeX(r80);
  }
  // Show depth up to a little beyond where the last curve falls below 1 % of the highest dose: a phantom is
  // usually much longer than the range, and the distal fall-offs are what a comparison looks at.
  let lastDoseMm = -Infinity;
  for (const c of curves) {
    for (let i = 0; i < c.depthMm.length; i++) {
      if (finiteAt(c, i) && c.dose[i]! >= 0.01 * range.yMax) lastDoseMm = Math.max(lastDoseMm, c.depthMm[i]!);
    }
    const r80 = r80Of(c);
    if (r80 !== null) lastDoseMm = Math.max(lastDoseMm, r80);
  }
  if (range.yMax > 0 && lastDoseMm > range.xMin) {
    range.xMax = Math.min(range.xMax, lastDoseMm + 0.15 * (lastDoseMm - Math.min(range.xMin, 0)));
  }
  const area = range.plotArea();
  const colourOf = (k: number) => COLOURS[k % COLOURS.length]!;

  const parts: string[] = [...area.open(title), ...area.grid(), `<g clip-path="url(#plot-area)">`];
  curves.forEach((c, k) => {
    for (const run of runs(c.depthMm.length, (i) => finiteAt(c, i))) {
      const points = run.map((i) => `${px(area.sx(c.depthMm[i]!))},${px(area.sy(c.dose[i]!))}`);
      parts.push(`<polyline class="dose-curve" points="${points.join(' ')}" fill="none" stroke="${colourOf(k)}" stroke-width="1.75" stroke-linejoin="round"/>`);
    }
  });
  parts.push(`</g>`);
  curves.forEach((c, k) => {
    const r80 = r80Of(c);
    if (r80 !== null) parts.push(...area.marker(r80, `R80 ${c.shortName} = ${r80.toFixed(2)} mm`, colourOf(k), 'r80-marker', k));
  });
  // The legend sits below the rows of R80 labels, which may also be at the top left.
  parts.push(...area.frame({ quantity: 'Depth', unit: 'mm' }, { quantity: 'Dose', unit: plot.doseUnit }, title), `<g class="legend">`);
  curves.forEach((c, k) => parts.push(...legendLine(curves.length + k, colourOf(k), c.label)));
  parts.push(`</g>`, `</svg>`);
  return parts.join('\n');
}
