// Fragmentation of ion beams (issue 11, part 3) in the WASM kernels: reactions with the engine's
// cross sections, the fragments transported as their own species, exact energy bookkeeping,
// reproducibility; the WebGPU twin is held to these in test/gpu/fragmentation.test.ts.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo, type RawTallies } from '../../src/engine/monteCarlo.js';
import { runParallel } from '../../src/engine/parallel/runParallel.js';
import { doseResults } from '../../src/engine/doseResults.js';
import { electronicStoppingPower, getIon, getMaterial, ionReactionCm2PerG } from '../../src/physics/index.js';
import { primaryFluence } from '../../src/analysis/primaryFluence.js';

const carbon = (energyMeVPerU: number, histories: number, seed = 1) => parseConfig({
  beam: { particle: 'carbon', energyMeVPerU, spotSigmaMm: 3 },
  phantom: { sizeMm: [60, 60, 250], voxelSizeMm: [2, 2, 1], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 40 }] },
  transport: { histories, seed, nuclear: true, kernel: 'simd' },
});

const imbalance = (t: RawTallies) => {
  const e = doseResults(t).energy;
  return (e.depositedMeVPerPrimary + e.escapedMeVPerPrimary + e.neutralMeVPerPrimary) / e.incidentMeVPerPrimary - 1;
};

/**
 * Survival of 12C primaries against reactions at depth zMm in water, exp(-integral of Sigma dz) along
 * the CSDA path (dz = A dE / (rho S(E)), E per nucleon, S the ion's mass stopping power), from the
 * engine's own cross sections: midpoint rule on a fine ln E grid from the beam energy down.
 */
function survivalAtDepths(energyMeVPerU: number, depthsMm: readonly number[]): number[] {
  const c = getIon('carbon');
  const water = getMaterial('water');
  const nuclide = { chargeNumber: 6, massNumber: 12 };
  const steps = 20000;
  const lnHigh = Math.log(energyMeVPerU), lnLow = Math.log(1);
  const h = (lnHigh - lnLow) / steps;
  const depth: number[] = [0], tau: number[] = [0];
  for (let i = 0; i < steps; i++) {
    const e = Math.exp(lnHigh - (i + 0.5) * h);
    const dzCm = (c.massNumber * e * h) / (water.densityGPerCm3 * electronicStoppingPower(c, water, e));
    depth.push(depth[i]! + 10 * dzCm);
    tau.push(tau[i]! + ionReactionCm2PerG(nuclide, water, e) * water.densityGPerCm3 * dzCm);
  }
  return depthsMm.map((z) => {
    const k = depth.findIndex((d) => d >= z);
    const f = (z - depth[k - 1]!) / (depth[k]! - depth[k - 1]!);
    return Math.exp(-(tau[k - 1]! + f * (tau[k]! - tau[k - 1]!)));
  });
}

describe('fragmentation of carbon ions (WASM kernels)', () => {
  it('deposited + escaped + neutral = incident within 1e-6, with fragments of every charge transported', async () => {
    const t = await runMonteCarlo(carbon(290, 400), { shared: false });
    expect(Math.abs(imbalance(t))).toBeLessThan(1e-6);
    expect(t.counters.primaryNonelasticEvents).toBeGreaterThan(100n);
    expect(t.counters.secondaries).toBeGreaterThan(3n * t.counters.primaryNonelasticEvents);
    expect(t.counters.neutralEnergy).toBeGreaterThan(0n);
  });

  it('SIMD equals scalar bit for bit, and 1 or 3 threads give the same bytes', async () => {
    const config = carbon(200, 200, 7);
    const simd = await runMonteCarlo(config, { shared: false });
    const scalar = await runMonteCarlo(config, { shared: false, referenceDriver: true });
    expect(scalar.energySum).toEqual(simd.energySum);
    expect(scalar.counters).toEqual(simd.counters);
    const three = await runParallel(config, { threads: 3 });
    expect(three.energySum).toEqual(simd.energySum);
    expect(three.energySq).toEqual(simd.energySq);
  });

  it('primaries survive as exp(-integral Sigma dz) says at every centimetre, within 1 % absolute (290 MeV/u in water)', async () => {
    // Reference: the engine's own cross sections along the CSDA path; the issue expects about 0.45
    // at the end of range for 290 MeV/u. Checked from 1 to 15 cm (the range is 16.3 cm: beyond,
    // primaries also stop). A ~3 mm spot in a 100 x 100 mm phantom keeps every primary inside.
    const config = parseConfig({
      beam: { particle: 'carbon', energyMeVPerU: 290, spotSigmaMm: 3 },
      phantom: { sizeMm: [100, 100, 250], voxelSizeMm: [4, 4, 2] },
      transport: { histories: 24000, nuclear: true, kernel: 'simd' },
      scoring: { let: false },
    });
    const t = await runParallel(config, { threads: 2 });
    const fluence = primaryFluence(t.slabPrimaries);
    const depths = Array.from({ length: 15 }, (_, k) => 10 * (k + 1));
    const expected = survivalAtDepths(290, depths);
    const sampled = depths.map((z) => fluence[Math.round(z / 2)]!);
    console.log(`primary survival at 1..15 cm: sampled ${sampled.map((x) => x.toFixed(3)).join(' ')}; expected ${expected.map((x) => x.toFixed(3)).join(' ')}`);
    expect(expected[14]!).toBeGreaterThan(0.45);
    expect(expected[14]!).toBeLessThan(0.55);
    depths.forEach((_, k) => expect(Math.abs(sampled[k]! - expected[k]!)).toBeLessThan(0.01));
    expect(fluence[0]).toBe(1);
  });
});
