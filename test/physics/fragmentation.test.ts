import { describe, expect, it } from 'vitest';
import { getIon } from '../../src/physics/ions.js';
import { elementCrossSectionBarn } from '../../src/physics/nuclear/elementCrossSections.js';
import {
  fragmentationEnergyBalance, fragmentSpread, GOLDHABER_SIGMA0_MEV_PER_C, goldhaberSigmaMeVPerC,
  LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U, massExcessMeV, nuclearMassMeV, qValueMeV, TABULATED_NUCLIDES,
} from '../../src/physics/ionNuclear/fragmentKinematics.js';
import type { FragmentationEvent } from '../../src/physics/ionNuclear/fragmentEvents.js';
import { isParticleBound, nucleonNucleonCrossSectionsMb, sampleFragmentationEvent, seededRandom } from '../../src/physics/ionNuclear/fragmentEvents.js';
import { fragmentSpecies } from '../../src/physics/ionNuclear/fragmentSpecies.js';
import {
  FRAGMENT_ISOTOPES, fragmentationCrossSections, fragmentYieldTable, isotopeCrossSectionMb,
} from '../../src/physics/ionNuclear/fragmentYields.js';

const rel = (a: number, b: number): number => Math.abs(a / b - 1);

describe('mass table (AME2020, Wang et al., Chinese Phys. C 45 (2021) 030003)', () => {
  it('gives the same bare-nucleus masses as ions.ts for 4He, 12C and 16O', () => {
    expect(nuclearMassMeV(2, 4)).toBeCloseTo(getIon('helium').massMeV, 5);
    expect(nuclearMassMeV(6, 12)).toBeCloseTo(getIon('carbon').massMeV, 5);
    expect(nuclearMassMeV(8, 16)).toBeCloseTo(getIon('oxygen').massMeV, 5);
  });

  // Q-values and separation energies, MeV, from the AME2020 evaluation (Wang et al. 2021, the
  // "separation energies and Q-values" part): S_n(12C) 18.7216, S_p(12C) 15.9568,
  // S_n(16O) 15.6637, S_p(16O) 12.1274; 12C -> 3 alpha -7.2747; 16O -> 4 alpha -14.4374;
  // 8Be -> 2 alpha +0.0918. Tolerance 5 keV (electron binding differences are < 1 keV here).
  const cases: [string, [number, number][], [number, number][], number][] = [
    ['S_n(12C)', [[6, 12]], [[6, 11], [0, 1]], -18.7216],
    ['S_p(12C)', [[6, 12]], [[5, 11], [1, 1]], -15.9568],
    ['S_n(16O)', [[8, 16]], [[8, 15], [0, 1]], -15.6637],
    ['S_p(16O)', [[8, 16]], [[7, 15], [1, 1]], -12.1274],
    ['12C -> 3 alpha', [[6, 12]], [[2, 4], [2, 4], [2, 4]], -7.2747],
    ['16O -> 4 alpha', [[8, 16]], [[2, 4], [2, 4], [2, 4], [2, 4]], -14.4374],
    ['8Be -> 2 alpha', [[4, 8]], [[2, 4], [2, 4]], 0.0918],
  ];
  it.each(cases)('%s', (_name, initial, final, q) => {
    expect(Math.abs(qValueMeV(initial, final) - q)).toBeLessThan(0.005);
  });

  it('covers every fragment of issue 11 and refuses what is not tabulated', () => {
    for (const [z, a] of FRAGMENT_ISOTOPES) expect(TABULATED_NUCLIDES.some(([zz, aa]) => zz === z && aa === a)).toBe(true);
    expect(() => massExcessMeV(9, 19)).toThrow(RangeError);
    expect(() => qValueMeV([[6, 12]], [[6, 11]])).toThrow(/same total/);
  });
});

