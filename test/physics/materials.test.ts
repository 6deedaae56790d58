import { describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import { elementRadiationLengthGPerCm2, getMaterial, MATERIAL_IDS } from '../../src/physics/index.js';

describe('materials', () => {
  it('provides every listed material', () => {
    expect(MATERIAL_IDS).toHaveLength(13 + 24); // NIST's, then the Schneider tissues (test/physics/schneiderTissues.test.ts)
    for (const id of MATERIAL_IDS) {
      const m = getMaterial(id);
      expect(m.id).toBe(id);
      expect(m.name.length).toBeGreaterThan(0);
      expect(m.densityGPerCm3).toBeGreaterThan(0);
      expect(m.meanExcitationEnergyEV).toBeGreaterThan(0);
    }
  });

  it('has mass fractions summing to 1 within 1e-3', () => {
    for (const id of MATERIAL_IDS) {
      const sum = getMaterial(id).elements.reduce((s, e) => s + e.massFraction, 0);
      expect(Math.abs(sum - 1), id).toBeLessThan(1e-3);
    }
  });

  it('uses the NIST/PSTAR densities and I-values', () => {
    // NIST material composition data (ESTAR/PSTAR): density g/cm3, I eV.
    const expected: Record<string, [number, number]> = {
      water: [1.0, 75.0], air: [1.20479e-3, 85.7], pmma: [1.19, 74.0], a150: [1.127, 65.1],
      adipose: [0.92, 63.2], muscle: [1.04, 75.3], 'compact-bone': [1.85, 91.9], 'cortical-bone': [1.85, 106.4],
      lung: [0.26, 75.3], aluminium: [2.699, 166.0], titanium: [4.54, 233.0], polyethylene: [0.94, 57.4],
      graphite: [1.7, 78.0],
    };
    for (const id of MATERIAL_IDS.filter((m) => !m.startsWith('schneider-'))) {
      const m = getMaterial(id);
      expect([m.densityGPerCm3, m.meanExcitationEnergyEV], id).toEqual(expected[id]);
    }
  });

  it('computes <Z/A> from standard atomic weights', () => {
    // NIST ESTAR/PSTAR: <Z/A> of liquid water 0.55508, of aluminium 0.48181 mol/g.
    expect(getMaterial('water').zOverAMolPerG).toBeCloseTo(0.55508, 4);
    expect(getMaterial('aluminium').zOverAMolPerG).toBeCloseTo(0.48181, 4);
  });

  it('combines element radiation lengths into the PDG values', () => {
    // PDG Atomic and Nuclear Properties (pdg.lbl.gov/AtomicNuclearProperties): X0 in g/cm2.
    const water = getMaterial('water').radiationLengthGPerCm2;
    expect(Math.abs(water / 36.08 - 1)).toBeLessThan(0.005);
    expect(Math.abs(getMaterial('air').radiationLengthGPerCm2 / 36.62 - 1)).toBeLessThan(0.005);
    expect(Math.abs(getMaterial('aluminium').radiationLengthGPerCm2 / 24.01 - 1)).toBeLessThan(0.005);
    const pdg: [number, number][] = [[1, 63.04], [6, 42.7], [7, 37.99], [8, 34.24], [13, 24.01], [20, 16.14], [22, 16.16]];
    for (const [z, x0] of pdg) expect(Math.abs(elementRadiationLengthGPerCm2(z) / x0 - 1), `Z=${z}`).toBeLessThan(0.005);
  });

  it('accepts density and I overrides (ICRU 90 water, lung density)', () => {
    const icru90 = getMaterial('water', { meanExcitationEnergyEV: 78 });
    expect(icru90.meanExcitationEnergyEV).toBe(78);
    expect(icru90.densityGPerCm3).toBe(1);
    expect(icru90.id).toBe('water');
    const denseLung = getMaterial('lung', { densityGPerCm3: 1.05 });
    expect(denseLung.densityGPerCm3).toBe(1.05);
    expect(denseLung.elements).toEqual(getMaterial('lung').elements);
    expect(getMaterial('water')).toBe(getMaterial('water', {}));
  });

  it('rejects unknown ids and non-positive overrides', () => {
    expect(() => getMaterial('bone')).toThrow(BraggInputError);
    expect(() => getMaterial('bone')).toThrow(/unknown material 'bone' \(expected one of: water, air, pmma, .*graphite, schneider-air, .*schneider-marrow-bone-15\)/);
    expect(() => getMaterial('water', { densityGPerCm3: 0 })).toThrow(BraggInputError);
    expect(() => getMaterial('water', { densityGPerCm3: -1 })).toThrow(/densityGPerCm3/);
    expect(() => getMaterial('water', { meanExcitationEnergyEV: -75 })).toThrow(/meanExcitationEnergyEV/);
    expect(() => getMaterial('water', { meanExcitationEnergyEV: Number.NaN })).toThrow(BraggInputError);
  });
});
