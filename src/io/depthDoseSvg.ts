/**
 * Standalone SVG plot of a laterally integrated depth-dose curve, written by
 * hand (no libraries): axes with 1-2-5 "nice" ticks and labels, the curve as
 * polylines, an optional shaded ±1 sigma band, an optional dashed R80 marker
 * and a title. All text is XML-escaped; non-finite samples are skipped, so
 * the output never contains 'NaN' or 'Infinity'. The text starts with `<svg`
 * and ends with `</svg>` (no XML declaration, no trailing newline).
 */
import { checkDepthDoseSeries, type DepthDoseSeries } from './depthDoseCsv.js';

export interface DepthDosePlot {
  readonly series: DepthDoseSeries;
  /** Distal depth at 80 % of the maximum dose, in mm; null draws no marker. */
  readonly r80Mm: number | null;
  readonly title: string;
}

/** Canvas size and plot-area margins, in SVG user units (px). */
const WIDTH = 720;
const HEIGHT = 440;
const LEFT = 90;
const RIGHT = 24;
const TOP = 48;
const BOTTOM = 64;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
const TARGET_TICKS = 6;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** Coordinate in user units with two decimals; never NaN. */
function px(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '0.00';
}

interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
  /** Power of ten the tick labels are divided by (0 = none). */
  readonly exp10: number;
}

/** 1, 2, 5 or 10 times a power of ten, near span / target. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Axis covering [min, max] with nice ticks; degenerate or empty ranges get a sensible default. */
function niceAxis(min: number, max: number): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (max <= min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.5;
    min = min === 0 ? 0 : min - pad;
    max += pad;
  }
  const step = niceStep(max - min, TARGET_TICKS);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const biggest = Math.max(Math.abs(lo), Math.abs(hi));
  const e = Math.floor(Math.log10(biggest));
  return { lo, hi, step, exp10: e >= 5 || e <= -3 ? e : 0 };
}

function ticks(axis: Axis): number[] {
  const n = Math.round((axis.hi - axis.lo) / axis.step);
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(axis.lo + i * axis.step);
  return out;
}

function tickLabel(value: number, axis: Axis): string {
  const scale = 10 ** axis.exp10;
  const decimals = Math.min(20, Math.max(0, -Math.floor(Math.log10(axis.step / scale) + 1e-9)));
  const text = (value / scale).toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** Axis title with an optional ×10^e factor before the unit. */
function axisTitle(quantity: string, unit: string, axis: Axis): string {
  const factor =
    axis.exp10 === 0 ? '' : `×10<tspan baseline-shift="super" font-size="9">${axis.exp10}</tspan> `;
  return `${escapeXml(quantity)} (${factor}${escapeXml(unit)})`;
}

/** Maximal runs of consecutive indices for which `ok(i)` holds. */
function runs(n: number, ok: (i: number) => boolean): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ok(i)) cur.push(i);
    else if (cur.length > 0) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
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
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = 0;
  let yMax = 0;
  for (let i = 0; i < n; i++) {
    if (!lineOk(i)) continue;
    const x = at(depthMm, i);
    const y = at(dose, i);
    const s = showBand && bandOk(i) ? Math.abs(at(uncertainty, i)) : 0;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y - s);
    yMax = Math.max(yMax, y + s);
  }
  if (r80 !== null) {
    xMin = Math.min(xMin, r80);
    xMax = Math.max(xMax, r80);
  }
  if (xMin > xMax) {
    xMin = 0;
    xMax = 1;
  }
  const xAxis = niceAxis(xMin >= 0 ? 0 : xMin, xMax);
  const yAxis = niceAxis(yMin, yMax);
  const sx = (x: number): number => LEFT + ((x - xAxis.lo) / (xAxis.hi - xAxis.lo)) * PLOT_W;
  const sy = (y: number): number => TOP + PLOT_H - ((y - yAxis.lo) / (yAxis.hi - yAxis.lo)) * PLOT_H;
  const bottom = TOP + PLOT_H;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><clipPath id="plot-area"><rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}"/></clipPath></defs>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  );

  // Grid, ticks and tick labels.
  const grid: string[] = [];
  for (const t of ticks(xAxis)) {
    const x = px(sx(t));
    grid.push(`<line x1="${x}" y1="${TOP}" x2="${x}" y2="${bottom}" stroke="#e6e6e6"/>`);
    grid.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333333"/>`);
    grid.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${tickLabel(t, xAxis)}</text>`);
  }
  for (const t of ticks(yAxis)) {
    const y = px(sy(t));
    grid.push(`<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_W}" y2="${y}" stroke="#e6e6e6"/>`);
    grid.push(`<line x1="${LEFT - 5}" y1="${y}" x2="${LEFT}" y2="${y}" stroke="#333333"/>`);
    grid.push(`<text x="${LEFT - 8}" y="${y}" text-anchor="end" dy="0.35em">${tickLabel(t, yAxis)}</text>`);
  }
  parts.push(`<g class="grid">`, ...grid, `</g>`);

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

  // R80 marker.
  if (r80 !== null) {
    const x = sx(r80);
    const leftHalf = x < LEFT + PLOT_W / 2;
    parts.push(
      `<g class="r80-marker">`,
      `<line x1="${px(x)}" y1="${TOP}" x2="${px(x)}" y2="${bottom}" stroke="#d62728" stroke-width="1.25" stroke-dasharray="6 4"/>`,
      `<text x="${px(leftHalf ? x + 6 : x - 6)}" y="${TOP + 16}" text-anchor="${leftHalf ? 'start' : 'end'}" fill="#d62728" stroke="#ffffff" stroke-width="3" paint-order="stroke">R80 = ${escapeXml(r80.toFixed(1))} mm</text>`,
      `</g>`,
    );
  }

  // Frame, axis titles, title, legend.
  // Legend at the top left, where a depth-dose curve (entrance plateau) rarely reaches.
  const legendX = LEFT + 12;
  const legendY = TOP + 14;
  parts.push(
    `<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#333333"/>`,
    `<text x="${px(LEFT + PLOT_W / 2)}" y="${HEIGHT - 18}" text-anchor="middle" font-size="13">${axisTitle('Depth', 'mm', xAxis)}</text>`,
    `<text transform="translate(20 ${px(TOP + PLOT_H / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${axisTitle('Dose', unit, yAxis)}</text>`,
    `<text x="${px(WIDTH / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<g class="legend">`,
    `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="#1f77b4" stroke-width="1.75"/>`,
    `<text x="${legendX + 30}" y="${legendY}" dy="0.35em">Dose</text>`,
  );
  if (showBand) {
    parts.push(
      `<rect x="${legendX}" y="${legendY + 12}" width="24" height="10" fill="#1f77b4" fill-opacity="0.25"/>`,
      `<text x="${legendX + 30}" y="${legendY + 17}" dy="0.35em">±1σ (statistical)</text>`,
    );
  }
  parts.push(`</g>`, `</svg>`);
  return parts.join('\n');
}