describe('Goldhaber momentum spread (Phys. Lett. B 53 (1974) 306; sigma0 = 86 MeV/c, Greiner et al. PRL 35 (1975) 152)', () => {
  it('follows sigma0^2 Af (Ap - Af) / (Ap - 1)', () => {
    expect(GOLDHABER_SIGMA0_MEV_PER_C).toBe(86);
    expect(goldhaberSigmaMeVPerC(12, 11)).toBeCloseTo(86, 10); // 11 * 1 / 11 = 1
    expect(goldhaberSigmaMeVPerC(12, 4)).toBeCloseTo(86 * Math.sqrt(32 / 11), 10);
    expect(goldhaberSigmaMeVPerC(16, 12)).toBeCloseTo(86 * Math.sqrt(48 / 15), 10);
    expect(goldhaberSigmaMeVPerC(12, 12)).toBe(0);
    expect(() => goldhaberSigmaMeVPerC(12, 13)).toThrow(/fragmentMassNumber/);
    expect(() => goldhaberSigmaMeVPerC(40, 1)).toThrow(/projectileMassNumber/);
  });

  it('converts to energy-per-nucleon and angle spreads (11B from 12C at 400 MeV/u, by hand)', () => {
    // p_u = sqrt(400 (400 + 2 x 931.494)) = 951.42 MeV/c, beta = p_u / (400 + 931.494) = 0.71455.
    const s = fragmentSpread(12, 11, 400);
    expect(s.sigmaEnergyMeVPerU).toBeCloseTo(0.71455 * 86 / 11, 3);
    expect(s.sigmaAngleRad).toBeCloseTo(86 / (11 * 951.42), 6);
    expect(() => fragmentSpread(12, 11, 5)).toThrow(/energyMeVPerU/);
  });

  // ~270 surviving 11C: the statistical error of an rms is 1 / sqrt(2 n) ~ 4.3 %, so +-15 % is 3.5 sigma.
  it('is the transverse momentum spread of 11C spectators in sampled 12C + H events (+-15 %)', () => {
    const random = seededRandom(7);
    let sum2 = 0;
    let n = 0;
    for (let i = 0; i < 2000; i++) {
      for (const p of sampleFragmentationEvent(6, 12, 400, 1, random).products) {
        if (p.chargeNumber !== 6 || p.massNumber !== 11) continue;
        const pm = Math.sqrt(p.kineticEnergyMeV * (p.kineticEnergyMeV + 2 * nuclearMassMeV(6, 11)));
        sum2 += (pm * p.direction[0]) ** 2;
        n++;
      }
    }
    expect(n).toBeGreaterThan(150);
    expect(rel(Math.sqrt(sum2 / n), 86)).toBeLessThan(0.15);
  });
});

/** Per-event conservation checks shared by the projectile/target pairs below. */
function checkEvent(ev: FragmentationEvent, zp: number, ap: number, energyMeVPerU: number, zt: number, at: number): void {
  const z = ev.products.reduce((s, p) => s + p.chargeNumber, 0) + ev.targetRemnant.chargeNumber;
  const a = ev.products.reduce((s, p) => s + p.massNumber, 0) + ev.targetRemnant.massNumber;
  expect(z).toBe(zp + zt);
  expect(a).toBe(ap + at);
  const balance = fragmentationEnergyBalance({
    projectile: { chargeNumber: zp, massNumber: ap, kineticEnergyMeV: energyMeVPerU * ap },
    target: { chargeNumber: zt, massNumber: at },
    products: ev.products,
    targetRemnantExcitationMeV: ev.targetRemnant.excitationMeV,
  });
  // The gammas the sampler emitted are exactly what the bookkeeping leaves for them.
  expect(Math.abs(balance.gammaMeV - ev.gammaMeV)).toBeLessThan(1e-5 * ap * energyMeVPerU / 100 + 1e-6);
  expect(balance.gammaMeV).toBeGreaterThan(-1e-6);
  const sumT = ev.products.reduce((s, p) => s + p.kineticEnergyMeV, 0);
  expect(Math.abs(energyMeVPerU * ap + balance.qValueMeV - sumT - ev.targetRemnant.excitationMeV - ev.gammaMeV))
    .toBeLessThan(1e-6 * energyMeVPerU * ap);
}

