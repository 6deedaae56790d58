import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo } from '../../src/engine/monteCarlo.js';
import { doseResults } from '../../src/engine/doseResults.js';

const base = {
  beam: { energyMeVPerU: 120, spotSigmaMm: 3 },
  phantom: { sizeMm: [40, 40, 140] as [number, number, number],
    regions: [{ shape: 'box' as const, material: 'compact-bone' as const, minMm: [-20, -20, 30] as [number, number, number], maxMm: [0, 20, 45] as [number, number, number] }] },
};

describe('SIMD and scalar kernels', () => {
  it('give bit-identical dose for the same seed (same operations, lane by lane)', async () => {
    const config = { ...base, transport: { histories: 2000, seed: 8 } };
    const simd = await simulate({ ...config, transport: { ...config.transport, kernel: 'simd' } });
    const scalar = await simulate({ ...config, transport: { ...config.transport, kernel: 'scalar' } });
    expect(simd.summary.variant).toBe('simd');
    expect(scalar.summary.variant).toBe('scalar');
    expect(Buffer.from(simd.dose.buffer).equals(Buffer.from(scalar.dose.buffer))).toBe(true);
  });

  it('agree statistically on the depth-dose for independent seeds (|z| < 4 in every bin, chi2/dof < 1.5)', async () => {
    const simd = await simulate({ ...base, transport: { histories: 5000, seed: 1, kernel: 'simd' } });
    const scalar = await simulate({ ...base, transport: { histories: 5000, seed: 2, kernel: 'scalar' } });
    let chi2 = 0, bins = 0;
    for (let i = 0; i < simd.depthDose.dose.length; i++) {
      const s = Math.hypot(simd.depthDose.uncertainty[i]!, scalar.depthDose.uncertainty[i]!);
      if (s === 0) continue;
      const z = (simd.depthDose.dose[i]! - scalar.depthDose.dose[i]!) / s;
      expect(Math.abs(z)).toBeLessThan(4);
      chi2 += z * z;
      bins++;
    }
    expect(bins).toBeGreaterThan(100);
    expect(chi2 / bins).toBeLessThan(1.5);
  });

  it('inside the SIMD build, the scalar driver and the four-lane driver give the same dose bit for bit', async () => {
    const config = parseConfig({ ...base, transport: { histories: 1000, seed: 4 } });
    const lanes = doseResults(await runMonteCarlo(config)).doseGyPerPrimary;
    const scalar = doseResults(await runMonteCarlo(config, { referenceDriver: true })).doseGyPerPrimary;
    expect(Buffer.from(lanes.buffer).equals(Buffer.from(scalar.buffer))).toBe(true);
  });
});
