import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';

describe('energy bookkeeping', () => {
  it.each([
    ['protons stopping in the phantom', { beam: { energyMeVPerU: 120 }, phantom: { sizeMm: [40, 40, 150] } }],
    ['protons leaving through the back and sides', { beam: { energyMeVPerU: 200, spotSigmaMm: 8 }, phantom: { sizeMm: [20, 20, 60] } }],
    ['protons through air and lung slabs', {
      beam: { energyMeVPerU: 150 },
      phantom: { sizeMm: [30, 30, 200], regions: [
        { shape: 'slab', material: 'air', zMinMm: 10, zMaxMm: 20 }, { shape: 'slab', material: 'lung', zMinMm: 40, zMaxMm: 70 }] },
    }],
    ['protons through a vacuum-like gap (1e-6 g/cm3) and a low-density slab (1e-4 g/cm3)', {
      beam: { energyMeVPerU: 150 },
      phantom: { sizeMm: [30, 30, 200], regions: [
        { shape: 'slab', material: 'air', densityGPerCm3: 1e-6, zMinMm: 10, zMaxMm: 50 },
        { shape: 'slab', material: 'lung', densityGPerCm3: 1e-4, zMinMm: 60, zMaxMm: 90 }] },
    }],
    ['carbon ions through a bone slab', {
      beam: { particle: 'carbon', energyMeVPerU: 200 },
      phantom: { sizeMm: [30, 30, 120], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 40 }] },
    }],
    ['protons with nuclear events, stopping in water', { beam: { energyMeVPerU: 230 }, phantom: { sizeMm: [60, 60, 340] }, nuclear: true }],
    ['protons with nuclear events, leaving through the back and sides of a bone slab', {
      beam: { energyMeVPerU: 200, spotSigmaMm: 8 },
      phantom: { sizeMm: [20, 20, 60], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 10, zMaxMm: 30 }] }, nuclear: true,
    }],
    ['protons with nuclear events through air, lung and a vacuum-like gap', {
      beam: { energyMeVPerU: 150 },
      phantom: { sizeMm: [30, 30, 200], regions: [
        { shape: 'slab', material: 'air', densityGPerCm3: 1e-6, zMinMm: 10, zMaxMm: 30 },
        { shape: 'slab', material: 'lung', zMinMm: 40, zMaxMm: 70 }] }, nuclear: true,
    }],
  ] as const)('deposited + absorbed below cut-off + escaped + neutral = incident within 1e-6: %s', async (_name, config) => {
    const { nuclear, ...rest } = { nuclear: false, ...config };
    const { energy, dose, diagnostics, summary } = await simulate({ ...rest, transport: { histories: 2000, seed: 5, nuclear } });
    expect(dose.every((d) => d >= 0)).toBe(true);
    expect(diagnostics.abortedHistories).toBe(0);
    expect(diagnostics.listOverflows).toBe(0);
    if (nuclear) expect(energy.neutralMeVPerPrimary).toBeGreaterThan(0);
    else expect(energy.neutralMeVPerPrimary).toBe(0);
    expect(summary.neutralEnergyMeVPerPrimary).toBe(energy.neutralMeVPerPrimary);
    const accounted = energy.depositedInStepsMeVPerPrimary + energy.absorbedBelowCutoffMeVPerPrimary + energy.escapedMeVPerPrimary
      + energy.neutralMeVPerPrimary;
    expect(Math.abs(accounted - energy.incidentMeVPerPrimary) / energy.incidentMeVPerPrimary).toBeLessThan(1e-6);
    // what is scored in the grid is exactly what was deposited and absorbed
    expect(Math.abs(energy.depositedMeVPerPrimary - energy.depositedInStepsMeVPerPrimary - energy.absorbedBelowCutoffMeVPerPrimary))
      .toBeLessThan(1e-9 * energy.incidentMeVPerPrimary);
  });
});
