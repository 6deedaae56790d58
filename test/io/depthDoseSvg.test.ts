import { describe, expect, it } from 'vitest';
import type { DepthDoseSeries } from '../../src/io/depthDoseCsv.js';
import { depthDoseSvg } from '../../src/io/depthDoseSvg.js';

/** A Bragg-like curve: 0.5 mm bins over 0..180 mm, peak near 157 mm, in Gy mm^2 per primary. */
function braggSeries(scale = 1e-9): DepthDoseSeries {
  const n = 360;
  const depthMm = new Float64Array(n).map((_, i) => 0.25 + 0.5 * i);
  const dose = depthMm.map((z) => (z < 157 ? scale * (1 + 3 * Math.exp((z - 157) / 8)) : scale * 4 * Math.exp(-(((z - 157) / 3) ** 2))));
  const uncertainty = dose.map((d) => 0.02 * d);
  return { depthMm, dose, uncertainty, doseUnit: 'Gy mm^2 per primary' };
}

/** Minimal well-formedness check: one root <svg>, balanced tags, no stray '<' or bare '&'. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    expect(between).not.toMatch(/[<>]/);
    last = m.index + m[0].length;
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) {
      expect(stack.pop()).toBe(name);
      if (stack.length === 0) expect(svg.slice(last).trim()).toBe('');
    } else {
      if (stack.length === 0) expect(m.index).toBe(0);
      stack.push(name as string);
    }
  }
  expect(svg.slice(last)).toBe('');
  expect(stack).toEqual([]);
  expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
}

function textContents(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) => m[1] as string);
}

function isNiceStep(step: number): boolean {
  const mag = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const norm = step / mag;
  return [1, 2, 5].some((k) => Math.abs(norm - k) < 1e-6);
}

describe('depthDoseSvg', () => {
  it('is well-formed, labels both axes with units and marks R80', () => {
    const svg = depthDoseSvg({ series: braggSeries(1), r80Mm: 152.3, title: '150 MeV proton in water' });
    expectWellFormed(svg);
    expect(svg).toMatch(/width="720" height="440"/);
    expect(svg).toContain('Depth (mm)');
    expect(svg).toContain('Dose (Gy mm^2 per primary)');
    expect(svg).toContain('150 MeV proton in water');
    expect(svg).toContain('R80 = 152.3 mm');
    expect(svg).toMatch(/<line[^>]*stroke-dasharray/);
    expect(svg).toMatch(/<polyline[^>]*points="[^"]+"/);
    expect(svg).toMatch(/<polygon class="sigma-band"/);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('uses 1-2-5 tick steps with labels on both axes', () => {
    const svg = depthDoseSvg({ series: braggSeries(1), r80Mm: 152.3, title: 't' });
    const labels = textContents(svg);
    // Depth 0..180 mm -> ticks every 50 mm up to 200.
    for (const v of ['0', '50', '100', '150', '200']) expect(labels).toContain(v);
    // Dose 0..~4.1 -> 1-2-5 step; collect the numeric y labels (text-anchor end).
    const yLabels = [...svg.matchAll(/<text[^>]*text-anchor="end" dy="0.35em">([^<]*)<\/text>/g)].map((m) =>
      Number(m[1]),
    );
    expect(yLabels.length).toBeGreaterThanOrEqual(3);
    expect(yLabels[0]).toBe(0);
    const step = (yLabels[1] as number) - (yLabels[0] as number);
    expect(isNiceStep(step)).toBe(true);
    yLabels.forEach((v, i) => expect(v).toBeCloseTo(i * step, 9));
    expect(yLabels[yLabels.length - 1]).toBeGreaterThanOrEqual(4.1);
  });

  it('puts a power-of-ten factor in the axis title for tiny doses', () => {
    const svg = depthDoseSvg({ series: braggSeries(1e-9), r80Mm: 152.3, title: 't' });
    expectWellFormed(svg);
    expect(svg).toMatch(/Dose \(×10<tspan[^>]*>-9<\/tspan> Gy mm\^2 per primary\)/);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws no R80 marker when r80Mm is null', () => {
    const svg = depthDoseSvg({ series: braggSeries(), r80Mm: null, title: 't' });
    expectWellFormed(svg);
    expect(svg).not.toContain('R80');
    expect(svg).not.toContain('stroke-dasharray');
  });

  it('handles all-zero dose and empty or non-finite series without NaN', () => {
    const n = 50;
    const zeros: DepthDoseSeries = {
      depthMm: new Float64Array(n).map((_, i) => i),
      dose: new Float64Array(n),
      uncertainty: new Float64Array(n),
      doseUnit: 'Gy mm^2 per primary',
    };
    for (const series of [
      zeros,
      { ...zeros, depthMm: new Float64Array(0), dose: new Float64Array(0), uncertainty: new Float64Array(0) },
      { ...zeros, dose: zeros.dose.map((_, i) => (i === 10 ? NaN : i === 11 ? Infinity : 1)) },
      { ...zeros, depthMm: new Float64Array(n).fill(3) },
    ]) {
      for (const r80Mm of [null, 12.5, NaN]) {
        const svg = depthDoseSvg({ series, r80Mm, title: 'zero' });
        expectWellFormed(svg);
        expect(svg).not.toMatch(/NaN|Infinity|undefined/);
        // Still a usable plot: at least two numeric tick labels on each axis.
        const yLabels = [...svg.matchAll(/<text[^>]*text-anchor="end" dy="0.35em">([^<]*)<\/text>/g)].map((m) => m[1]);
        const xLabels = [...svg.matchAll(/<text[^>]*text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]);
        expect(yLabels.filter((t) => Number.isFinite(Number(t))).length).toBeGreaterThanOrEqual(2);
        expect(xLabels.filter((t) => t !== '' && Number.isFinite(Number(t))).length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('escapes XML special characters in the title and unit', () => {
    const svg = depthDoseSvg({
      series: { ...braggSeries(), doseUnit: 'Gy <per> "primary" & more' },
      r80Mm: 1,
      title: 'p < 150 & "x" > \'y\'',
    });
    expectWellFormed(svg);
    expect(svg).toContain('p &lt; 150 &amp; &quot;x&quot; &gt; &apos;y&apos;');
    expect(svg).toContain('Gy &lt;per&gt; &quot;primary&quot; &amp; more');
    expect(svg).not.toContain('p < 150');
  });
});