describe('sampled events conserve charge, baryon number and energy exactly', () => {
  const pairs: [number, number, number, number, number][] = [
    [6, 12, 400, 8, 16], [6, 12, 100, 1, 1], [8, 16, 250, 6, 12], [2, 4, 200, 20, 40], [3, 7, 150, 8, 16],
  ];
  it.each(pairs)('Z %i A %i at %i MeV/u on Z %i', (zp, ap, e, zt, at) => {
    const random = seededRandom(zp * 1000 + zt);
    for (let i = 0; i < 200; i++) checkEvent(sampleFragmentationEvent(zp, ap, e, zt, random), zp, ap, e, zt, at);
  });

  it('puts slow charged products and the target excitation in the local deposit', () => {
    const b = fragmentationEnergyBalance({
      projectile: { chargeNumber: 6, massNumber: 12, kineticEnergyMeV: 4800 },
      target: { chargeNumber: 1, massNumber: 1 },
      products: [
        { chargeNumber: 6, massNumber: 11, kineticEnergyMeV: 4400 },
        { chargeNumber: 0, massNumber: 1, kineticEnergyMeV: 200 },
        { chargeNumber: 1, massNumber: 1, kineticEnergyMeV: LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U / 2 },
      ],
      targetRemnantExcitationMeV: 0,
    });
    expect(b.qValueMeV).toBeCloseTo(-18.7216, 2); // 12C + p -> 11C + n + p: -S_n(12C)
    expect(b.localDepositMeV).toBe(5);
    expect(b.transportedChargedMeV).toBe(4400);
    expect(b.gammaMeV).toBeCloseTo(4800 - 18.7216 - 4400 - 200 - 5, 2);
    expect(() => fragmentationEnergyBalance({
      projectile: { chargeNumber: 6, massNumber: 12, kineticEnergyMeV: 100 },
      target: { chargeNumber: 1, massNumber: 1 },
      products: [{ chargeNumber: 6, massNumber: 12, kineticEnergyMeV: 200 }],
      targetRemnantExcitationMeV: 0,
    })).toThrow(/not energy conserving/);
  });

  it('refuses bad inputs with RangeErrors naming the argument', () => {
    const r = seededRandom(1);
    expect(() => sampleFragmentationEvent(9, 19, 200, 8, r)).toThrow(/projectileChargeNumber/);
    expect(() => sampleFragmentationEvent(6, 17, 200, 8, r)).toThrow(/projectileMassNumber/);
    expect(() => sampleFragmentationEvent(6, 12, 5000, 8, r)).toThrow(/energyMeVPerU/);
    expect(() => sampleFragmentationEvent(6, 12, 200, 99, r)).toThrow(RangeError);
    expect(() => fragmentationCrossSections(6, 12, 200, 8, { events: 0 })).toThrow(/options.events/);
  });
});

