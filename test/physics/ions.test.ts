import { describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import { getIon, ION_IDS, PROTON_MASS_MEV } from '../../src/physics/index.js';

describe('ions', () => {
  it('lists the four beam particles', () => {
    expect([...ION_IDS]).toEqual(['proton', 'helium', 'carbon', 'oxygen']);
    for (const id of ION_IDS) expect(getIon(id).id).toBe(id);
  });

  it('has charge and mass numbers of 1H, 4He, 12C, 16O', () => {
    expect([getIon('proton'), getIon('helium'), getIon('carbon'), getIon('oxygen')]
      .map((i) => [i.chargeNumber, i.massNumber])).toEqual([[1, 1], [2, 4], [6, 12], [8, 16]]);
  });

  it('uses nuclear rest masses (CODATA 2018 / AME2020)', () => {
    // CODATA 2018: m_p c^2 = 938.27208816 MeV, m_alpha c^2 = 3727.3794066 MeV.
    expect(getIon('proton').massMeV).toBe(PROTON_MASS_MEV);
    expect(getIon('proton').massMeV).toBeCloseTo(938.27208816, 8);
    expect(getIon('helium').massMeV).toBeCloseTo(3727.3794066, 4);
    // 12C nucleus: 12 u - 6 m_e + B_e = 11174.864 MeV; 16O nucleus: 14895.08 MeV.
    expect(getIon('carbon').massMeV).toBeCloseTo(11174.864, 2);
    expect(getIon('oxygen').massMeV).toBeCloseTo(14895.08, 1);
  });

  it('rejects an unknown particle with a one-line message', () => {
    expect(() => getIon('muon')).toThrow(BraggInputError);
    expect(() => getIon('muon')).toThrow(
      "unknown particle 'muon' (expected one of: proton, helium, carbon, oxygen)");
    expect(() => getIon('Proton')).toThrow(BraggInputError);
  });
});
