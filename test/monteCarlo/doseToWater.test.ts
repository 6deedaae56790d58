// Dose to water (src/scoring/doseToWater.ts): D_w = D_m times the fluence-averaged stopping-power ratio per voxel
// (Paganetti, PMB 54 (2009) 4399; here rho LETt_water / LETt_medium): 1 in water, and in bone the water-to-bone mass stopping-power
// ratio of the engine's own tables at the protons' energies there.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { parseConfig } from '../../src/config/schema.js';
import { getIon, getMaterial, stoppingPower } from '../../src/physics/index.js';

describe('dose to water', () => {
  it('equals the dose in water voxels and is the stopping-power ratio times the dose in bone', async () => {
    const r = await simulate({
      beam: { energyMeVPerU: 120, spotSigmaMm: 5 },
      phantom: { sizeMm: [40, 40, 80], voxelSizeMm: [4, 4, 2], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 30 }] },
      transport: { histories: 3000, seed: 2 }, scoring: { doseToWater: true },
    }, { threads: 1 });
    const water = r.doseToWater!;
    const [, ny, nx] = r.summary.gridShape;
    const slice = (iz: number, d: Float64Array) => { let s = 0; for (let v = iz * nx * ny; v < (iz + 1) * nx * ny; v++) s += d[v]!; return s; };
    // water at 5 mm depth: the same dose (the two LET sums are the same sums)
    expect(Math.abs(slice(2, water) / slice(2, r.dose) - 1)).toBeLessThan(1e-9);
    // bone at 25 mm (about 105 MeV there): S_water / S_bone (mass) of the same tables, which vary by < 0.5 % over 80-120 MeV
    const proton = getIon('proton');
    const ratio = stoppingPower(proton, getMaterial('water'), 105) / stoppingPower(proton, getMaterial('compact-bone'), 105);
    expect(ratio).toBeGreaterThan(1.05);
    expect(Math.abs(slice(12, water) / slice(12, r.dose) / ratio - 1)).toBeLessThan(0.01);
  });

  it('needs LET scoring and the Monte Carlo', () => {
    expect(() => parseConfig({ scoring: { doseToWater: true, let: false } })).toThrow(/scoring\.doseToWater: needs scoring\.let/);
    expect(() => parseConfig({ solver: 'deterministic', scoring: { doseToWater: true } })).toThrow(/scoring\.doseToWater: the deterministic solver scores no LET/);
  });
});
