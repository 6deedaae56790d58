import { describe, expect, it } from 'vitest';
import type { Nuclide } from '../../src/physics/index.js';
import {
  buildRangeTable, centreOfMassKineticEnergyMeV, elementCrossSectionBarn, getIon, getMaterial,
  ION_NUCLEAR_PROJECTILES, ION_NUCLEAR_TARGET_ELEMENTS, ionKernelGridCrossSections, ionMacroscopicCrossSections,
  ionNuclearProjectile, ionReactionCm2PerG, ionReactionMeanFreePathCm, koxCrossSectionMb, koxSurfaceTransparency,
  MATERIAL_IDS, rangeTableEnergiesMeVPerU, ionReactionCrossSectionMb, ionReactionDataSource, reactionCrossSectionBarn, sihverCrossSectionMb, targetNuclide,
  tripathiCrossSectionMb,
} from '../../src/physics/index.js';

const rel = (a: number, b: number): number => Math.abs(a / b - 1);
const nuc = (chargeNumber: number, massNumber: number): Nuclide => ({ chargeNumber, massNumber });
const C12 = ionNuclearProjectile('12C');
const O16 = ionNuclearProjectile('16O');
const H = targetNuclide(1);
const water = getMaterial('water');

describe('Tripathi universal parameterisation', () => {
  // Issue 11: 12C + 16O from the published formula (NIM B 117 (1996) 347 / NASA TP-3621). Ours:
  // 1.0828, 0.9904, 0.9947 b (+0.5 %, +0.3 %, +0.2 %). Tolerance 1 %, as the issue allows; the
  // residue is the Coulomb term's radii (r = r_rms instead of 1.29 r_rms gives 1.079, 0.989, 0.994).
  it.each([[100, 1.077], [200, 0.987], [400, 0.993]])('12C + 16O at %d MeV/u is %f b within 1 %', (e, barn) => {
    expect(rel(reactionCrossSectionBarn(C12, O16, e), barn)).toBeLessThan(0.01);
  });

  it('is symmetric in projectile and target at equal energy per nucleon where the formula is', () => {
    // N = Z pairs (the neutron-excess term vanishes) and light pairs (every rule is symmetric).
    const pairs: [Nuclide, Nuclide][] = [[C12, O16], [nuc(2, 4), O16], [nuc(3, 6), C12], [nuc(7, 14), nuc(14, 28)],
      [nuc(1, 1), C12], [nuc(1, 2), O16], [nuc(2, 3), nuc(4, 9)]];
    for (const [a, b] of pairs) {
      for (const e of [10, 50, 100, 200, 400, 1000]) {
        expect(rel(tripathiCrossSectionMb(a, b, e), tripathiCrossSectionMb(b, a, e))).toBeLessThan(1e-12);
      }
    }
    expect(rel(centreOfMassKineticEnergyMeV(12, 16, 200), centreOfMassKineticEnergyMeV(16, 12, 200))).toBeLessThan(1e-12);
  });

  it('grows with target mass for 12C at 100-400 MeV/u (every target element)', () => {
    const byMass = [...ION_NUCLEAR_TARGET_ELEMENTS].map(targetNuclide).sort((a, b) => a.massNumber - b.massNumber);
    for (const e of [100, 200, 400]) {
      const sigma = byMass.map((t) => tripathiCrossSectionMb(C12, t, e));
      for (let i = 1; i < sigma.length; i++) {
        if (byMass[i]!.massNumber > byMass[i - 1]!.massNumber) expect(sigma[i]!).toBeGreaterThan(sigma[i - 1]!);
      }
    }
  });

  it('does not fall as the energy rises from its threshold to 5 MeV/u (no low-energy upturn)', () => {
    for (const p of ION_NUCLEAR_PROJECTILES) {
      for (const z of ION_NUCLEAR_TARGET_ELEMENTS) {
        let previous = 0;
        for (let e = 0.2; e <= 5; e *= 1.05) {
          const s = tripathiCrossSectionMb(p, targetNuclide(z), e);
          expect(s).toBeGreaterThanOrEqual(previous);
          previous = s;
        }
      }
    }
  });

  it('is zero below the Coulomb barrier and for p + p', () => {
    expect(tripathiCrossSectionMb(C12, targetNuclide(82), 1)).toBe(0);
    expect(tripathiCrossSectionMb(nuc(1, 1), H, 200)).toBe(0);
  });

  // Interaction cross sections on carbon at 790 MeV/u, Tanihata et al., Phys. Lett. B 160 (1985)
  // 380 and Phys. Rev. Lett. 55 (1985) 2676 (mb, errors 5-10 mb); for these nuclei the reaction
  // and interaction cross sections agree within a few %. Ours: 683, 732, 732, 819 (within 2 %);
  // 4He 532 mb against 503 (+6 %, the light-system alpha rule).
  it.each([[3, 6, 688, 0.03], [3, 7, 736, 0.03], [4, 7, 738, 0.03], [4, 9, 806, 0.03], [2, 4, 503, 0.08]])(
    'Z=%d A=%d on C at 790 MeV/u: %d mb measured', (z, a, mb, tol) => {
      expect(rel(tripathiCrossSectionMb(nuc(z, a), targetNuclide(6), 790), mb)).toBeLessThan(tol);
    });

  it('covers every projectile on every target element from 1 to 1000 MeV/u (finite, >= 0)', () => {
    for (const p of ION_NUCLEAR_PROJECTILES) {
      for (const z of ION_NUCLEAR_TARGET_ELEMENTS) {
        for (const e of [1, 10, 100, 1000]) {
          const s = tripathiCrossSectionMb(p, targetNuclide(z), e);
          expect(Number.isFinite(s) && s >= 0).toBe(true);
        }
      }
    }
  });
});

