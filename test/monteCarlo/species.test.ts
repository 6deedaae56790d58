// Particle species (issue 11, part 3: fragments will be transported with their own tables): the
// kernels pack one block of tables per (species, material) and each lane reads its own species'
// blocks and constants (assembly/laneState.ts loadMaterial; shaders/transport.wgsl tableBase).
// With only the beam's species transported, putting other species' blocks in front of it must
// change nothing, bit for bit: a lane reading species 0's blocks (the wrong charge, mass and
// stopping powers) would move every deposit.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo, type RawTallies } from '../../src/engine/monteCarlo.js';

const carbon = parseConfig({
  beam: { particle: 'carbon', energyMeVPerU: 200, spotSigmaMm: 2 },
  phantom: { sizeMm: [20, 20, 100], voxelSizeMm: [2, 2, 1], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 30 }] },
  transport: { histories: 300, seed: 5, nuclear: false, kernel: 'simd' },
});
const protons = parseConfig({
  beam: { energyMeVPerU: 150, spotSigmaMm: 3 },
  phantom: { sizeMm: [40, 40, 200], voxelSizeMm: [2, 2, 1], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 30 }] },
  transport: { histories: 400, seed: 9, nuclear: true, kernel: 'simd' },
});

const same = (a: RawTallies, b: RawTallies) => {
  expect(b.energySum).toEqual(a.energySum);
  expect(b.energySq).toEqual(a.energySq);
  expect(b.letSum).toEqual(a.letSum);
  expect(b.counters).toEqual(a.counters);
};

describe('species tables', () => {
  it('a carbon beam behind proton and helium blocks deposits the same bytes (SIMD and scalar drivers)', async () => {
    for (const referenceDriver of [false, true]) {
      const alone = await runMonteCarlo(carbon, { shared: false, referenceDriver });
      const behind = await runMonteCarlo(carbon, { shared: false, referenceDriver, tableSpecies: ['proton', 'helium', 'carbon'] });
      same(alone, behind);
      expect(alone.counters.depositedEnergy).toBeGreaterThan(0n);
    }
  });

  it('protons with nuclear events behind a carbon block: secondaries take the proton blocks too', async () => {
    const alone = await runMonteCarlo(protons, { shared: false });
    const behind = await runMonteCarlo(protons, { shared: false, tableSpecies: ['carbon', 'proton'] });
    same(alone, behind);
    expect(alone.counters.secondaries).toBeGreaterThan(10n);
  });

  it('refuses a species list without the beam', async () => {
    await expect(runMonteCarlo(carbon, { shared: false, tableSpecies: ['proton'] })).rejects.toThrow(/lacks the beam's carbon/);
  });
});
