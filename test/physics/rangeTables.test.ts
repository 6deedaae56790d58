import { describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import type { MaterialId, RangeTable } from '../../src/physics/index.js';
import {
  buildRangeTable, csdaRange, DEFAULT_TABLE, electronicStoppingPower, getIon, getMaterial,
} from '../../src/physics/index.js';

const proton = getIon('proton');
const water = getMaterial('water');
const rel = (a: number, b: number): number => Math.abs(a / b - 1);

/** Deterministic PRNG (mulberry32) so the random-energy checks are reproducible. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CSDA ranges of protons', () => {
  // NIST PSTAR, liquid water (I = 75 eV), CSDA range in g/cm2
  // (https://physics.nist.gov/PhysRefData/Star/Text/PSTAR.html).
  const pstarWater: [number, number][] = [
    [10, 0.123], [50, 2.227], [70, 4.08], [100, 7.718], [150, 15.77], [200, 25.96], [250, 37.94], [300, 51.45],
  ];
  it.each(pstarWater)('water, %d MeV, within 0.5%% of PSTAR', (energy, reference) => {
    expect(rel(csdaRange(proton, water, energy), reference)).toBeLessThan(0.005);
  });

  // NIST PSTAR CSDA ranges (g/cm2) at 100, 150 and 200 MeV for the other PSTAR materials
  // (https://physics.nist.gov/PhysRefData/Star/Text/PSTAR.html; "Muscle, Skeletal (ICRP)",
  // "Graphite (density 1.7 g/cm3)").
  const pstarOther: [MaterialId, number, number, number][] = [
    ['air', 8.744, 17.86, 29.37],
    ['pmma', 7.927, 16.2, 26.67],
    ['a150', 7.652, 15.66, 25.78],
    ['adipose', 7.492, 15.33, 25.25],
    ['muscle', 7.802, 15.95, 26.24],
    ['compact-bone', 8.319, 16.98, 27.91],
    ['cortical-bone', 8.642, 17.62, 28.94],
    ['aluminium', 10.01, 20.32, 33.31],
    ['titanium', 11.11, 22.49, 36.78],
    ['polyethylene', 7.242, 14.83, 24.43],
    ['graphite', 8.627, 17.64, 29.03],
  ];
  it.each(pstarOther)('%s within 1.5%% of PSTAR at 100/150/200 MeV', (id, r100, r150, r200) => {
    const material = getMaterial(id);
    expect(rel(csdaRange(proton, material, 100), r100)).toBeLessThan(0.015);
    expect(rel(csdaRange(proton, material, 150), r150)).toBeLessThan(0.015);
    expect(rel(csdaRange(proton, material, 200), r200)).toBeLessThan(0.015);
  });

  it('lung: the mass range does not depend on density and is close to muscle', () => {
    // No PSTAR table exists for lung; its ICRP composition is close to skeletal muscle's.
    const lung = getMaterial('lung');
    const sameCompositionDense = getMaterial('lung', { densityGPerCm3: 1.05 });
    for (const energy of [100, 150, 200]) {
      const r = csdaRange(proton, lung, energy);
      expect(rel(r, csdaRange(proton, sameCompositionDense, energy))).toBeLessThan(1e-9);
      expect(rel(r, csdaRange(proton, getMaterial('muscle'), energy))).toBeLessThan(0.01);
    }
  });
});

describe('CSDA ranges of ions in water', () => {
  it('C-12 at 400 MeV/u: 26.9 to 27.7 g/cm2', () => {
    // ICRU 73 table integrated: 27.04 g/cm2; PSTAR velocity scaling (I = 75 eV): 27.5 g/cm2;
    // matRad generic carbon base data: Bragg peak 27.0 cm at 398.8 MeV/u.
    const r = csdaRange(getIon('carbon'), water, 400);
    expect(r).toBeGreaterThan(26.9);
    expect(r).toBeLessThan(27.7);
  });

  it('C-12 at 290 MeV/u: 16.0 to 16.4 g/cm2', () => {
    // ICRU 73 integrated 16.01 g/cm2, PSTAR-scaled 16.28 g/cm2.
    const r = csdaRange(getIon('carbon'), water, 290);
    expect(r).toBeGreaterThan(16.0);
    expect(r).toBeLessThan(16.4);
  });

  it('He-4 at 150 MeV/u within 1.5% of 15.83 g/cm2', () => {
    // ICRU 49 (ASTAR) electronic stopping of alpha particles in water, integrated: 15.831 g/cm2.
    expect(rel(csdaRange(getIon('helium'), water, 150), 15.831)).toBeLessThan(0.015);
  });
});

describe('range tables', () => {
  const cases: [string, MaterialId][] = [['proton', 'water'], ['carbon', 'water'], ['helium', 'cortical-bone'],
    ['oxygen', 'titanium'], ['proton', 'air']];
  const tables = new Map<string, RangeTable>();
  const tableFor = (ionId: string, materialId: MaterialId): RangeTable => {
    const key = `${ionId}/${materialId}`;
    let t = tables.get(key);
    if (t === undefined) {
      t = buildRangeTable(getIon(ionId), getMaterial(materialId));
      tables.set(key, t);
    }
    return t;
  };

  it('has the documented grid', () => {
    const t = tableFor('proton', 'water');
    expect(t.energyMinMeVPerU).toBe(DEFAULT_TABLE.energyMinMeVPerU);
    expect(t.energyMaxMeVPerU).toBe(DEFAULT_TABLE.energyMaxMeVPerU);
    expect(t.binsPerDecade).toBe(DEFAULT_TABLE.binsPerDecade);
    expect(t.length).toBe(1001);
    expect(t.logEnergyMin).toBeCloseTo(Math.log(0.01), 12);
    expect(t.logEnergyMin + (t.length - 1) * t.logEnergyStep).toBeCloseTo(Math.log(1000), 12);
    expect(t.logEnergyStep).toBeCloseTo(Math.LN10 / 200, 12);
    for (const a of [t.stoppingPowerMeVCm2PerG, t.csdaRangeGPerCm2, t.energyAtRangeMeVPerU]) expect(a).toHaveLength(1001);
    expect(t.logRangeMin).toBeCloseTo(Math.log(t.csdaRangeGPerCm2[0]!), 12);
    expect(t.logRangeMin + (t.length - 1) * t.logRangeStep).toBeCloseTo(Math.log(t.csdaRangeGPerCm2[1000]!), 12);
    expect(t.energyAtRangeMeVPerU[0]).toBe(0.01);
    expect(t.energyAtRangeMeVPerU[1000]).toBe(1000);
    expect(t.stoppingPowerMeVCm2PerG[500]).toBe(electronicStoppingPower(proton, water, Math.exp(t.logEnergyMin + 500 * t.logEnergyStep)));
  });

  it.each(cases)('%s in %s: arrays strictly increasing, S positive', (ionId, materialId) => {
    const t = tableFor(ionId, materialId);
    for (let i = 1; i < t.length; i++) {
      expect(t.csdaRangeGPerCm2[i]! > t.csdaRangeGPerCm2[i - 1]!).toBe(true);
      expect(t.energyAtRangeMeVPerU[i]! > t.energyAtRangeMeVPerU[i - 1]!).toBe(true);
      expect(t.stoppingPowerMeVCm2PerG[i]! > 0).toBe(true);
    }
  });

  it.each(cases)('%s in %s: R(E) interpolated linearly in ln E matches csdaRange within 1e-4', (ionId, materialId) => {
    const t = tableFor(ionId, materialId);
    const ion = getIon(ionId);
    const material = getMaterial(materialId);
    const rnd = random(7);
    for (let k = 0; k < 300; k++) {
      const p = rnd() * (t.length - 1);
      const i = Math.min(Math.floor(p), t.length - 2);
      const f = p - i;
      const interpolated = t.csdaRangeGPerCm2[i]! + f * (t.csdaRangeGPerCm2[i + 1]! - t.csdaRangeGPerCm2[i]!);
      const energy = Math.min(Math.exp(t.logEnergyMin + p * t.logEnergyStep), t.energyMaxMeVPerU);
      expect(rel(interpolated, csdaRange(ion, material, energy))).toBeLessThan(1e-4);
    }
  });

  it.each(cases)('%s in %s: E(R) inverts the range function within 1e-4', (ionId, materialId) => {
    const t = tableFor(ionId, materialId);
    const ion = getIon(ionId);
    const material = getMaterial(materialId);
    for (let j = 0; j < t.length; j += 7) {
      const range = Math.exp(t.logRangeMin + j * t.logRangeStep);
      expect(rel(csdaRange(ion, material, t.energyAtRangeMeVPerU[j]!), range)).toBeLessThan(1e-4);
    }
    const rnd = random(11);
    for (let k = 0; k < 200; k++) {
      const q = rnd() * (t.length - 1);
      const j = Math.min(Math.floor(q), t.length - 2);
      const g = q - j;
      const energy = t.energyAtRangeMeVPerU[j]! + g * (t.energyAtRangeMeVPerU[j + 1]! - t.energyAtRangeMeVPerU[j]!);
      const range = Math.exp(t.logRangeMin + q * t.logRangeStep);
      expect(rel(csdaRange(ion, material, energy), range)).toBeLessThan(1e-4);
    }
  });

  it('accepts other grids and rejects invalid ones', () => {
    const t = buildRangeTable(proton, water, { energyMinMeVPerU: 0.001, energyMaxMeVPerU: 300, binsPerDecade: 50 });
    expect(t.length).toBe(Math.round(Math.log10(300 / 0.001) * 50) + 1);
    expect(t.energyAtRangeMeVPerU[t.length - 1]).toBe(300);
    expect(rel(t.csdaRangeGPerCm2[t.length - 1]!, csdaRange(proton, water, 300))).toBeLessThan(1e-6);
    expect(() => buildRangeTable(proton, water, { energyMinMeVPerU: 0.0001 })).toThrow(BraggInputError);
    expect(() => buildRangeTable(proton, water, { energyMaxMeVPerU: 5000 })).toThrow(BraggInputError);
    expect(() => buildRangeTable(proton, water, { energyMinMeVPerU: 10, energyMaxMeVPerU: 1 })).toThrow(BraggInputError);
    expect(() => buildRangeTable(proton, water, { binsPerDecade: 0 })).toThrow(BraggInputError);
  });

  it('rejects energies outside the tables', () => {
    expect(() => csdaRange(proton, water, 1500)).toThrow(BraggInputError);
    expect(() => csdaRange(proton, water, 1500)).toThrow(
      'energy 1500 MeV/u is outside the valid interval [0.01, 1000] MeV/u');
    expect(() => csdaRange(proton, water, 0.005)).toThrow(/energy 0\.005 MeV\/u .*\[0\.01, 1000\]/);
    expect(() => csdaRange(proton, water, Number.NaN)).toThrow(BraggInputError);
    expect(csdaRange(proton, water, 1000)).toBeGreaterThan(300);
  });
});
