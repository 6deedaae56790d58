import { describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import {
  betheTerms, blochTerm, effectiveCharge, electronicStoppingPower, getIon, getMaterial, ION_IDS,
  LOW_ENERGY_JOIN_MEV_PER_U, MATERIAL_IDS, SHELL_FORMULA_MIN_ETA, stoppingPower,
  VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U,
} from '../../src/physics/index.js';

const proton = getIon('proton');
const water = getMaterial('water');
const rel = (a: number, b: number): number => Math.abs(a / b - 1);

describe('electronic stopping power of protons in water', () => {
  // NIST PSTAR, liquid water (I = 75 eV), STOP(e) in MeV cm2/g
  // (https://physics.nist.gov/PhysRefData/Star/Text/PSTAR.html).
  const pstar: [number, number][] = [
    [1, 260.6], [2, 158.5], [3, 117.1], [5, 79.06], [10, 45.64], [20, 26.05], [50, 12.44],
    [100, 7.286], [150, 5.443], [200, 4.491], [300, 3.519], [500, 2.743],
  ];
  it.each(pstar)('%d MeV within 1%% of PSTAR', (energy, reference) => {
    expect(rel(stoppingPower(proton, water, energy), reference)).toBeLessThan(0.01);
  });

  it('follows the ICRU 90 I-value: higher I, lower stopping power', () => {
    const icru90 = getMaterial('water', { meanExcitationEnergyEV: 78 });
    const ratio = stoppingPower(proton, icru90, 100) / stoppingPower(proton, water, 100);
    expect(ratio).toBeLessThan(0.997);
    expect(ratio).toBeGreaterThan(0.99);
  });
});

describe('electronic stopping power of helium ions in water', () => {
  // ICRU Report 49 (ASTAR) alpha stopping in liquid water, per nucleon energy, MeV cm2/g,
  // as tabulated in libamtrack src/AT_StoppingPowerDataICRU.c.
  const icru49: [number, number][] = [[10, 181.6], [50, 49.52], [100, 29.01], [200, 17.89]];
  it.each(icru49)('%d MeV/u within 1%% of ICRU 49', (energy, reference) => {
    expect(rel(stoppingPower(getIon('helium'), water, energy), reference)).toBeLessThan(0.01);
  });
});

describe('model structure', () => {
  const joins = [
    VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U, LOW_ENERGY_JOIN_MEV_PER_U.lower, LOW_ENERGY_JOIN_MEV_PER_U.upper,
  ];
  it('is continuous across the joins (relative jump < 1e-3)', () => {
    for (const id of ION_IDS) {
      const ion = getIon(id);
      const eta = SHELL_FORMULA_MIN_ETA;
      const shellLimit = ((Math.sqrt(1 + eta * eta) - 1) * ion.massMeV) / ion.massNumber;
      for (const material of [water, getMaterial('titanium'), getMaterial('air')]) {
        for (const e of [...joins, shellLimit]) {
          const below = electronicStoppingPower(ion, material, e * (1 - 1e-7));
          const above = electronicStoppingPower(ion, material, e * (1 + 1e-7));
          expect(rel(above, below), `${id} ${material.id} ${e}`).toBeLessThan(1e-3);
        }
      }
    }
  });

  it('is positive, finite and has no jumps for every ion and material', () => {
    for (const id of ION_IDS) {
      for (const mid of MATERIAL_IDS) {
        const ion = getIon(id);
        const material = getMaterial(mid);
        let previous = electronicStoppingPower(ion, material, 1e-3);
        for (let k = 1; k <= 3000; k++) {
          const s = electronicStoppingPower(ion, material, 1e-3 * 10 ** (6 * k / 3000));
          expect(Number.isFinite(s) && s > 0).toBe(true);
          expect(rel(s, previous), `${id} ${mid} step ${k}`).toBeLessThan(0.02);
          previous = s;
        }
      }
    }
  });

  it('includes shell, Barkas and Bloch terms of the expected sign and size at 10 MeV', () => {
    const t = betheTerms(proton, water, 10);
    expect(t.shellCorrection).toBeGreaterThan(0.02);
    expect(t.shellCorrection).toBeLessThan(0.08);
    expect(t.barkas).toBeGreaterThan(0);
    expect(t.barkas).toBeLessThan(0.05);
    expect(t.bloch).toBeLessThan(0);
    expect(t.densityEffectHalf).toBe(0);
    expect(t.stoppingPowerMeVCm2PerG).toBeCloseTo(electronicStoppingPower(proton, water, 10), 10);
  });

  it('has a density effect at high energy in dense matter', () => {
    expect(betheTerms(proton, getMaterial('titanium'), 1000).densityEffectHalf).toBeGreaterThan(0);
  });

  it('computes the Bloch term exactly', () => {
    // -y^2 sum 1/(n(n^2+y^2)) = -y^2 (zeta(3) - y^2 zeta(5) + ...) for small y;
    // psi(1) - Re psi(1+i) = -0.67186 at y = 1.
    const y = 0.01;
    expect(blochTerm(y) / (-y * y * (1.2020569 - y * y * 1.0369278))).toBeCloseTo(1, 7);
    expect(blochTerm(1)).toBeCloseTo(-0.67186, 4);
    expect(blochTerm(0)).toBe(0);
  });

  it('uses an effective charge that tends to z at high velocity', () => {
    expect(effectiveCharge(6, 0.7)).toBeCloseTo(6, 6);
    // Pierce-Blann: 6 (1 - exp(-125 * 0.02 / 6^(2/3))) = 3.186
    expect(effectiveCharge(6, 0.02)).toBeCloseTo(3.186, 3);
    expect(effectiveCharge(1, 0.5)).toBeCloseTo(1, 12);
  });

  it('scales roughly with z^2 at equal velocity for bare ions', () => {
    const p = stoppingPower(proton, water, 300);
    const c = stoppingPower(getIon('carbon'), water, 300);
    expect(c / p / 36).toBeGreaterThan(0.98);
    expect(c / p / 36).toBeLessThan(1.02);
  });

  it('rejects invalid energies', () => {
    expect(() => electronicStoppingPower(proton, water, -1)).toThrow(BraggInputError);
    expect(() => electronicStoppingPower(proton, water, Number.NaN)).toThrow(BraggInputError);
    expect(electronicStoppingPower(proton, water, 0)).toBe(0);
    expect(() => stoppingPower(proton, water, 0.001)).toThrow(BraggInputError);
    expect(() => stoppingPower(proton, water, 2000)).toThrow(
      'energy 2000 MeV/u is outside the valid interval [0.01, 1000] MeV/u');
  });
});
