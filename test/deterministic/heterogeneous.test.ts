import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { doseIntegratedOverY, compareDosePlanes } from '../../src/analysis/compareRuns.js';
import type { MaterialId } from '../../src/physics/index.js';

// The deterministic solver against the Monte Carlo engine through 20 mm slabs of compact bone,
// lung and titanium at 30-50 mm (issue 9), as agreement.test.ts does it in water: the laterally
// integrated depth-dose's peak and R80, and the 2-D gamma of the dose integrated over y.
//
// Why these numbers suffice:
// - Phantom 40 mm wide in x and y (2 mm voxels across, 1 mm in depth: the Bragg peak's voxels are
//   the ones compared), deep enough to hold each range: the 3 mm spot, scattered by the slab, keeps
//   over 99.9 % of its dose within +-20 mm in both codes, and the deterministic grid (20 x nz cells)
//   stays small enough to run in about a second on two threads.
// - 100 000 Monte Carlo histories: the one-sigma uncertainty of the laterally integrated dose at the
//   peak is 0.05-0.17 % (asserted below, under 0.5 %), against a tolerance of 2 %; another seed
//   moves the peak by about 0.05 %. The histories take 0.3-1 s a case on two threads.
// - The whole file takes about 12 s on two cores (K = 2 to 4 energy bins per step here; titanium and
//   compact bone at 100 MeV and titanium at 150 MeV on cells finer than the voxels, grid.ts chooseSubdivisions).
const TOLERANCE = { peak: 0.02, r80Mm: 0.5, gammaPassRate: 0.99 };

interface Case {
  readonly material: MaterialId;
  readonly energyMeVPerU: number;
  /** Deep enough for the range behind the slab, with a few mm to spare. */
  readonly depthMm: number;
}

const CASES: Case[] = [
  { material: 'compact-bone', energyMeVPerU: 100, depthMm: 80 },
  { material: 'compact-bone', energyMeVPerU: 150, depthMm: 160 },
  { material: 'lung', energyMeVPerU: 100, depthMm: 110 },
  { material: 'lung', energyMeVPerU: 150, depthMm: 190 },
  // The Bragg peak lies in the titanium (its range there ends at 44.8 mm) and is about 0.3 mm wide
  // (80-20 % fall-off): the solver runs on cells of a quarter of the 1 mm voxel in depth and half the
  // 2 mm in x (grid.ts chooseSubdivisions); with the voxels as cells the peak ratio was 0.955 and the
  // gamma 98.97 %. Measured now: peak 0.982, gamma 99.5 %, R80 within 0.02 mm.
  { material: 'titanium', energyMeVPerU: 100, depthMm: 60 },
  { material: 'titanium', energyMeVPerU: 150, depthMm: 130 },
];

/** The largest value and its index. */
function peakOf(values: ArrayLike<number>): { index: number; value: number } {
  let index = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[index]!) index = i;
  return { index, value: values[index]! };
}

describe.each(CASES)('deterministic vs Monte Carlo, $energyMeVPerU MeV protons through 20 mm of $material at 30 mm', (c) => {
  const tolerance = TOLERANCE;
  it(`laterally integrated peak within ${tolerance.peak * 100} %, R80 within ${tolerance.r80Mm} mm, gamma 2 %/2 mm >= ${tolerance.gammaPassRate * 100} % above 10 % of the maximum`, async () => {
    const common = {
      beam: { energyMeVPerU: c.energyMeVPerU },
      phantom: { sizeMm: [40, 40, c.depthMm] as [number, number, number], regions: [{ shape: 'slab' as const, material: c.material, zMinMm: 30, zMaxMm: 50 }] },
    };
    // Electromagnetic transport through the slabs (with nuclear events: test/deterministic/nuclear.test.ts).
    const mc = await simulate({ ...common, transport: { histories: 100_000, seed: 7, nuclear: false } }, { threads: 2 });
    const det = await simulate({ ...common, transport: { nuclear: false }, solver: 'deterministic' as const }, { threads: 2 });
    const mcPlane = doseIntegratedOverY({ gridShape: mc.summary.gridShape, voxelSizeMm: mc.summary.voxelSizeMm, gridOriginMm: mc.summary.gridOriginMm, integratedOverY: false }, mc.dose);
    const detPlane = doseIntegratedOverY({ gridShape: det.summary.gridShape, voxelSizeMm: det.summary.voxelSizeMm, gridOriginMm: det.summary.gridOriginMm, integratedOverY: true }, det.dose);
    const comparison = compareDosePlanes(mcPlane, detPlane);

    // The reference's noise is far below the tolerance (Monte Carlo depth-dose: integrated over x and y).
    const mcPeak = peakOf(mc.depthDose.dose);
    expect(mc.depthDose.uncertainty[mcPeak.index]! / mcPeak.value).toBeLessThan(0.005);
    // Both depth-doses: the dose integrated over y, summed over x (Gy mm^2 per primary).
    const a = peakOf(comparison.depthDoseA.doseGyMm2PerPrimary), b = peakOf(comparison.depthDoseB.doseGyMm2PerPrimary);
    expect(Math.abs(a.value / mcPeak.value - 1)).toBeLessThan(1e-3);
    expect(Math.abs(b.value / a.value - 1)).toBeLessThan(tolerance.peak);
    expect(Math.abs(comparison.r80DifferenceMm!)).toBeLessThan(tolerance.r80Mm);
    expect(comparison.gamma2pct2mm.passRate).toBeGreaterThanOrEqual(tolerance.gammaPassRate);
  });
});