describe('hydrogen targets (proton on the ion, Tripathi light-system rule)', () => {
  it('ion on H equals p on the ion at the same energy per nucleon', () => {
    for (const p of [C12, O16, nuc(2, 4), nuc(5, 11)]) {
      expect(tripathiCrossSectionMb(p, H, 200)).toBe(tripathiCrossSectionMb(nuc(1, 1), p, 200));
    }
  });

  // Against the proton folder's ICRU 63 nonelastic p + C and p + O (the same reaction seen from the
  // proton): 12C on H is 15-19 % above ICRU 63 p + C (0.270 / 0.227 b at 100, 0.242 / 0.210 at
  // 200 MeV/u), 16O on H within 9 % of p + O. The check holds them within 20 %.
  it.each([100, 150, 200, 250])('12C and 16O on H within 20 %% of ICRU 63 p + C, p + O at %d MeV/u', (e) => {
    expect(rel(reactionCrossSectionBarn(C12, H, e), elementCrossSectionBarn(6, 'nonelastic', e))).toBeLessThan(0.2);
    expect(rel(reactionCrossSectionBarn(O16, H, e), elementCrossSectionBarn(8, 'nonelastic', e))).toBeLessThan(0.1);
  });
});

describe('Kox and Sihver cross-checks', () => {
  const energies = [100, 150, 200, 250, 300, 400];
  const heavyTargets = [targetNuclide(6), targetNuclide(8)];

  // Kox is a nucleus-nucleus fit (not for hydrogen, kox.ts). On C and O: within 2.5 % of Tripathi
  // (0.985-1.025); the bound is 10 %.
  it('Kox within 10 % of Tripathi for C and O on C and O, 100-400 MeV/u', () => {
    for (const p of [C12, O16]) {
      for (const t of heavyTargets) {
        for (const e of energies) expect(rel(koxCrossSectionMb(p, t, e), tripathiCrossSectionMb(p, t, e))).toBeLessThan(0.1);
      }
    }
    expect(koxSurfaceTransparency(100)).toBeCloseTo(1.6875, 4);
  });

  // Sihver is energy-independent and meant for >= 100 MeV/u; Tripathi still falls between 100 and
  // 200 MeV/u. On C and O: within 10 % from 150 to 400 MeV/u (0.95-1.01); at 100 MeV/u 9-11 % low
  // (16O + 16O: -10.7 %), which the test states rather than hides.
  it('Sihver within 10 % of Tripathi for C and O on C and O, 150-400 MeV/u; 8-12 % low at 100', () => {
    for (const p of [C12, O16]) {
      for (const t of heavyTargets) {
        for (const e of energies.slice(1)) {
          expect(rel(sihverCrossSectionMb(p, t, e), tripathiCrossSectionMb(p, t, e))).toBeLessThan(0.1);
        }
        const r = sihverCrossSectionMb(p, t, 100) / tripathiCrossSectionMb(p, t, 100);
        expect(r).toBeGreaterThan(0.88);
        expect(r).toBeLessThan(0.92);
      }
    }
  });

  // On hydrogen: Sihver's proton-nucleus form (0.221 b for 12C, 0.273 b for 16O) against the
  // Tripathi light-system proton rule: within 10 % from 200 to 400 MeV/u (0.915-0.942); at 100 and
  // 150 MeV/u 16-18 % and 10-12 % low, as Tripathi's p + nucleus rises towards low energy.
  it('Sihver within 10 % of Tripathi on H from 200 to 400 MeV/u, within 20 % at 100-150', () => {
    for (const p of [C12, O16]) {
      for (const e of energies) {
        const d = rel(sihverCrossSectionMb(p, H, e), tripathiCrossSectionMb(p, H, e));
        expect(d).toBeLessThan(e >= 200 ? 0.1 : 0.2);
      }
    }
  });

  it('Kox refuses hydrogen; Sihver uses the proton-nucleus form there', () => {
    expect(() => koxCrossSectionMb(C12, H, 200)).toThrow(RangeError);
    expect(sihverCrossSectionMb(C12, H, 200)).toBe(sihverCrossSectionMb(nuc(1, 1), C12, 200));
    expect(rel(sihverCrossSectionMb(C12, H, 200), 221)).toBeLessThan(0.01);
  });
});

