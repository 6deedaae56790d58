/**
 * Kinematics and energy bookkeeping of projectile fragmentation (issue 11, part 2, host side).
 *
 * Contents
 *  1. Nuclear masses of the light nuclei (Z <= 8, A <= 16) that projectile fragmentation of 4He,
 *     12C and 16O can produce, from the AME2020 atomic mass excesses (M. Wang et al., Chinese
 *     Phys. C 45 (2021) 030003), and a liquid-drop fallback for target nuclei outside that table.
 *  2. Q-values of a reaction from those masses.
 *  3. The Goldhaber momentum spread of a projectile fragment (A. S. Goldhaber, Phys. Lett. B 53
 *     (1974) 306): sigma_p^2 = sigma0^2 Af (Ap - Af) / (Ap - 1), with sigma0 = 86 MeV/c as measured
 *     for 12C and 16O fragmentation at 1.05 and 2.1 GeV/u by D. E. Greiner et al., Phys. Rev.
 *     Lett. 35 (1975) 152, converted to the spread of kinetic energy per nucleon and of angle.
 *  4. The energy balance of one sampled reaction: what the charged products carry, what is
 *     deposited locally (target remnant, slow charged products), and what leaves as neutrons
 *     and gammas, closed exactly by the Q-value.
 *
 * Limits
 *  - The Goldhaber width is isotropic (parallel = transverse). The extra transverse width from
 *    orbital deflection (Van Bibber et al., Phys. Rev. Lett. 43 (1979) 840), measured at
 *    ~100 MeV/u, and the parallel momentum downshift (Morrissey, Phys. Rev. C 39 (1989) 460)
 *    are left out.
 *  - Light fragments (Z <= 2) get their wider angles in the event sampler (fragmentEvents.ts)
 *    from nucleon-nucleon scattering of the abraded nucleons and from evaporation in the
 *    prefragment's rest frame, not from a fitted width.
 *  - Masses of target remnants with Z > 8 or outside the table use the Bethe-Weizsaecker
 *    formula; its error (MeV) enters only the energy given to the participant nucleons.
 */
import { ATOMIC_MASS_UNIT_MEV, ELECTRON_MASS_MEV } from '../ions.js';

/**
 * AME2020 atomic mass excesses, keV, keyed 'Z,A' (Wang et al. 2021, Table I of the mass table
 * part; values rounded to the keV digits given here, which is far below what the model needs).
 * Includes the particle-unbound 5He, 5Li, 8Be and 9B, which the evaporation breaks up; 6Be
 * (alpha + 2p, no two-body channel) is left out, so that no channel produces it.
 */
const MASS_EXCESS_KEV: Readonly<Record<string, number>> = Object.freeze({
  '0,1': 8071.318, // n
  '1,1': 7288.971, '1,2': 13135.723, '1,3': 14949.811,
  '2,3': 14931.219, '2,4': 2424.916, '2,5': 11231, '2,6': 17592.1, '2,8': 31609.7,
  '3,5': 11680, '3,6': 14086.879, '3,7': 14907.105, '3,8': 20945.8, '3,9': 24954.9,
  '4,7': 15768.999, '4,8': 4941.67, '4,9': 11348.45, '4,10': 12607.49, '4,11': 20177.17,
  '4,12': 25077.8,
  '5,8': 22921.6, '5,9': 12416.5, '5,10': 12050.611, '5,11': 8667.708, '5,12': 13369.4, '5,13': 16562.2,
  '6,9': 28910.5, '6,10': 15698.67, '6,11': 10650.34, '6,12': 0, '6,13': 3125.009, '6,14': 3019.893,
  '6,15': 9873.1,
  '7,12': 17338.1, '7,13': 5345.48, '7,14': 2863.417, '7,15': 101.439, '7,16': 5683.9,
  '8,13': 23115.4, '8,14': 8007.46, '8,15': 2855.6, '8,16': -4737.001,
});

/** The (Z, A) pairs of the mass table, for iteration and tests. */
export const TABULATED_NUCLIDES: readonly (readonly [number, number])[] = Object.freeze(
  Object.keys(MASS_EXCESS_KEV).map((k) => Object.freeze(k.split(',').map(Number) as [number, number])),
);

/**
 * The table by index Z * MAX_A + A (NaN where untabulated): the event generator asks for masses
 * millions of times while it builds a library, and a string key per lookup was a tenth of that.
 */
const MAX_A = 32;
const MASS_EXCESS_BY_INDEX = (() => {
  const t = new Float64Array(9 * MAX_A).fill(Number.NaN);
  for (const [key, kev] of Object.entries(MASS_EXCESS_KEV)) {
    const [z, a] = key.split(',').map(Number) as [number, number];
    t[z * MAX_A + a] = kev * 1e-3;
  }
  return t;
})();

