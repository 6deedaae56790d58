import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { doseIntegratedOverY, compareDosePlanes } from '../../src/analysis/compareRuns.js';

// The deterministic solver against the Monte Carlo engine, on the Monte Carlo's default
// phantom made narrower (60 mm: the spot and its scattering stay far inside) for speed.
// Quantities: R80 of the laterally integrated depth-dose, the lateral sigma of the primaries
// crossing the plane at mid-range, and the 2-D gamma of the dose integrated over y
// (the deterministic solver's quantity, README.md).
describe.each([
  { energyMeVPerU: 100, probeMm: 40, histories: 100_000 },
  { energyMeVPerU: 150, probeMm: 80, histories: 100_000 },
])('deterministic vs Monte Carlo, $energyMeVPerU MeV protons in water', ({ energyMeVPerU, probeMm, histories }) => {
  it('R80 within 0.5 mm, lateral sigma at mid-range within 3 %, gamma 2 %/2 mm >= 99 % above 10 % of the maximum', async () => {
    const common = { beam: { energyMeVPerU }, phantom: { sizeMm: [60, 60, energyMeVPerU === 100 ? 120 : 200] as [number, number, number] },
      scoring: { lateralProbeDepthMm: probeMm } };
    const mc = await simulate({ ...common, transport: { histories, seed: 7 } }, { threads: 2 });
    const det = await simulate({ ...common, solver: 'deterministic' as const }, { threads: 1 });
    expect(det.summary.doseProjection).toBe('integrated over y');
    expect(Math.abs(det.summary.r80Mm! - mc.summary.r80Mm!)).toBeLessThan(0.5);
    const mcSigma = (mc.lateralProbe!.sigmaXMm + mc.lateralProbe!.sigmaYMm) / 2;
    expect(Math.abs(det.lateralProbe!.sigmaXMm / mcSigma - 1)).toBeLessThan(0.03);
    const mcPlane = doseIntegratedOverY({ gridShape: mc.summary.gridShape, voxelSizeMm: mc.summary.voxelSizeMm, gridOriginMm: mc.summary.gridOriginMm, integratedOverY: false }, mc.dose);
    const detPlane = doseIntegratedOverY({ gridShape: det.summary.gridShape, voxelSizeMm: det.summary.voxelSizeMm, gridOriginMm: det.summary.gridOriginMm, integratedOverY: true }, det.dose);
    const comparison = compareDosePlanes(mcPlane, detPlane);
    expect(comparison.gamma2pct2mm.passRate).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});