describe('cross sections against measurements', () => {
  it('uses the Charagi-Gupta NN cross sections (PRC 41 (1990) 1610; free np 33-35 mb, pp 24-28 mb near 400 MeV)', () => {
    const s = nucleonNucleonCrossSectionsMb(400);
    expect(s.np).toBeGreaterThan(31);
    expect(s.np).toBeLessThan(38);
    expect(s.pp).toBeGreaterThan(22);
    expect(s.pp).toBeLessThan(30);
  });

  // Inverse kinematics: 12C (16O) on H at E MeV/u is p + 12C (16O) at E MeV. Reference: the
  // ICRU 63 proton nonelastic cross sections this project already ships (src/physics/nuclear):
  // C 0.2095 b and O 0.295 b at 250 MeV. Tolerance 12 %.
  it('reaction cross section of 12C and 16O on hydrogen vs ICRU 63 p + C, p + O at 250 MeV (+-12 %)', () => {
    const c = fragmentationCrossSections(6, 12, 250, 1, { events: 2000, seed: 3 });
    const o = fragmentationCrossSections(8, 16, 250, 1, { events: 2000, seed: 4 });
    expect(rel(c.reactionCrossSectionMb, 1000 * elementCrossSectionBarn(6, 'nonelastic', 250))).toBeLessThan(0.12);
    expect(rel(o.reactionCrossSectionMb, 1000 * elementCrossSectionBarn(8, 'nonelastic', 250))).toBeLessThan(0.12);
  });

  it('12C + C at 400 MeV/u: charge-changing cross section vs Zeitlin et al. (+-12 %), multiplicities sum to Z and A', () => {
    // Reference ~760 mb: C. Zeitlin et al., Phys. Rev. C 76 (2007) 014911 (12C on C, 290 and
    // 400 MeV/u, charge-changing cross sections ~750-770 mb). Quoted from the paper's table as
    // remembered; the search corpora of this session held only abstracts, so the tolerance is wide.
    const r = fragmentationCrossSections(6, 12, 400, 6, { events: 3000, seed: 5 });
    expect(rel(r.chargeChangingCrossSectionMb, 760)).toBeLessThan(0.12);
    // Every projectile nucleon ends in a projectile-side product: sum Z m_Z = 6 exactly.
    expect(r.multiplicityByCharge.reduce((s, m, z) => s + z * m, 0)).toBeCloseTo(6, 10);
    expect(r.isotopes.reduce((s, x) => s + x.massNumber * x.multiplicity, 0)).toBeCloseTo(12, 10);
    // Fragments of Z = 2 outnumber each of Z = 3, 4, 5 (Zeitlin 2007; Haettner et al., Phys. Med.
    // Biol. 58 (2013) 8265, for 400 MeV/u 12C in water).
    for (const z of [3, 4, 5]) expect(r.multiplicityByCharge[2]!).toBeGreaterThan(4 * r.multiplicityByCharge[z]!);
    // Partial charge-changing cross sections of Zeitlin et al. (2007) for 12C on C at 290-400
    // MeV/u, about B 100, Be 55, Li 65 mb (same caveat as above: from memory of the table); the
    // model holds them within a factor 1.6 (it gives ~80, ~45, ~90 mb).
    const byZ = (z: number): number => r.multiplicityByCharge[z]! * r.reactionCrossSectionMb;
    for (const [z, ref] of [[5, 100], [4, 55], [3, 65]] as const) {
      expect(byZ(z) / ref).toBeGreaterThan(1 / 1.6);
      expect(byZ(z) / ref).toBeLessThan(1.6);
    }
  });

  it('fragmentYieldTable spans energies and targets', () => {
    const t = fragmentYieldTable(6, 12, [200, 400], [1, 8], { events: 100, seed: 2 });
    expect(t.map((row) => row.map((x) => [x.energyMeVPerU, x.targetChargeNumber]))).toEqual([[[200, 1], [200, 8]], [[400, 1], [400, 8]]]);
    expect(() => fragmentYieldTable(6, 12, [], [1])).toThrow(/energiesMeVPerU/);
  });

  it('4He + O at 200 MeV/u makes p, d, t and 3He, and its fragments carry Z = 2 and A = 4', () => {
    const r = fragmentationCrossSections(2, 4, 200, 8, { events: 1500, seed: 8 });
    for (const [z, a] of [[1, 1], [1, 2], [1, 3], [2, 3]] as const) expect(isotopeCrossSectionMb(r, z, a)).toBeGreaterThan(1);
    expect(r.multiplicityByCharge.reduce((s, m, z) => s + z * m, 0)).toBeCloseTo(2, 10);
    expect(r.isotopes.reduce((s, x) => s + x.massNumber * x.multiplicity, 0)).toBeCloseTo(4, 10);
  });

  it('12C + H at 400 MeV/u: 11C production vs 12C(p,pn)11C (26-28 mb at 2-7.6 GeV; in 22-40 mb)', () => {
    // Measured 12C(p,pn)11C: 26.0 +- 0.9 and 26.6 +- 1.0 mb at 2 and 3 GeV ("C12(p,pn)C11 cross
    // section at 2 and 3 Bev", Phys. Rev. 1958), 28.2 +- 0.6 mb at 7.6 GeV ("C12(p,pn)C11 cross
    // section at 7.6 GeV"); the excitation function rises slowly towards lower energy, so 400 MeV
    // should lie at or a little above these.
    const r = fragmentationCrossSections(6, 12, 400, 1, { events: 3000, seed: 6 });
    const s11 = isotopeCrossSectionMb(r, 6, 11);
    expect(s11).toBeGreaterThan(22);
    expect(s11).toBeLessThan(40);
  });
});