/** Mass excess (MeV) of (Z, A), NaN where it is not tabulated (or not integers in range). */
function tabulatedExcessMeV(z: number, a: number): number {
  return Number.isInteger(z) && Number.isInteger(a) && z >= 0 && z <= 8 && a >= 0 && a < MAX_A
    ? MASS_EXCESS_BY_INDEX[z * MAX_A + a]! : Number.NaN;
}

export function isTabulatedNuclide(z: number, a: number): boolean {
  return !Number.isNaN(tabulatedExcessMeV(z, a));
}

/** Atomic mass excess (MeV) of a tabulated nuclide; RangeError for one outside the table. */
export function massExcessMeV(z: number, a: number): number {
  const d = tabulatedExcessMeV(z, a);
  if (Number.isNaN(d)) {
    throw new RangeError(`no AME2020 mass for (Z, A) = (${z}, ${a}); tabulated: Z <= 8 nuclides listed in TABULATED_NUCLIDES`);
  }
  return d;
}

/**
 * Atomic mass excess (MeV) from the Bethe-Weizsaecker formula with the coefficients of
 * K. S. Krane, Introductory Nuclear Physics (Wiley 1988), eq. 3.28: a_v = 15.5, a_s = 16.8,
 * a_c = 0.72, a_sym = 23, pairing 34 A^-3/4 MeV. Used only for target remnants (see file comment).
 */
export function liquidDropMassExcessMeV(z: number, a: number): number {
  if (a === 0) return 0;
  const n = a - z;
  const pairing = z % 2 === 0 && n % 2 === 0 ? 1 : z % 2 === 1 && n % 2 === 1 ? -1 : 0;
  const binding = 15.5 * a - 16.8 * a ** (2 / 3) - 0.72 * z * (z - 1) / a ** (1 / 3)
    - 23 * (a - 2 * z) ** 2 / a + pairing * 34 * a ** -0.75;
  return z * massExcessMeV(1, 1) + n * massExcessMeV(0, 1) - Math.max(0, binding);
}

/**
 * Total electron binding energy of a neutral atom, MeV (Lunney, Pearson & Thibault,
 * Rev. Mod. Phys. 75 (2003) 1021, eq. A4), as in ions.ts, so that both give the same masses.
 */
function electronBindingMeV(z: number): number {
  return Number.isInteger(z) && z >= 0 && z < ELECTRON_BINDING_BY_Z.length ? ELECTRON_BINDING_BY_Z[z]! : electronBindingFormulaMeV(z);
}

function electronBindingFormulaMeV(z: number): number {
  return (14.4381 * z ** 2.39 + 1.55468e-6 * z ** 5.35) * 1e-6;
}

/** The same for Z = 0 ... 92, computed once (the generator's hot path). */
const ELECTRON_BINDING_BY_Z = Float64Array.from({ length: 93 }, (_, z) => electronBindingFormulaMeV(z));

/** Rest energy (MeV) of the bare nucleus from an atomic mass excess: A u + Delta - Z m_e + B_e(Z). */
export function nuclearMassFromExcessMeV(z: number, a: number, massExcess: number): number {
  if (a === 0) return 0;
  return a * ATOMIC_MASS_UNIT_MEV + massExcess - z * ELECTRON_MASS_MEV + electronBindingMeV(z);
}

/** Rest energy (MeV) of a tabulated bare nucleus (or the neutron, Z = 0, A = 1). */
export function nuclearMassMeV(z: number, a: number): number {
  return nuclearMassFromExcessMeV(z, a, massExcessMeV(z, a));
}

/**
 * Q-value (MeV) of initial -> final, both lists of tabulated (Z, A): sum of initial rest
 * energies minus sum of final ones (negative: energy is used up). Charge and baryon number
 * must balance (RangeError otherwise).
 */
export function qValueMeV(initial: readonly (readonly [number, number])[], final: readonly (readonly [number, number])[]): number {
  const sum = (list: readonly (readonly [number, number])[], i: 0 | 1): number => list.reduce((s, x) => s + x[i], 0);
  if (sum(initial, 0) !== sum(final, 0) || sum(initial, 1) !== sum(final, 1)) {
    throw new RangeError('qValueMeV: initial and final must have the same total Z and the same total A');
  }
  const mass = (list: readonly (readonly [number, number])[]): number => list.reduce((s, [z, a]) => s + nuclearMassMeV(z, a), 0);
  return mass(initial) - mass(final);
}

/** Goldhaber's sigma0, MeV/c: Greiner et al., Phys. Rev. Lett. 35 (1975) 152 (12C, 16O beams). */
export const GOLDHABER_SIGMA0_MEV_PER_C = 86;

