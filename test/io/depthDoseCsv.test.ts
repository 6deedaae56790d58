import { describe, expect, it } from 'vitest';
import { depthDoseCsv, doseUnitSlug, type DepthDoseSeries } from '../../src/io/depthDoseCsv.js';

function series(n: number): DepthDoseSeries {
  const depthMm = new Float64Array(n).map((_, i) => 0.5 + i);
  const dose = new Float64Array(n).map((_, i) => (1 + i / 7) * 1.234567890123e-9);
  const uncertainty = new Float64Array(n).map((_, i) => 1e-12 / (i + 3));
  return { depthMm, dose, uncertainty, doseUnit: 'Gy mm^2 per primary' };
}

describe('depthDoseCsv', () => {
  it('writes a units comment and a header naming the unit', () => {
    const lines = depthDoseCsv(series(3)).split('\n');
    const comment = lines[0] ?? '';
    expect(comment.startsWith('# ')).toBe(true);
    expect(comment).toContain('laterally integrated dose in Gy mm^2 per primary');
    expect(comment).toMatch(/absolute one-sigma/);
    expect(comment).toContain('mm');
    expect(lines[1]).toBe('depth_mm,dose_Gy_mm2_per_primary,uncertainty_Gy_mm2_per_primary');
  });

  it('has one row per bin and ends every line with \\n', () => {
    const text = depthDoseCsv(series(200));
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\r');
    const lines = text.slice(0, -1).split('\n');
    expect(lines.length).toBe(2 + 200);
    for (const line of lines.slice(2)) expect(line.split(',').length).toBe(3);
  });

  it('round-trips the numbers exactly', () => {
    const s: DepthDoseSeries = {
      depthMm: new Float64Array([0, 0.1 + 0.2, 152.30000000000001, 1e-300, 123456789.123456]),
      dose: new Float64Array([Math.PI, 2 / 3, 1.7976931348623157e308, 5e-324, -0.5]),
      uncertainty: new Float64Array([Math.E * 1e-9, 1 / 3, 0, 7.123456789012345e-15, 1e21]),
      doseUnit: 'Gy mm^2 per primary',
    };
    const rows = depthDoseCsv(s).trimEnd().split('\n').slice(2);
    expect(rows.length).toBe(5);
    rows.forEach((row, i) => {
      const [d, y, u] = row.split(',').map(Number);
      expect(d).toBe(s.depthMm[i]);
      expect(y).toBe(s.dose[i]);
      expect(u).toBe(s.uncertainty[i]);
    });
  });

  it('writes non-finite values as nan/inf and rejects mismatched lengths', () => {
    const s: DepthDoseSeries = {
      depthMm: new Float64Array([1, 2]),
      dose: new Float64Array([NaN, Infinity]),
      uncertainty: new Float64Array([-Infinity, 0]),
      doseUnit: 'Gy',
    };
    const rows = depthDoseCsv(s).trimEnd().split('\n');
    expect(rows[1]).toBe('depth_mm,dose_Gy,uncertainty_Gy');
    expect(rows.slice(2)).toEqual(['1,nan,-inf', '2,inf,0']);
    expect(() => depthDoseCsv({ ...s, dose: new Float64Array(3) })).toThrow(RangeError);
  });

  it('writes the primary fluence before the LETd column when given', () => {
    const s: DepthDoseSeries = {
      depthMm: new Float64Array([0.5, 1.5]), dose: new Float64Array([1, 2]), uncertainty: new Float64Array([0, 0]), doseUnit: 'Gy',
      primaryFluence: new Float64Array([1, 0.99]), letDKeVPerUm: new Float64Array([10, 12]),
    };
    const rows = depthDoseCsv(s).trimEnd().split('\n');
    expect(rows[1]).toBe('depth_mm,dose_Gy,uncertainty_Gy,primary_fluence,let_d_keV_per_um');
    expect(rows.slice(2)).toEqual(['0.5,1,0,1,10', '1.5,2,0,0.99,12']);
    expect(() => depthDoseCsv({ ...s, primaryFluence: new Float64Array(1) })).toThrow(RangeError);
  });

  it('slugs units for column names', () => {
    expect(doseUnitSlug('Gy mm^2 per primary')).toBe('Gy_mm2_per_primary');
    expect(doseUnitSlug('MeV/g')).toBe('MeV_g');
    expect(doseUnitSlug('  ')).toBe('arbitrary_units');
  });
});
