/**
 * Building blocks of the hand-written SVG line plots (no libraries): a fixed
 * canvas, axes with 1-2-5 "nice" ticks and labels, a frame with axis titles
 * that carry units, dashed vertical markers and legend entries. All text is
 * XML-escaped and every coordinate is finite, so a plot never contains 'NaN'
 * or 'Infinity'.
 */

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

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** Coordinate in user units with two decimals; never NaN. */
export function px(x: number): string {
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
export function runs(n: number, ok: (i: number) => boolean): number[][] {
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

/** A quantity on an axis and its unit, e.g. { quantity: 'Depth', unit: 'mm' }. */
export interface AxisLabel {
  readonly quantity: string;
  readonly unit: string;
}

/** The plot area: nice axes over the data ranges and the maps from data to user units. */
export class PlotArea {
  private readonly xAxis: Axis;
  private readonly yAxis: Axis;
  readonly top = TOP;
  readonly bottom = TOP + PLOT_H;

  constructor(xMin: number, xMax: number, yMin: number, yMax: number) {
    this.xAxis = niceAxis(xMin, xMax);
    this.yAxis = niceAxis(yMin, yMax);
  }

  /** Horizontal position (user units) of data value x. */
  sx(x: number): number {
    return LEFT + ((x - this.xAxis.lo) / (this.xAxis.hi - this.xAxis.lo)) * PLOT_W;
  }

  /** Vertical position (user units) of data value y. */
  sy(y: number): number {
    return TOP + PLOT_H - ((y - this.yAxis.lo) / (this.yAxis.hi - this.yAxis.lo)) * PLOT_H;
  }

  /** Opening of the document: the <svg> element, its title, the clip path 'plot-area' and a white background. */
  open(title: string): string[] {
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
      `<title>${escapeXml(title)}</title>`,
      `<defs><clipPath id="plot-area"><rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}"/></clipPath></defs>`,
      `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ];
  }

  /** Grid lines, ticks and tick labels of both axes. */
  grid(): string[] {
    const { bottom } = this;
    const grid: string[] = [];
    for (const t of ticks(this.xAxis)) {
      const x = px(this.sx(t));
      grid.push(`<line x1="${x}" y1="${TOP}" x2="${x}" y2="${bottom}" stroke="#e6e6e6"/>`);
      grid.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333333"/>`);
      grid.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${tickLabel(t, this.xAxis)}</text>`);
    }
    for (const t of ticks(this.yAxis)) {
      const y = px(this.sy(t));
      grid.push(`<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_W}" y2="${y}" stroke="#e6e6e6"/>`);
      grid.push(`<line x1="${LEFT - 5}" y1="${y}" x2="${LEFT}" y2="${y}" stroke="#333333"/>`);
      grid.push(`<text x="${LEFT - 8}" y="${y}" text-anchor="end" dy="0.35em">${tickLabel(t, this.yAxis)}</text>`);
    }
    return [`<g class="grid">`, ...grid, `</g>`];
  }

  /**
   * A dashed vertical line at data value x with a label near the top, on
   * whichever side of the line has more room; `row` moves the label down by
   * rows of 16 user units, so several markers can be labelled.
   */
  marker(x: number, label: string, colour: string, className: string, row = 0): string[] {
    const at = this.sx(x);
    const leftHalf = at < LEFT + PLOT_W / 2;
    return [
      `<g class="${className}">`,
      `<line x1="${px(at)}" y1="${TOP}" x2="${px(at)}" y2="${this.bottom}" stroke="${colour}" stroke-width="1.25" stroke-dasharray="6 4"/>`,
      `<text x="${px(leftHalf ? at + 6 : at - 6)}" y="${TOP + 16 * (row + 1)}" text-anchor="${leftHalf ? 'start' : 'end'}" fill="${colour}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(label)}</text>`,
      `</g>`,
    ];
  }

  /** The frame around the plot area, both axis titles (with units) and the plot title. */
  frame(xLabel: AxisLabel, yLabel: AxisLabel, title: string): string[] {
    return [
      `<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#333333"/>`,
      `<text x="${px(LEFT + PLOT_W / 2)}" y="${HEIGHT - 18}" text-anchor="middle" font-size="13">${axisTitle(xLabel.quantity, xLabel.unit, this.xAxis)}</text>`,
      `<text transform="translate(20 ${px(TOP + PLOT_H / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${axisTitle(yLabel.quantity, yLabel.unit, this.yAxis)}</text>`,
      `<text x="${px(WIDTH / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ];
  }
}

/**
 * The extent of the data to plot: x over the samples, y over the samples and
 * 0 (a dose axis always shows its zero). The plot starts x at 0 when no
 * sample is negative; with no samples at all, x runs from 0 to 1.
 */
export class DataRange {
  xMin = Infinity;
  xMax = -Infinity;
  yMin = 0;
  yMax = 0;

  include(x: number, y: number): void {
    this.includeX(x);
    this.yMin = Math.min(this.yMin, y);
    this.yMax = Math.max(this.yMax, y);
  }

  includeX(x: number): void {
    this.xMin = Math.min(this.xMin, x);
    this.xMax = Math.max(this.xMax, x);
  }

  plotArea(): PlotArea {
    const empty = this.xMin > this.xMax;
    const xMin = empty ? 0 : this.xMin, xMax = empty ? 1 : this.xMax;
    return new PlotArea(xMin >= 0 ? 0 : xMin, xMax, this.yMin, this.yMax);
  }
}

/** Top-left corner of the legend, where a depth-dose curve (entrance plateau) rarely reaches. */
export const LEGEND_X = LEFT + 12;
export const LEGEND_Y = TOP + 14;
/** Vertical distance between legend rows (user units). */
export const LEGEND_ROW = 17;

/** A legend row: a short line in the curve's colour and its name. */
export function legendLine(row: number, colour: string, text: string, dashed = false): string[] {
  const y = LEGEND_Y + row * LEGEND_ROW;
  const dash = dashed ? ' stroke-dasharray="6 4"' : '';
  return [
    `<line x1="${LEGEND_X}" y1="${y}" x2="${LEGEND_X + 24}" y2="${y}" stroke="${colour}" stroke-width="1.75"${dash}/>`,
    `<text x="${LEGEND_X + 30}" y="${y}" dy="0.35em">${escapeXml(text)}</text>`,
  ];
}
