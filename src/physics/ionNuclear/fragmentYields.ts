/**
 * Partial production cross sections and per-reaction multiplicities of projectile fragments,
 * estimated from reactions sampled with the abrasion-ablation generator of fragmentEvents.ts
 * (whose header states the model, its sources and its limits).
 */
import { checkFragmentationInputs, sampleFragmentationEvent, seededRandom } from './fragmentEvents.js';

/** The projectile-fragment isotopes named in issue 11 (p, d, t, He-3/4, Li-6/7, Be-7/9, B-10/11, C-10/11, N, O). */
export const FRAGMENT_ISOTOPES: readonly (readonly [number, number])[] = Object.freeze([
  [1, 1], [1, 2], [1, 3], [2, 3], [2, 4], [3, 6], [3, 7], [4, 7], [4, 9], [5, 10], [5, 11], [6, 10], [6, 11],
  [6, 12], [6, 13], [7, 13], [7, 14], [7, 15], [8, 14], [8, 15],
].map((x) => Object.freeze(x as [number, number])));

export interface FragmentationCrossSections {
  readonly energyMeVPerU: number;
  readonly targetChargeNumber: number;
  readonly targetMassNumber: number;
  readonly events: number;
  /** Total reaction cross section (at least one nucleon-nucleon collision), mb. */
  readonly reactionCrossSectionMb: number;
  /** Charge-changing: no projectile-side product with Z >= Z_projectile, mb. */
  readonly chargeChangingCrossSectionMb: number;
  /** Mean number per reaction of projectile-side products with charge Z (index Z = 0..Zp; 0: neutrons). */
  readonly multiplicityByCharge: readonly number[];
  /** Mean number per reaction of knocked-out target protons. */
  readonly targetProtonMultiplicity: number;
  /** Inclusive production cross section (mb) and multiplicity per reaction of each projectile-side isotope seen. */
  readonly isotopes: readonly { readonly chargeNumber: number; readonly massNumber: number; readonly crossSectionMb: number; readonly multiplicity: number }[];
}

export interface CrossSectionOptions {
  /** Number of reactions sampled (default 20000; statistical error of a cross section ~ sigma / sqrt(n)). */
  readonly events?: number;
  readonly seed?: number;
}

/**
 * Partial production cross sections and per-reaction multiplicities of the projectile fragments,
 * estimated from `events` sampled reactions (seeded, reproducible).
 */
export function fragmentationCrossSections(
  projectileChargeNumber: number, projectileMassNumber: number, energyMeVPerU: number, targetChargeNumber: number,
  options: CrossSectionOptions = {},
): FragmentationCrossSections {
  const targ = checkFragmentationInputs(projectileChargeNumber, projectileMassNumber, energyMeVPerU, targetChargeNumber);
  const n = options.events ?? 20000;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`options.events must be a positive integer (got ${n})`);
  const random = seededRandom(options.seed ?? 1);
  let trials = 0;
  let area = 0;
  let cc = 0;
  let targetProtons = 0;
  const byZ = new Array<number>(projectileChargeNumber + 1).fill(0);
  const iso = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const ev = sampleFragmentationEvent(projectileChargeNumber, projectileMassNumber, energyMeVPerU, targetChargeNumber, random);
    trials += ev.trials;
    area = ev.samplingAreaMb;
    let survivor = false;
    for (const p of ev.products) {
      if (p.origin === 'target') { if (p.chargeNumber === 1) targetProtons++; continue; }
      byZ[p.chargeNumber]! += 1;
      if (p.chargeNumber >= projectileChargeNumber) survivor = true;
      const key = `${p.chargeNumber},${p.massNumber}`;
      iso.set(key, (iso.get(key) ?? 0) + 1);
    }
    if (!survivor) cc++;
  }
  const sigmaR = area * n / trials;
  return {
    energyMeVPerU,
    targetChargeNumber: targ.z,
    targetMassNumber: targ.a,
    events: n,
    reactionCrossSectionMb: sigmaR,
    chargeChangingCrossSectionMb: sigmaR * cc / n,
    multiplicityByCharge: byZ.map((c) => c / n),
    targetProtonMultiplicity: targetProtons / n,
    isotopes: [...iso.entries()].map(([k, c]) => {
      const [z, a] = k.split(',').map(Number) as [number, number];
      return { chargeNumber: z, massNumber: a, crossSectionMb: sigmaR * c / n, multiplicity: c / n };
    }).sort((x, y) => y.chargeNumber - x.chargeNumber || y.massNumber - x.massNumber),
  };
}

/**
 * fragmentationCrossSections on a grid: result[i][j] for energiesMeVPerU[i] and
 * targetChargeNumbers[j] (e.g. 100..450 MeV/u and the elements of the materials in use), each
 * with its own seed (options.seed + i * targets + j) so that entries are independent.
 */
export function fragmentYieldTable(
  projectileChargeNumber: number, projectileMassNumber: number, energiesMeVPerU: readonly number[],
  targetChargeNumbers: readonly number[], options: CrossSectionOptions = {},
): FragmentationCrossSections[][] {
  if (energiesMeVPerU.length === 0) throw new RangeError('energiesMeVPerU must hold at least one energy (10..1000 MeV/u)');
  if (targetChargeNumbers.length === 0) throw new RangeError('targetChargeNumbers must hold at least one element');
  const seed = options.seed ?? 1;
  return energiesMeVPerU.map((e, i) => targetChargeNumbers.map((zt, j) => fragmentationCrossSections(
    projectileChargeNumber, projectileMassNumber, e, zt,
    { ...options, seed: seed + i * targetChargeNumbers.length + j },
  )));
}

/** Isotope production cross section (mb) from a result; 0 if never produced. */
export function isotopeCrossSectionMb(result: FragmentationCrossSections, z: number, a: number): number {
  return result.isotopes.find((x) => x.chargeNumber === z && x.massNumber === a)?.crossSectionMb ?? 0;
}

