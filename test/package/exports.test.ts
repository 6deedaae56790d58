import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The built package entry, as `import ... from 'bragg-engine'` resolves it (npm test builds dist/ first).
import * as bragg from '../../dist/src/index.js';

describe('the package entry (dist/src/index.js)', () => {
  it('exports the engine, its version and errors', () => {
    expect(typeof bragg.simulate).toBe('function');
    expect(typeof bragg.parseConfig).toBe('function');
    expect(bragg.ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(new bragg.BraggInputError('x')).toBeInstanceOf(Error);
  });

  it('exports the physics: ions, materials, stopping powers, CSDA ranges and range tables', () => {
    const proton = bragg.getIon('proton');
    const water = bragg.getMaterial('water');
    // NIST PSTAR, liquid water, 100 MeV: S_el 7.286 MeV cm2/g, CSDA range 7.718 g/cm2
    expect(bragg.stoppingPower(proton, water, 100)).toBeCloseTo(7.286, 1);
    expect(bragg.electronicStoppingPower(proton, water, 100)).toBe(bragg.stoppingPower(proton, water, 100));
    expect(bragg.csdaRange(proton, water, 100)).toBeCloseTo(7.718, 1);
    const table = bragg.buildRangeTable(proton, water, { binsPerDecade: 20 });
    expect(table.csdaRangeGPerCm2).toHaveLength(table.length);
    expect(bragg.ION_IDS).toContain('carbon');
    expect(bragg.MATERIAL_IDS).toContain('water');
    expect(bragg.isIonId('muon')).toBe(false);
    expect(bragg.isMaterialId('pmma')).toBe(true);
    expect(bragg.getElement(8).atomicNumber).toBe(8);
    expect(bragg.PROTON_MASS_MEV).toBeCloseTo(938.272, 3);
    expect(bragg.TABLE_ENERGY_LIMITS_MEV_PER_U.max).toBe(1000);
  });

  it('exports the analysis: depth-dose metrics, 1-D and 2-D gamma, run comparison', () => {
    const depthMm = Array.from({ length: 100 }, (_, i) => i + 0.5);
    const dose = depthMm.map((z) => (z < 60 ? 0.4 + z / 100 : Math.max(0, 1 - (z - 60) / 5)));
    const metrics = bragg.depthDoseMetrics(depthMm, dose);
    expect(metrics.r80Mm).toBeGreaterThan(60);
    expect(metrics.r80Mm).toBeLessThan(62);
    expect(bragg.gamma1d(depthMm, dose, dose).passRate).toBe(1);
    const plane = { nz: 100, nx: 3, lowCornerMm: [0, -1.5] as const, voxelSizeMm: [1, 1] as const, dose: dose.flatMap((d) => [d, d, d]) };
    expect(bragg.gamma2d(plane, plane).passRate).toBe(1);
    expect(bragg.sampleDosePlane(plane, 10.5, 0)).toBeCloseTo(dose[10]!, 12);
    const comparison = bragg.compareDosePlanes(plane, plane);
    expect(comparison.r80DifferenceMm).toBe(0);
    const grid = { gridShape: [100, 1, 3] as const, voxelSizeMm: [1, 1, 1] as const, gridOriginMm: [0, 0, -1.5] as const, integratedOverY: true };
    expect(bragg.depthDoseOfPlane(bragg.doseIntegratedOverY(grid, plane.dose)).doseGyMm2PerPrimary[10]).toBeCloseTo(3 * dose[10]!, 12);
  });

  it('exports the outputs: .npy, depth-dose CSV and SVG', () => {
    const values = new Float64Array([1, 2, 3, 4, 5, 6]);
    const decoded = bragg.decodeNpy(bragg.encodeNpy(values, [2, 3]));
    expect(decoded.shape).toEqual([2, 3]);
    expect(Array.from(decoded.data)).toEqual(Array.from(values));
    expect(typeof bragg.depthDoseCsv).toBe('function');
    expect(typeof bragg.depthDoseSvg).toBe('function');
    expect(typeof bragg.depthDoseOverlaySvg).toBe('function');
  });

  it('the browser bundle imports neither Node modules nor Dawn (webgpu) statically', () => {
    const bundle = readFileSync(new URL('../../dist/browser/index.js', import.meta.url), 'utf8');
    expect(bundle).not.toMatch(/^\s*import\b[^;(]*\bfrom\s*["'](node:|webgpu["'])/m);
    expect(bundle).not.toMatch(/^\s*import\s*["'](node:|webgpu["'])/m);
    expect(bundle).toMatch(/import\(["']webgpu["']\)/);
  });
});
