/**
 * Reaction event libraries for the kernels (issue 11, part 3): for every reacting species (the
 * beam and its fragments with A >= 2; protons keep their own model, src/physics/nuclear), every
 * target element of the run's materials and every energy bin, `eventsPerBin` reactions sampled
 * with the abrasion-ablation generator (fragmentEvents.ts), each reduced to what a kernel needs:
 *
 *  - the transported products: species (index into `species`), kinetic energy per nucleon as a
 *    ratio to the projectile's at the bin energy, and direction relative to the projectile's
 *    (cos theta, azimuth); charged products below LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U and products
 *    of a species outside `species` are local deposits instead;
 *  - the neutral share of the projectile's kinetic energy T: neutrons, gammas and the binding
 *    energy the reaction uses up (-Q), as the proton model counts it (assembly/nuclear.ts);
 *  - the local share: target-remnant excitation and slow or untracked charged products.
 * The three shares add up to 1, the products' ratios rounded down and, where needed, scaled so
 * that the products' and the local shares stay 1e-6 below 1 (the kernels' f32 rounding of a
 * product's energy is ~1e-7 of it; the neutral share takes the rest, never below 0).
 *
 * A kernel picks the bin by the projectile's energy E (between bins b and b+1 at random with the
 * linear weight in ln E, so that distributions are interpolated without bias; below the first bin,
 * 50 MeV/u by default, the first: the generator is meant for 100-450 MeV/u and finds no events for
 * 12C at 10 MeV/u, and a 12C ion of 50 MeV/u has 7 mm of water left, where about 3 % react), an
 * event uniformly,
 * scales every product's energy per nucleon by E / E_b (so the shares of T are the event's), turns
 * the directions into the projectile's frame, and scores neutral = floor(share T) and
 * local = T - products - neutral in fixed-point units: exact energy bookkeeping per reaction.
 * A library is a finite sample, so the dose carries its sampling error on top of the run's: with
 * 64 events per bin the per-reaction multiplicities are within ~3 % of the generator's (tested).
 */
import type { Ion } from '../ions.js';
import { getElement } from '../elements.js';
import { fragmentationEnergyBalance, LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U } from './fragmentKinematics.js';
import { sampleFragmentationEvent, seededRandom } from './fragmentEvents.js';

export interface FragmentLibraryOptions {
  /** Energy grid of the bins, MeV/u, log-spaced with both ends included. */
  readonly energyMinMeVPerU?: number;
  readonly energyMaxMeVPerU?: number;
  readonly binsPerDecade?: number;
  readonly eventsPerBin?: number;
  readonly seed?: number;
}

export interface FragmentLibrary {
  /** Product species (index into this list); the reacting ones are those with A >= 2. */
  readonly species: readonly Ion[];
  /** Species index of each reacting slot r (library rows are by reacting slot). */
  readonly reactingSpecies: readonly number[];
  /** Target elements (atomic numbers), in slot order. */
  readonly targets: readonly number[];
  /** Bin energies, MeV/u. */
  readonly energiesMeVPerU: Float64Array;
  readonly eventsPerBin: number;
  /** Per event (row (r, k, b) holds events [((r K + k) B + b) n, ... + n)): first product, product count. */
  readonly eventProducts: Int32Array;
  /** Per event: neutral share and local share of T (the three shares add to 1 with the products'). */
  readonly neutralShare: Float32Array;
  readonly localShare: Float32Array;
  /** Per product: species index, energy-per-nucleon ratio, cos theta, azimuth (rad). */
  readonly productSpecies: Int32Array;
  readonly productEnergyRatio: Float32Array;
  readonly productCosTheta: Float32Array;
  readonly productAzimuth: Float32Array;
}

/** The products' and the local shares of an event stay this far below 1 (file comment; kernel rounding is ~1e-7). */
const SHARE_MARGIN = 1e-6;

/** The largest f32 not above x (x >= 0). */
export function f32AtMost(x: number): number {
  const r = Math.fround(x);
  if (r <= x) return r;
  const bits = new Uint32Array(new Float32Array([r]).buffer);
  bits[0] = bits[0]! - 1;
  return new Float32Array(bits.buffer)[0]!;
}

const DEFAULTS = { energyMinMeVPerU: 50, energyMaxMeVPerU: 500, binsPerDecade: 8, eventsPerBin: 64, seed: 1 } as const;

function checkOptions(o: Required<FragmentLibraryOptions>): void {
  if (!(o.energyMinMeVPerU >= 10 && o.energyMaxMeVPerU <= 1000 && o.energyMinMeVPerU < o.energyMaxMeVPerU)) {
    throw new RangeError(`energyMinMeVPerU and energyMaxMeVPerU must satisfy 10 <= min < max <= 1000 MeV/u (got ${o.energyMinMeVPerU}, ${o.energyMaxMeVPerU})`);
  }
  if (!Number.isInteger(o.binsPerDecade) || o.binsPerDecade < 1 || o.binsPerDecade > 100) {
    throw new RangeError(`binsPerDecade must be an integer 1..100 (got ${o.binsPerDecade})`);
  }
  if (!Number.isInteger(o.eventsPerBin) || o.eventsPerBin < 1 || o.eventsPerBin > 100000) {
    throw new RangeError(`eventsPerBin must be an integer 1..100000 (got ${o.eventsPerBin})`);
  }
}

