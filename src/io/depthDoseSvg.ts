/**
 * Standalone SVG plot of a laterally integrated depth-dose curve, written by
 * hand (no libraries): axes with 1-2-5 "nice" ticks and labels, the curve as
 * polylines, an optional shaded ±1 sigma band, an optional dashed R80 marker
 * and a title. All text is XML-escaped; non-finite samples are skipped, so
 * the output never contains 'NaN' or 'Infinity'. The text starts with `<svg`
 * and ends with `</svg>` (no XML declaration, no trailing newline).
 */
import { checkDepthDoseSeries, type DepthDoseSeries } from './depthDoseCsv.js';
import { DataRange, LEGEND_X, LEGEND_Y, legendLine, px, runs } from './svgPlot.js';

export interface DepthDosePlot {
  readonly series: DepthDoseSeries;
  /** Distal depth at 80 % of the maximum dose, in mm; null draws no marker. */
  readonly r80Mm: number | null;
  readonly title: string;
}

export function depthDoseSvg(plot: DepthDosePlot): string {
  const { series, title } = plot;
  checkDepthDoseSeries(series);
  const { depthMm, dose, uncertainty } = series;
  const n = depthMm.length;
  const unit = series.doseUnit.replace(/\s+/g, ' ').trim() || 'arbitrary units';
  const r80 = plot.r80Mm !== null && Number.isFinite(plot.r80Mm) ? plot.r80Mm : null;

  const at = (a: Float64Array, i: number): number => a[i] as number;
  const lineOk = (i: number): boolean => Number.isFinite(at(depthMm, i)) && Number.isFinite(at(dose, i));
  const bandOk = (i: number): boolean => lineOk(i) && Number.isFinite(at(uncertainty, i));
  let showBand = false;
  for (let i = 0; i < n; i++) if (bandOk(i) && at(uncertainty, i) > 0) showBand = true;

  // Data ranges (dose axis always includes 0).
  const range = new DataRange();
  for (let i = 0; i < n; i++) {
    if (!lineOk(i)) continue;
    const s = showBand && bandOk(i) ? Math.abs(at(uncertainty, i)) : 0;
    range.include(at(depthMm, i), at(dose, i) - s);
    range.include(at(depthMm, i), at(dose, i) + s);
  }
  if (r80 !== null) range.includeX(r80);
  const area = range.plotArea();
  const sx = (x: number): number => area.sx(x);
  const sy = (y: number): number => area.sy(y);

  const parts: string[] = [...area.open(title), ...area.grid()];

  // Uncertainty band and curve, clipped to the plot area.
  parts.push(`<g clip-path="url(#plot-area)">`);
  if (showBand) {
    for (const run of runs(n, bandOk)) {
      const upper = run.map((i) => `${px(sx(at(depthMm, i)))},${px(sy(at(dose, i) + Math.abs(at(uncertainty, i))))}`);
      const lower = run
        .slice()
        .reverse()
        .map((i) => `${px(sx(at(depthMm, i)))},${px(sy(at(dose, i) - Math.abs(at(uncertainty, i))))}`);
      parts.push(`<polygon class="sigma-band" points="${[...upper, ...lower].join(' ')}" fill="#1f77b4" fill-opacity="0.25" stroke="none"/>`);
    }
  }
  for (const run of runs(n, lineOk)) {
    const pts = run.map((i) => `${px(sx(at(depthMm, i)))},${px(sy(at(dose, i)))}`);
    parts.push(`<polyline class="dose-curve" points="${pts.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="1.75" stroke-linejoin="round"/>`);
  }
  parts.push(`</g>`);

  if (r80 !== null) parts.push(...area.marker(r80, `R80 = ${r80.toFixed(1)} mm`, '#d62728', 'r80-marker'));

  parts.push(
    ...area.frame({ quantity: 'Depth', unit: 'mm' }, { quantity: 'Dose', unit }, title),
    `<g class="legend">`,
    ...legendLine(0, '#1f77b4', 'Dose'),
  );
  if (showBand) {
    parts.push(
      `<rect x="${LEGEND_X}" y="${LEGEND_Y + 12}" width="24" height="10" fill="#1f77b4" fill-opacity="0.25"/>`,
      `<text x="${LEGEND_X + 30}" y="${LEGEND_Y + 17}" dy="0.35em">±1σ (statistical)</text>`,
    );
  }
  parts.push(`</g>`, `</svg>`);
  return parts.join('\n');
}