function checkMassNumbers(projectileMassNumber: number, fragmentMassNumber: number): void {
  if (!Number.isInteger(projectileMassNumber) || projectileMassNumber < 2 || projectileMassNumber > 16) {
    throw new RangeError(`projectileMassNumber must be an integer 2..16 (got ${projectileMassNumber})`);
  }
  if (!Number.isInteger(fragmentMassNumber) || fragmentMassNumber < 1 || fragmentMassNumber > projectileMassNumber) {
    throw new RangeError(`fragmentMassNumber must be an integer 1..projectileMassNumber (got ${fragmentMassNumber})`);
  }
}

/**
 * Goldhaber (1974) width of one Cartesian component of the fragment momentum in the projectile
 * frame, MeV/c: sigma0 sqrt(Af (Ap - Af) / (Ap - 1)). Zero for Af = Ap.
 */
export function goldhaberSigmaMeVPerC(
  projectileMassNumber: number, fragmentMassNumber: number, sigma0MeVPerC = GOLDHABER_SIGMA0_MEV_PER_C,
): number {
  checkMassNumbers(projectileMassNumber, fragmentMassNumber);
  if (!(sigma0MeVPerC >= 0)) throw new RangeError(`sigma0MeVPerC must be >= 0 (got ${sigma0MeVPerC})`);
  const af = fragmentMassNumber;
  const ap = projectileMassNumber;
  return sigma0MeVPerC * Math.sqrt(af * (ap - af) / (ap - 1));
}

/** Mean rest energy per nucleon used to turn energy per nucleon into momentum: 1 u, MeV. */
export const NUCLEON_MASS_FOR_KINEMATICS_MEV = ATOMIC_MASS_UNIT_MEV;

export function checkFragmentationEnergyMeVPerU(energyMeVPerU: number): void {
  if (!(energyMeVPerU >= 10 && energyMeVPerU <= 1000)) {
    throw new RangeError(`energyMeVPerU must be within 10..1000 MeV/u (got ${energyMeVPerU})`);
  }
}

/** Momentum per nucleon (MeV/c) at kinetic energy T per nucleon (MeV/u), mass 1 u per nucleon. */
export function momentumPerNucleonMeVPerC(energyMeVPerU: number): number {
  return Math.sqrt(energyMeVPerU * (energyMeVPerU + 2 * NUCLEON_MASS_FOR_KINEMATICS_MEV));
}

export interface FragmentSpread {
  /** Goldhaber width of one momentum component, MeV/c. */
  readonly sigmaMomentumMeVPerC: number;
  /** Width of the fragment's kinetic energy per nucleon, MeV/u: beta sigma_p / Af (dT = v dp). */
  readonly sigmaEnergyMeVPerU: number;
  /** Width of the projected (one-plane) angle, rad: sigma_p / (Af p_u), small-angle. */
  readonly sigmaAngleRad: number;
}

/**
 * Lab-frame spreads of a fragment Af from a projectile Ap at energyMeVPerU moving at the
 * projectile's velocity (Goldhaber widths boosted: the parallel component of a projectile-frame
 * momentum change dp changes the lab energy by v dp to first order, the transverse one turns the
 * direction by dp / p).
 */
export function fragmentSpread(
  projectileMassNumber: number, fragmentMassNumber: number, energyMeVPerU: number,
  sigma0MeVPerC = GOLDHABER_SIGMA0_MEV_PER_C,
): FragmentSpread {
  checkFragmentationEnergyMeVPerU(energyMeVPerU);
  const sigmaP = goldhaberSigmaMeVPerC(projectileMassNumber, fragmentMassNumber, sigma0MeVPerC);
  const pu = momentumPerNucleonMeVPerC(energyMeVPerU);
  const beta = pu / (energyMeVPerU + NUCLEON_MASS_FOR_KINEMATICS_MEV);
  return {
    sigmaMomentumMeVPerC: sigmaP,
    sigmaEnergyMeVPerU: beta * sigmaP / fragmentMassNumber,
    sigmaAngleRad: sigmaP / (fragmentMassNumber * pu),
  };
}

/**
 * Charged products slower than this (MeV/u) are deposited where the reaction happened: the
 * CSDA range of a 10 MeV proton in water is 0.123 g/cm^2 (NIST PSTAR), about one voxel; heavier
 * ions at the same energy per nucleon go less far.
 */
export const LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U = 10;

export interface ReactionProduct {
  readonly chargeNumber: number;
  readonly massNumber: number;
  /** Lab kinetic energy, MeV (total, not per nucleon). */
  readonly kineticEnergyMeV: number;
}

export interface EnergyBalanceInput {
  readonly projectile: { readonly chargeNumber: number; readonly massNumber: number; readonly kineticEnergyMeV: number };
  readonly target: { readonly chargeNumber: number; readonly massNumber: number };
  /** Every outgoing nucleus and nucleon except the target remnant (neutrons: Z = 0, A = 1). */
  readonly products: readonly ReactionProduct[];
  /** Excitation energy left in the target remnant, MeV (deposited locally by rule). */
  readonly targetRemnantExcitationMeV: number;
}

