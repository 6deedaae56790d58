import { describe, expect, it } from 'vitest';
import { simulate, csdaRange, getIon, getMaterial } from '../../src/index.js';

const water = getMaterial('water');
const proton = getIon('proton');

function csdaRangeMm(energyMeV: number): number {
  return (csdaRange(proton, water, energyMeV) / water.densityGPerCm3) * 10;
}

describe('pristine Bragg peaks of protons in water', () => {
  // Without nuclear interactions R80 sits at the mean projected range, which
  // is the CSDA range times the detour factor 0.9987 (NIST PSTAR): 0.1-0.2 mm short.
  it.each([100, 150])('R80 of %d MeV protons is within 1 mm of the CSDA range', async (energy) => {
    const { summary } = await simulate({
      beam: { energyMeVPerU: energy, spotSigmaMm: 3 },
      phantom: { sizeMm: [60, 60, 200], voxelSizeMm: [2, 2, 1] },
      transport: { histories: 10_000, seed: 7, nuclear: false },
    });
    const expected = csdaRangeMm(energy);
    expect(summary.r80Mm).not.toBeNull();
    expect(Math.abs(summary.r80Mm! - expected)).toBeLessThan(1.0);
    expect(summary.peakDepthMm).toBeLessThan(summary.r80Mm!);
    expect(summary.r20Mm!).toBeGreaterThan(summary.r80Mm!);
  });

  it('range straggling sigma_R/R of 150 MeV protons is between 1.0% and 1.3%', async () => {
    // Bohr straggling with its relativistic factor gives 1.07% at 150 MeV
    // (integrated over NIST PSTAR water; see Bortfeld, Med. Phys. 24 (1997) 2024
    // for the ~1.0-1.2% band of measured/fitted values).
    const { summary, diagnostics } = await simulate({
      beam: { energyMeVPerU: 150, spotSigmaMm: 0 },
      phantom: { sizeMm: [60, 60, 200], voxelSizeMm: [2, 2, 1] },
      transport: { histories: 10_000, seed: 11, nuclear: false },
    });
    const relative = summary.rangeStragglingMm / csdaRangeMm(150);
    // the pencil starts on the corner of four voxels: no history may get stuck there
    expect(diagnostics.abortedHistories).toBe(0);
    expect(relative).toBeGreaterThan(0.010);
    expect(relative).toBeLessThan(0.013);
  });

  it('400 MeV/u carbon ions stop near their CSDA range in water', async () => {
    const carbonRangeMm = (csdaRange(getIon('carbon'), water, 400) / water.densityGPerCm3) * 10;
    const { summary } = await simulate({
      beam: { particle: 'carbon', energyMeVPerU: 400, spotSigmaMm: 3 },
      phantom: { sizeMm: [40, 40, 300], voxelSizeMm: [2, 2, 1] },
      transport: { histories: 1500, seed: 3, nuclear: false },
    });
    expect(Math.abs(summary.r80Mm! - carbonRangeMm)).toBeLessThan(1.5);
    // ion range straggling scales about as 1/sqrt(A): ~0.3-0.4% of the range for C-12
    expect(summary.rangeStragglingMm / carbonRangeMm).toBeLessThan(0.005);
  });
});
