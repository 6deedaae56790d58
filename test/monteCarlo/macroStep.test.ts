// Secondaries step through runs of like voxels (assembly/macroStep.ts): the same physics as
// plane-limited steps, in fewer steps. Phantoms that differ by nothing that matters: uniform
// water, water whose 1 mm z slices alternate between 1 and 1.0001 g/cm^3, and water whose 2 mm
// x columns alternate so (a 1e-4 change of density, below any effect this test resolves). In the
// second every z plane ends a run, in the third every x plane (secondaries still run on across
// the other planes); in uniform water they run on up to the 5 mm maximum step. The depth-doses
// (primaries and fragments) must agree within statistics, the fragment tail beyond the peak and
// the energy deposited too; uniform water must take far fewer secondary steps.
// Measured (3000 histories of 200 MeV/u carbon, one seed for all, so the primaries' steps draw
// the same numbers and the comparison is the sharper for it): secondary steps per primary 24
// against 100 (z slices) and 32 (x columns), chi2/dof 0.44 and 0.27, tails within 0.3 sigma,
// energy deposited within 3e-4. Depositing each run step at its start instead of its hinge
// point (a bias of half a step) fails: chi2/dof 1.76 against the z slices.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';

const DEPTH_MM = 160;
const HISTORIES = 3000;

/** Uniform water, or water whose 1 mm z slices ('z') or 2 mm x columns ('x') alternate in density. */
function config(alternating: 'none' | 'z' | 'x') {
  const regions = [];
  if (alternating === 'z') {
    for (let z = 1; z < DEPTH_MM; z += 2) regions.push({ shape: 'slab' as const, material: 'water' as const, densityGPerCm3: 1.0001, zMinMm: z, zMaxMm: z + 1 });
  }
  if (alternating === 'x') {
    for (let x = -28; x < 30; x += 4) {
      regions.push({ shape: 'box' as const, material: 'water' as const, densityGPerCm3: 1.0001, minMm: [x, -30, 0] as [number, number, number], maxMm: [x + 2, 30, DEPTH_MM] as [number, number, number] });
    }
  }
  return {
    beam: { particle: 'carbon' as const, energyMeVPerU: 200, spotSigmaMm: 3 },
    phantom: { sizeMm: [60, 60, DEPTH_MM] as [number, number, number], voxelSizeMm: [2, 2, 1] as [number, number, number], regions },
    transport: { histories: HISTORIES, seed: 4, nuclear: true },
    scoring: { let: false },
  };
}

describe('steps of secondaries through like voxels', () => {
  it.each(['z', 'x'] as const)('give the depth-dose of steps that end at every %s plane within statistics, in far fewer steps', async (axis) => {
    const [uniform, alternating, withoutNuclear] = await Promise.all([
      simulate(config('none'), { threads: 1 }), simulate(config(axis), { threads: 1 }),
      simulate({ ...config('none'), transport: { ...config('none').transport, nuclear: false } }, { threads: 1 }),
    ]);
    // Primaries take the same plane-limited steps in all; the secondaries' steps differ.
    const primarySteps = withoutNuclear.diagnostics.steps / HISTORIES;
    const secondarySteps = (r: typeof uniform) => r.diagnostics.steps / HISTORIES - primarySteps;
    expect(secondarySteps(uniform)).toBeLessThan((axis === 'z' ? 0.6 : 0.9) * secondarySteps(alternating));

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
    expect(Math.abs(uniform.summary.energyDepositedMeVPerPrimary / alternating.summary.energyDepositedMeVPerPrimary - 1)).toBeLessThan(1e-3);
  }, 120_000);
});
