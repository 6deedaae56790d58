// Secondaries step through runs of like voxels (assembly/macroStep.ts): the same physics as
// plane-limited steps, in fewer steps. Two phantoms that differ by nothing that matters: uniform
// water, and water whose 1 mm slices alternate between 1 and 1.0001 g/cm^3 (a 1e-4 change in
// density, below any effect this test resolves). In the second, every z plane ends a run, so the
// secondaries' steps end at each plane as every step did before; in the first they run on up to
// the 5 mm maximum step. The depth-doses (primaries and fragments) must agree within statistics,
// and the fragment tail beyond the peak too; the uniform phantom must take far fewer steps.
// Measured (3000 histories of 200 MeV/u carbon, one seed for both, so the primaries' steps draw
// the same numbers and the comparison is the sharper for it): 24 against 100 secondary steps per
// primary, chi2/dof 0.44, tails within 0.1 sigma, energy deposited within 1e-5. Depositing each
// run step at its start instead of its hinge point (a bias of half a step) fails: chi2/dof 1.76.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';

const DEPTH_MM = 160;
const HISTORIES = 3000;

function config(alternating: boolean) {
  const regions = [];
  if (alternating) {
    for (let z = 1; z < DEPTH_MM; z += 2) regions.push({ shape: 'slab' as const, material: 'water' as const, densityGPerCm3: 1.0001, zMinMm: z, zMaxMm: z + 1 });
  }
  return {
    beam: { particle: 'carbon' as const, energyMeVPerU: 200, spotSigmaMm: 3 },
    phantom: { sizeMm: [60, 60, DEPTH_MM] as [number, number, number], voxelSizeMm: [2, 2, 1] as [number, number, number], regions },
    transport: { histories: HISTORIES, seed: 4, nuclear: true },
    scoring: { let: false },
  };
}

describe('steps of secondaries through like voxels', () => {
  it('give the depth-dose of plane-limited steps within statistics, in far fewer steps', async () => {
    const [uniform, alternating] = await Promise.all([simulate(config(false), { threads: 1 }), simulate(config(true), { threads: 1 })]);
    // Primaries take the same plane-limited steps in both; the secondaries' steps differ.
    const withoutNuclear = await simulate({ ...config(false), transport: { ...config(false).transport, nuclear: false } }, { threads: 1 });
    const primarySteps = withoutNuclear.diagnostics.steps / HISTORIES;
    const secondarySteps = (r: typeof uniform) => r.diagnostics.steps / HISTORIES - primarySteps;
    expect(secondarySteps(uniform)).toBeLessThan(0.6 * secondarySteps(alternating));

    const a = uniform.depthDose, b = alternating.depthDose;
    let chi2 = 0, dof = 0;
    for (let i = 0; i < a.dose.length; i++) {
      const sigma2 = a.uncertainty[i]! ** 2 + b.uncertainty[i]! ** 2;
      if (sigma2 === 0) continue;
      chi2 += (a.dose[i]! - b.dose[i]!) ** 2 / sigma2;
      dof++;
    }
    expect(dof).toBeGreaterThan(100);
    expect(chi2 / dof).toBeLessThan(1.5);
    // The fragment tail: the dose more than 5 mm beyond the peak, within 3 sigma.
    const peak = uniform.summary.peakDepthMm;
    const tail = (r: typeof uniform) => {
      let sum = 0, variance = 0;
      r.depthDose.depthMm.forEach((z, i) => { if (z > peak + 5) { sum += r.depthDose.dose[i]!; variance += r.depthDose.uncertainty[i]! ** 2; } });
      return { sum, variance };
    };
    const ta = tail(uniform), tb = tail(alternating);
    expect(ta.sum).toBeGreaterThan(0);
    expect(Math.abs(ta.sum - tb.sum)).toBeLessThan(3 * Math.sqrt(ta.variance + tb.variance));
    expect(Math.abs(uniform.summary.energyDepositedMeVPerPrimary / alternating.summary.energyDepositedMeVPerPrimary - 1)).toBeLessThan(0.01);
  }, 120_000);
});
