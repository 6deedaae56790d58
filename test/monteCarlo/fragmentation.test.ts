// Fragmentation of ion beams (issue 11, part 3) in the WASM kernels: reactions with the engine's
// cross sections, the fragments transported as their own species, exact energy bookkeeping,
// reproducibility; the WebGPU twin is held to these in test/gpu/fragmentation.test.ts.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo, type RawTallies } from '../../src/engine/monteCarlo.js';
import { runParallel } from '../../src/engine/parallel/runParallel.js';
import { doseResults } from '../../src/engine/doseResults.js';
import { electronicStoppingPower, getIon, getMaterial, ionReactionCm2PerG } from '../../src/physics/index.js';

const carbon = (energyMeVPerU: number, histories: number, seed = 1) => parseConfig({
  beam: { particle: 'carbon', energyMeVPerU, spotSigmaMm: 3 },
  phantom: { sizeMm: [60, 60, 250], voxelSizeMm: [2, 2, 1], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 40 }] },
  transport: { histories, seed, nuclear: true, kernel: 'simd' },
});

const imbalance = (t: RawTallies) => {
  const e = doseResults(t).energy;
  return (e.depositedMeVPerPrimary + e.escapedMeVPerPrimary + e.neutralMeVPerPrimary) / e.incidentMeVPerPrimary - 1;
};

/** 1 - exp(-integral of mu/rho dR) along the CSDA path of 12C in water: R = integral A dE / S(E), E per nucleon. */
function reactionProbabilityBeforeStopping(energyMeVPerU: number): number {
  const c = getIon('carbon');
  const water = getMaterial('water');
  const nuclide = { chargeNumber: 6, massNumber: 12 };
  const steps = 4000;
  const a = Math.log(1), b = Math.log(energyMeVPerU);
  let tau = 0;
  for (let i = 0; i < steps; i++) {
    const e = Math.exp(a + ((i + 0.5) * (b - a)) / steps);  // midpoint rule in ln E: dE = E d(ln E)
    tau += (ionReactionCm2PerG(nuclide, water, e) * c.massNumber * e * (b - a)) / steps / electronicStoppingPower(c, water, e);
  }
  return -Math.expm1(-tau);
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

  it('primaries react as often as exp(-integral Sigma dx) says, within 1 % absolute (290 MeV/u in water)', async () => {
    // Reference: the engine's own cross sections along the CSDA path (the issue: survival about 0.45 at
    // 290 MeV/u; a ~3 mm spot in a 100 x 100 mm phantom keeps every primary inside).
    const histories = 24000;
    const config = parseConfig({
      beam: { particle: 'carbon', energyMeVPerU: 290, spotSigmaMm: 3 },
      phantom: { sizeMm: [100, 100, 250], voxelSizeMm: [4, 4, 2] },
      transport: { histories, nuclear: true, kernel: 'simd' },
      scoring: { let: false },
    });
    const t = await runParallel(config, { threads: 2 });
    const sampled = Number(t.counters.primaryNonelasticEvents) / histories;
    const expected = reactionProbabilityBeforeStopping(290);
    expect(1 - expected).toBeGreaterThan(0.4);
    expect(1 - expected).toBeLessThan(0.55);
    console.log(`primary reactions: sampled ${sampled.toFixed(4)}, expected ${expected.toFixed(4)}`);
    expect(Math.abs(sampled - expected)).toBeLessThan(0.01);
  });
});