describe('light fragments have the wider angular distributions', () => {
  it('rms polar angle: H > He > Li-B at 400 MeV/u 12C on O', () => {
    // Measured pattern: H fragments spread to ~10 degrees and beyond, He a few degrees, heavier
    // fragments about a degree (K. Gunzert-Marx et al., New J. Phys. 10 (2008) 075003, 200 MeV/u;
    // Haettner et al. 2013, 400 MeV/u; J. Dudouet et al., Phys. Rev. C 88 (2013) 024606, 95 MeV/u).
    const random = seededRandom(11);
    const sum = [0, 0, 0];
    const cnt = [0, 0, 0];
    for (let i = 0; i < 1000; i++) {
      for (const p of sampleFragmentationEvent(6, 12, 400, 8, random).products) {
        if (p.origin !== 'projectile' || p.chargeNumber === 0 || p.chargeNumber === 6) continue;
        const k = p.chargeNumber === 1 ? 0 : p.chargeNumber === 2 ? 1 : 2;
        sum[k]! += Math.acos(Math.min(1, p.direction[2])) ** 2;
        cnt[k]!++;
      }
    }
    const rms = sum.map((s, k) => Math.sqrt(s / cnt[k]!) * 180 / Math.PI);
    expect(rms[0]!).toBeGreaterThan(2 * rms[1]!);
    expect(rms[1]!).toBeGreaterThan(1.3 * rms[2]!);
    expect(rms[2]!).toBeGreaterThan(0.3);
    expect(rms[2]!).toBeLessThan(3);
  });
});

describe('every fast charged product is a transported species; target remnants evaporate', () => {
  it('12C and 16O beams and their fragments on H and O: no product >= 10 MeV/u outside fragmentSpecies', () => {
    // Before fragmentSpecies held every particle-bound nuclide, 6He, 8He, 10Be, 14C ... (about
    // 2 % of a reaction's energy for 12C at 290 MeV/u) were deposited where the reaction happened.
    const random = seededRandom(21);
    for (const beam of ['carbon', 'oxygen'] as const) {
      const species = fragmentSpecies(getIon(beam));
      const known = new Set(species.map((s) => `${s.chargeNumber},${s.massNumber}`));
      for (const projectile of species.filter((s) => s.massNumber >= 2)) {
        for (const target of [1, 8]) {
          for (let i = 0; i < 40; i++) {
            for (const p of sampleFragmentationEvent(projectile.chargeNumber, projectile.massNumber, 290, target, random).products) {
              if (p.chargeNumber === 0 || p.kineticEnergyMeV / p.massNumber < LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U) continue;
              if (!known.has(`${p.chargeNumber},${p.massNumber}`)) throw new Error(`${beam}: ${projectile.id} on Z=${target} made untransported (${p.chargeNumber}, ${p.massNumber})`);
            }
          }
        }
      }
    }
    expect(isParticleBound(4, 8)).toBe(false); // 8Be -> 2 alpha
    expect(isParticleBound(2, 5)).toBe(false);
    expect(isParticleBound(2, 8)).toBe(true);
    expect(isParticleBound(5, 8)).toBe(true); // bound by 0.14 MeV against p + 7Be
  });

  it('an O target remnant evaporates (its residue a product, no excitation left); a Ca remnant keeps its excitation', () => {
    const random = seededRandom(22);
    let local = 0, evaporated = 0;
    for (let i = 0; i < 300; i++) {
      const ev = sampleFragmentationEvent(6, 12, 290, 8, random);
      if (ev.targetRemnant.massNumber === 0) { evaporated++; expect(ev.targetRemnant.excitationMeV).toBe(0); }
      local += ev.products.filter((p) => p.chargeNumber > 0 && p.kineticEnergyMeV / p.massNumber < LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U)
        .reduce((s, p) => s + p.kineticEnergyMeV, 0);
      checkEvent(ev, 6, 12, 290, 8, 16);
    }
    // All but the remnants outside the mass table (particle-unbound ones such as 6Be, 11N, 7He
    // after central collisions: 7 % of reactions, measured), which keep their excitation.
    expect(evaporated).toBeGreaterThan(0.88 * 300);
    // Measured: ~17 MeV per reaction deposited locally (slow target fragments); it was ~40 MeV of
    // hole excitation before the remnant evaporated (its neutrons, gammas and binding now leave).
    expect(local / 300).toBeLessThan(30);
    const ca = sampleFragmentationEvent(6, 12, 290, 20, random);
    expect(ca.targetRemnant.chargeNumber).toBeGreaterThan(8);
    expect(ca.targetRemnant.excitationMeV).toBeGreaterThan(0);
  });
});