describe('macroscopic cross sections', () => {
  it('are the sum over the elements of w_i N_A sigma_i / A_i', () => {
    for (const id of MATERIAL_IDS) {
      const m = ionMacroscopicCrossSections(C12, getMaterial(id), [50, 200, 400]);
      for (let j = 0; j < 3; j++) {
        const sum = m.elements.reduce((s, el) => s + el.reactionCm2PerG[j]!, 0);
        expect(rel(m.reactionCm2PerG[j]!, sum)).toBeLessThan(1e-12);
        expect(rel(ionReactionCm2PerG(C12, getMaterial(id), m.energiesMeVPerU[j]!), sum)).toBeLessThan(1e-12);
      }
    }
    // Water by hand: 2 H + 1 O per 18.0153 g (IUPAC atomic weights of elements.ts).
    const m = ionMacroscopicCrossSections(C12, water, [400]);
    const byHand = (0.111894 / 1.00794 * ionReactionCrossSectionMb(C12, H, 400)
      + 0.888106 / 15.9994 * tripathiCrossSectionMb(C12, targetNuclide(8), 400)) * 6.02214076e23 * 1e-27;
    expect(rel(m.reactionCm2PerG[0]!, byHand)).toBeLessThan(1e-12);
  });

  // Issue 11: "mean free path ~ 21 cm" for 12C in water. Ours: 19.5 cm at 100, 21.2 cm at 200
  // and 400 MeV/u, with hydrogen (a third of the reactions) from ICRU 63 p + C in inverse
  // kinematics (reactionCrossSection.ts; with Tripathi's proton rule, 15 % higher, it was 20.3 cm).
  it('12C in water: mean free path 21.2 cm at 400 MeV/u (within 3 % of the issue\'s 21 cm)', () => {
    for (const e of [200, 400]) expect(rel(ionReactionMeanFreePathCm(C12, water, e), 21)).toBeLessThan(0.03);
    expect(ionReactionMeanFreePathCm(C12, water, 100)).toBeLessThan(ionReactionMeanFreePathCm(C12, water, 200));
  });

  it('C, N, O on hydrogen take ICRU 63 p + C, N, O at the same MeV/u; lighter ions Tripathi', () => {
    for (const e of [100, 200, 400]) {
      expect(ionReactionCrossSectionMb(C12, H, e)).toBe(elementCrossSectionBarn(6, 'nonelastic', e) * 1000);
      expect(ionReactionCrossSectionMb(O16, H, e)).toBe(elementCrossSectionBarn(8, 'nonelastic', e) * 1000);
      expect(ionReactionDataSource(ionNuclearProjectile('11B'), H)).toBe('tripathi');
      expect(ionReactionCrossSectionMb(ionNuclearProjectile('4He'), H, e)).toBe(tripathiCrossSectionMb(ionNuclearProjectile('4He'), H, e));
      expect(ionReactionCrossSectionMb(C12, O16, e)).toBe(tripathiCrossSectionMb(C12, O16, e));
    }
    expect(() => ionReactionCrossSectionMb(C12, H, -1)).toThrow(/energyMeVPerU/);
  });

  it('on the kernel grids of a carbon range table', () => {
    const table = buildRangeTable(getIon('carbon'), water, { binsPerDecade: 50 });
    const grids = ionKernelGridCrossSections(table);
    expect(grids.energyGrid.energiesMeVPerU).toEqual(rangeTableEnergiesMeVPerU(table));
    expect(grids.rangeGrid.energiesMeVPerU).toEqual(Float64Array.from(table.energyAtRangeMeVPerU));
    const i = grids.energyGrid.energiesMeVPerU.findIndex((e) => e >= 400);
    const e = grids.energyGrid.energiesMeVPerU[i]!;
    expect(grids.energyGrid.reactionCm2PerG[i]).toBeCloseTo(ionReactionCm2PerG(C12, water, e), 12);
    expect(grids.energyGrid.reactionCm2PerG[0]).toBe(0); // 0.01 MeV/u: below the barrier
  });
});

