import { describe, expect, it } from 'vitest';
import {
  buildFragmentLibrary, fragmentationCrossSections, fragmentSpecies, getIon, isotopeCrossSectionMb, nuclideIon,
} from '../../src/physics/index.js';

const carbon = getIon('carbon');

describe('fragment species', () => {
  it('a carbon beam: the beam, the proton, then fragments by decreasing Z and A, none beyond the beam', () => {
    const s = fragmentSpecies(carbon);
    expect(s[0]).toBe(carbon);
    expect(s[1]).toBe(getIon('proton'));
    const ids = s.map((i) => i.id);
    for (const id of ['C-11', 'C-10', 'B-11', 'B-10', 'Be-9', 'Be-7', 'Li-7', 'Li-6', 'helium', 'He-3', 'H-3', 'H-2']) expect(ids).toContain(id);
    expect(ids).not.toContain('C-13');
    expect(s.every((i) => i.chargeNumber <= 6 && i.massNumber <= 12)).toBe(true);
    expect(fragmentSpecies(getIon('proton'))).toEqual([getIon('proton')]);
  });
  it('beam nuclides are the beam ions; others carry AME2020 masses', () => {
    expect(nuclideIon(2, 4)).toBe(getIon('helium'));
    // 7Li: 7 u + 14.907 MeV - 3 m_e (+ electron binding): 6533.83 MeV
    expect(nuclideIon(3, 7).massMeV).toBeCloseTo(6533.83, 1);
  });
});

describe('fragment event library', () => {
  // 12C and 4He reacting on oxygen at 400 and 450 MeV/u; He-3 and the rest untracked (local).
  const species = [carbon, getIon('proton'), getIon('helium')];
  const options = { energyMinMeVPerU: 400, energyMaxMeVPerU: 450, eventsPerBin: 1500, seed: 3 };
  const library = buildFragmentLibrary(species, [8], options);

  it('every event shares T among its products, the neutral share and the local share, products and local 1e-6 below T', () => {
    const { eventProducts, neutralShare, localShare, productSpecies, productEnergyRatio, energiesMeVPerU, eventsPerBin } = library;
    expect(library.reactingSpecies).toEqual([0, 2]);
    const events = neutralShare.length;
    expect(events).toBe(2 * 1 * energiesMeVPerU.length * eventsPerBin);
    for (let e = 0; e < events; e++) {
      const r = library.reactingSpecies[Math.floor(e / (energiesMeVPerU.length * eventsPerBin))]!;
      let products = 0;
      for (let p = eventProducts[2 * e]!; p < eventProducts[2 * e]! + eventProducts[2 * e + 1]!; p++) {
        products += (productEnergyRatio[p]! * species[productSpecies[p]!]!.massNumber) / species[r]!.massNumber;
      }
      expect(neutralShare[e]).toBeGreaterThanOrEqual(0);
      expect(localShare[e]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(products + neutralShare[e]! + localShare[e]! - 1)).toBeLessThan(1e-5);
      // the kernels' f32 product energies then never exceed T (assembly/ionReaction.ts)
      expect(products + localShare[e]!).toBeLessThanOrEqual(1 - 1e-6 + 1e-7);
    }
  });

  it('carries the generator\'s 4He multiplicity per 12C reaction on O at 400 MeV/u (within 4 sigma)', () => {
    const n = library.eventsPerBin;
    let alphas = 0;
    for (let e = 0; e < n; e++) {  // row (12C, O, 400 MeV/u)
      for (let p = library.eventProducts[2 * e]!; p < library.eventProducts[2 * e]! + library.eventProducts[2 * e + 1]!; p++) {
        if (library.productSpecies[p] === 2) alphas++;
      }
    }
    const reference = fragmentationCrossSections(6, 12, 400, 8, { events: 3000, seed: 11 });
    const expected = isotopeCrossSectionMb(reference, 2, 4) / reference.reactionCrossSectionMb;
    const sigma = Math.sqrt(expected / n + expected / 3000);
    expect(Math.abs(alphas / n - expected)).toBeLessThan(4 * sigma);
    expect(expected).toBeGreaterThan(0.3);
  });

  it('is the same for the same seed, and checks its options', () => {
    const small = { energyMinMeVPerU: 200, energyMaxMeVPerU: 250, eventsPerBin: 20, seed: 5 };
    const a = buildFragmentLibrary(species, [1, 8], small);
    const b = buildFragmentLibrary(species, [1, 8], small);
    expect(b.productEnergyRatio).toEqual(a.productEnergyRatio);
    expect(b.neutralShare).toEqual(a.neutralShare);
    expect(() => buildFragmentLibrary(species, [8], { eventsPerBin: 0 })).toThrow(/eventsPerBin/);
    expect(() => buildFragmentLibrary(species, [8], { energyMinMeVPerU: 5 })).toThrow(/energyMinMeVPerU/);
    expect(() => buildFragmentLibrary(species, [])).toThrow(/targets/);
  });
});