/** Log-spaced bin energies from min to max, both included, about binsPerDecade per decade. */
export function libraryEnergiesMeVPerU(minMeVPerU: number, maxMeVPerU: number, binsPerDecade: number): Float64Array {
  const intervals = Math.max(1, Math.ceil(Math.log10(maxMeVPerU / minMeVPerU) * binsPerDecade));
  const step = Math.log(maxMeVPerU / minMeVPerU) / intervals;
  return Float64Array.from({ length: intervals + 1 }, (_, i) => (i === intervals ? maxMeVPerU : minMeVPerU * Math.exp(i * step)));
}

/** The target nucleus the generator takes for an element (fragmentEvents.ts: its most abundant mass number, round(atomic weight)). */
function targetMassNumber(atomicNumber: number): number {
  return atomicNumber === 1 ? 1 : Math.round(getElement(atomicNumber).atomicWeight);
}

/** Builds the library (file comment) for `species` on `targets` (atomic numbers). */
export function buildFragmentLibrary(species: readonly Ion[], targets: readonly number[], options: FragmentLibraryOptions = {}): FragmentLibrary {
  const o = { ...DEFAULTS, ...options };
  checkOptions(o);
  if (targets.length === 0) throw new RangeError('targets must hold at least one element');
  const energies = libraryEnergiesMeVPerU(o.energyMinMeVPerU, o.energyMaxMeVPerU, o.binsPerDecade);
  const speciesIndex = new Map(species.map((s, i) => [`${s.chargeNumber},${s.massNumber}`, i]));
  const reacting = species.map((s, i) => (s.massNumber >= 2 ? i : -1)).filter((i) => i >= 0);
  const events = reacting.length * targets.length * energies.length * o.eventsPerBin;
  const eventProducts = new Int32Array(2 * events);
  const neutralShare = new Float32Array(events);
  const localShare = new Float32Array(events);
  const products: number[][] = [[], [], [], []];
  const random = seededRandom(o.seed);
  let e = 0;
  for (const r of reacting) {
    const projectile = species[r]!;
    for (const target of targets) {
      for (const energy of energies) {
        const t = energy * projectile.massNumber;
        for (let k = 0; k < o.eventsPerBin; k++, e++) {
          const event = sampleFragmentationEvent(projectile.chargeNumber, projectile.massNumber, energy, target, random);
          const balance = fragmentationEnergyBalance({
            projectile: { chargeNumber: projectile.chargeNumber, massNumber: projectile.massNumber, kineticEnergyMeV: t },
            target: { chargeNumber: target, massNumber: targetMassNumber(target) },
            products: event.products,
            targetRemnantExcitationMeV: event.targetRemnant.excitationMeV,
          });
          let untracked = 0;
          const first = products[0]!.length;
          for (const p of event.products) {
            if (p.chargeNumber === 0 || p.kineticEnergyMeV / p.massNumber < LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U) continue;
            const s = speciesIndex.get(`${p.chargeNumber},${p.massNumber}`);
            if (s === undefined) { untracked += p.kineticEnergyMeV; continue; }
            const [u, v, w] = p.direction;
            products[0]!.push(s);
            products[1]!.push(p.kineticEnergyMeV / p.massNumber / energy);
            products[2]!.push(w);
            products[3]!.push(Math.atan2(v, u));
          }
          eventProducts[2 * e] = first;
          eventProducts[2 * e + 1] = products[0]!.length - first;
          // T = carried + local + neutral (fragmentKinematics.ts: T + Q = charged + local + n + gamma):
          // the neutral share is neutrons, gammas and the binding energy used up (-Q). The products'
          // ratios are rounded down to f32, and scaled down where needed so that the products' and
          // the local shares stay SHARE_MARGIN below 1: a kernel's f32 product energies then never
          // add up to more than T (assembly/ionReaction.ts).
          const local = Math.min((balance.localDepositMeV + untracked) / t, 1 - SHARE_MARGIN);
          const share = (k: number) => (products[1]![k]! * species[products[0]![k]!]!.massNumber) / projectile.massNumber;
          const carriedShare = () => { let c = 0; for (let k = first; k < products[0]!.length; k++) c += share(k); return c; };
          for (let k = first; k < products[0]!.length; k++) products[1]![k] = f32AtMost(products[1]![k]!);
          const carried = carriedShare();
          if (carried + local > 1 - SHARE_MARGIN) {
            const scale = (1 - SHARE_MARGIN - local) / carried;
            for (let k = first; k < products[0]!.length; k++) products[1]![k] = f32AtMost(products[1]![k]! * scale);
          }
          localShare[e] = local;
          neutralShare[e] = Math.max(0, 1 - carriedShare() - local);
        }
      }
    }
  }
  return {
    species, reactingSpecies: reacting, targets: [...targets], energiesMeVPerU: energies, eventsPerBin: o.eventsPerBin,
    eventProducts, neutralShare, localShare,
    productSpecies: Int32Array.from(products[0]!), productEnergyRatio: Float32Array.from(products[1]!),
    productCosTheta: Float32Array.from(products[2]!), productAzimuth: Float32Array.from(products[3]!),
  };
}