export interface EnergyBalance {
  /** Rest-energy change, MeV: M_projectile + M_target - sum of final masses (target remnant in ground state). */
  readonly qValueMeV: number;
  /** Kinetic energy of charged products at or above LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U, MeV (to transport). */
  readonly transportedChargedMeV: number;
  /** Target-remnant excitation plus charged products below the threshold, MeV (deposited locally). */
  readonly localDepositMeV: number;
  /** Kinetic energy of neutrons, MeV (they leave; counted). */
  readonly neutronMeV: number;
  /** The rest, MeV: gammas and anything else neutral (they leave; counted). */
  readonly gammaMeV: number;
  /** The target remnant (Z, A) implied by charge and baryon conservation. */
  readonly targetRemnant: { readonly chargeNumber: number; readonly massNumber: number };
}

/**
 * Masses (MeV excess) of a target nucleus and its remnant: AME2020 when both are tabulated,
 * otherwise the liquid-drop formula for both (so that their difference is consistent).
 */
export function targetAndRemnantMassExcessMeV(
  zt: number, at: number, zr: number, ar: number,
): readonly [number, number] {
  if (isTabulatedNuclide(zt, at) && (ar === 0 || isTabulatedNuclide(zr, ar))) {
    return [massExcessMeV(zt, at), ar === 0 ? 0 : massExcessMeV(zr, ar)];
  }
  return [liquidDropMassExcessMeV(zt, at), liquidDropMassExcessMeV(zr, ar)];
}

/**
 * Energy bookkeeping of one reaction, exact by construction:
 *   T_projectile + Q = transportedCharged + localDeposit + neutron + gamma,
 * with Q from the rest energies (projectile-side and product nuclei from AME2020; target and
 * remnant by targetAndRemnantMassExcessMeV). Local deposit rule: the target remnant's excitation
 * (its recoil is neglected) plus every charged product below LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U.
 * RangeError if the products' Z or A exceed projectile + target, or if the products carry more
 * energy than T + Q (gamma would be negative by more than 1 keV).
 */
export function fragmentationEnergyBalance(input: EnergyBalanceInput): EnergyBalance {
  const { projectile, target, products } = input;
  if (!(projectile.kineticEnergyMeV >= 0)) {
    throw new RangeError(`projectile.kineticEnergyMeV must be >= 0 (got ${projectile.kineticEnergyMeV})`);
  }
  if (!(input.targetRemnantExcitationMeV >= 0)) {
    throw new RangeError(`targetRemnantExcitationMeV must be >= 0 (got ${input.targetRemnantExcitationMeV})`);
  }
  let zSum = 0;
  let aSum = 0;
  let productMass = 0;
  let transported = 0;
  let local = input.targetRemnantExcitationMeV;
  let neutron = 0;
  for (const p of products) {
    if (!(p.kineticEnergyMeV >= 0)) throw new RangeError(`product kineticEnergyMeV must be >= 0 (got ${p.kineticEnergyMeV})`);
    zSum += p.chargeNumber;
    aSum += p.massNumber;
    productMass += nuclearMassMeV(p.chargeNumber, p.massNumber);
    if (p.chargeNumber === 0) neutron += p.kineticEnergyMeV;
    else if (p.kineticEnergyMeV / p.massNumber < LOCAL_DEPOSIT_THRESHOLD_MEV_PER_U) local += p.kineticEnergyMeV;
    else transported += p.kineticEnergyMeV;
  }
  const zr = projectile.chargeNumber + target.chargeNumber - zSum;
  const ar = projectile.massNumber + target.massNumber - aSum;
  if (zr < 0 || ar < zr || (ar > 0 && ar - zr > target.massNumber)) {
    throw new RangeError(`products (Z ${zSum}, A ${aSum}) do not fit projectile + target (charge and baryon number)`);
  }
  const [dt, dr] = targetAndRemnantMassExcessMeV(target.chargeNumber, target.massNumber, zr, ar);
  const initialMass = nuclearMassMeV(projectile.chargeNumber, projectile.massNumber)
    + nuclearMassFromExcessMeV(target.chargeNumber, target.massNumber, dt);
  const q = initialMass - productMass - nuclearMassFromExcessMeV(zr, ar, dr);
  const gamma = projectile.kineticEnergyMeV + q - transported - local - neutron;
  if (gamma < -1e-3) {
    throw new RangeError(`products carry ${(-gamma).toFixed(3)} MeV more than T + Q: not energy conserving`);
  }
  return {
    qValueMeV: q,
    transportedChargedMeV: transported,
    localDepositMeV: local,
    neutronMeV: neutron,
    gammaMeV: gamma,
    targetRemnant: { chargeNumber: zr, massNumber: ar },
  };
}