describe('input checks', () => {
  it.each([
    [nuc(0, 1), 'projectile'], [nuc(6, 5), 'projectile'], [nuc(6, 19), 'projectile'], [nuc(1, 4), 'projectile'],
    [nuc(6.5, 12), 'projectile'], [nuc(93, 240), 'projectile'],
  ])('bad projectile %o throws a RangeError naming it', (p, name) => {
    expect(() => tripathiCrossSectionMb(p, O16, 100)).toThrow(new RegExp(`^${name}: `));
    expect(() => tripathiCrossSectionMb(p, O16, 100)).toThrow(RangeError);
    expect(() => ionMacroscopicCrossSections(p, water, [100])).toThrow(RangeError);
  });

  it('bad target and energies throw RangeErrors naming the argument', () => {
    expect(() => tripathiCrossSectionMb(C12, nuc(8, 40), 100)).toThrow(/^target: mass number A=40/);
    for (const e of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => tripathiCrossSectionMb(C12, O16, e)).toThrow(/^energyMeVPerU=.* must be a finite energy > 0 MeV\/u$/);
      expect(() => koxCrossSectionMb(C12, O16, e)).toThrow(RangeError);
      expect(() => sihverCrossSectionMb(C12, O16, e)).toThrow(RangeError);
    }
    expect(() => ionMacroscopicCrossSections(C12, water, [100, 0])).toThrow(/^energiesMeVPerU\[1\]=0/);
    expect(() => targetNuclide(5)).toThrow(/target element Z=5/);
    expect(() => ionNuclearProjectile('12X')).toThrow(RangeError);
  });
});
