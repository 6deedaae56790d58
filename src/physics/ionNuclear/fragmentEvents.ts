/**
 * Fragment production of light ions (Z <= 8: 4He, 12C, 16O beams and their fragments when they
 * react in turn) on any target element: a Monte Carlo abrasion-ablation event generator (issue 11,
 * part 2, host side; the cross sections and multiplicities estimated from it: fragmentYields.ts;
 * the kernels' event libraries: fragmentLibrary.ts).
 *
 * Approach (the two-step abrasion-ablation picture of Bowman, Swiatecki & Tsang, LBL-2908 (1973),
 * the basis of NUCFRG, here sampled event by event):
 *  1. Abrasion, Glauber Monte Carlo (as in B. Alver et al., "The PHOBOS Glauber Monte Carlo",
 *     arXiv:0805.4411; M. L. Miller et al., Ann. Rev. Nucl. Part. Sci. 57 (2007) 205): nucleon
 *     positions drawn from a Gaussian density with the measured rms charge radius (I. Angeli &
 *     K. P. Marinova, At. Data Nucl. Data Tables 99 (2013) 69); impact parameter uniform in area; a
 *     projectile and a target nucleon collide when their transverse distance d has
 *     pi d^2 < sigma_NN, with the free pp and np total cross sections of the Charagi & Gupta
 *     parameterisation (S. K. Charagi & S. K. Gupta, Phys. Rev. C 41 (1990) 1610, eqs. 4-5).
 *     A reaction is an event with at least one collision; its cross section is the hit fraction
 *     times pi b_max^2.
 *  2. Excitation: each removed nucleon leaves a hole whose depth below the Fermi level is that of
 *     a Fermi gas (single-particle picture of J.-J. Gaimard & K.-H. Schmidt, Nucl. Phys. A 531
 *     (1991) 709): occupied single-particle energy e with density ~ sqrt(e) on [0, E_F], depth
 *     E_F - e, mean 2 E_F / 5. Fermi momenta from quasi-elastic electron scattering, E. J. Moniz
 *     et al., Phys. Rev. Lett. 26 (1971) 445 (6Li 169, 12C 221, 24Mg 235, 40Ca 251 MeV/c).
 *  3. Ablation: sequential Weisskopf evaporation (V. F. Weisskopf, Phys. Rev. 52 (1937) 295) of
 *     n, p, d, t, 3He, 4He and heavier ejectiles up to 12C (as in Furihata's generalized
 *     evaporation model) from the excited prefragment, widths
 *     Gamma_x ~ g_x mu_x R_x^2 T^2 exp(2 sqrt(a U)), U = E* - S_x - B_x, a = A_r/8 MeV^-1, with
 *     separation energies S_x from the AME2020 masses (fragmentKinematics.ts), Coulomb barrier
 *     B_x = 1.44 z_x Z_r / (1.5 fm (A_r^1/3 + A_x^1/3)) MeV, kinetic release drawn from
 *     eps exp(-eps / T) above the barrier (residues with A <= 6, which have no particle-bound
 *     excited states, are left in their ground state); particle-unbound states (8Be, 5Li, 9B) decay through
 *     their open channel; what is left of E* below every threshold goes to gammas.
 *     Decays are exact relativistic two-body decays in the parent's rest frame, boosted.
 *  4. Kinematics: the prefragment moves with the beam's momentum per nucleon plus a Goldhaber
 *     kick (fragmentKinematics.ts). Each abraded projectile nucleon and the target nucleons it
 *     struck share an equal part of the energy left after the spectators, the rest masses and the
 *     excitations are paid: the projectile nucleon takes a uniform fraction x, the struck nucleons
 *     the rest, at the angles of two-body elastic scattering with those energies. This gives the
 *     light fragments (abraded nucleons, evaporated p, d, t, He) their wider angular and energy
 *     distributions. Knocked-out target protons are transported, neutrons leave.
 *  5. Target remnant: with its hole excitation it evaporates like a projectile prefragment (step
 *     3, at rest) where its mass is tabulated (targets up to O); its slow products and residue are
 *     deposited locally (fragmentationEnergyBalance), its neutrons and gammas leave, and the
 *     separation energies are paid. Heavier remnants, and unbound ones outside the table, keep
 *     their excitation as a local deposit.
 *  Energy is conserved exactly per event (fragmentKinematics.fragmentationEnergyBalance checks
 *  it); charge and baryon number are conserved exactly. Momentum is conserved in the decays,
 *  approximately in the abrasion step.
 *
 * Target scaling: none is needed; the target enters through its nucleon number, charge and
 * radius in the Glauber step, so any element of the built-in materials works (H .. Zn).
 *
 * Limits (stated, not hidden):
 *  - No Fermi break-up, no coalescence of abraded nucleons into d, t, He, no pion production, no
 *    electromagnetic dissociation (small for Z_t <= 20), no evaporation of target remnants
 *    heavier than O (their excitation is deposited locally, which over-counts the local share by
 *    what their neutrons and gammas would carry away), Gaussian densities (poor for the surface
 *    of Ca and heavier).
 *  - No parameter was fitted to fragmentation data, but two choices were made after comparing
 *    with measured cross sections: nucleon centres drawn with the charge radius (the point-nucleon
 *    radius gave 12C + 12C 14 % below the measured ~850 mb reaction cross section, Kox et al.,
 *    Phys. Rev. C 35 (1987) 1678), and residues with
 *    A <= 6 left in their ground state (with the continuum level density for them too, the
 *    evaporation cascades of 12C and 16O prefragments ended almost always in alphas, giving
 *    Li and Be several times below the measured yields). The test file compares the output with
 *    measured cross sections and states the tolerances held.
 *  - Use the per-reaction multiplicities with a measured or evaluated total reaction cross
 *    section (the Tripathi/Kox/Sihver models of this directory): the Glauber reaction cross
 *    section here uses free NN cross sections and comes out ~35 % high for 12C + H at 100 MeV/u
 *    (no Pauli blocking), within ~10 % of ICRU 63 for p + C and p + O at 200-400 MeV.
 *  - Meant for 100-450 MeV/u; accepted 10-1000 MeV/u (below ~100 MeV/u the free-NN Glauber
 *    step and the quasi-free participant kinematics are poor).
 */
import { getElement } from '../elements.js';
import {
  checkFragmentationEnergyMeVPerU, goldhaberSigmaMeVPerC, isTabulatedNuclide, nuclearMassFromExcessMeV,
  nuclearMassMeV, targetAndRemnantMassExcessMeV,
} from './fragmentKinematics.js';

/** Uniform [0, 1) random numbers. */
export type RandomSource = () => number;

/** A small seeded generator (mulberry32, public-domain algorithm by T. Ettinger) for reproducible tables. */
export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Nucleon-nucleon cross sections and nuclear sizes

/**
 * Free pp (also nn) and np total cross sections, mb, at kinetic energy T per nucleon:
 * Charagi & Gupta, Phys. Rev. C 41 (1990) 1610:
 *   sigma_pp = 13.73 - 15.04/beta + 8.76/beta^2 + 68.67 beta^4,
 *   sigma_np = -70.67 - 18.18/beta + 25.26/beta^2 + 113.85 beta.
 */
export function nucleonNucleonCrossSectionsMb(energyMeVPerU: number): { readonly pp: number; readonly np: number } {
  checkFragmentationEnergyMeVPerU(energyMeVPerU);
  const gamma = 1 + energyMeVPerU / 931.494;
  const beta = Math.sqrt(1 - 1 / (gamma * gamma));
  return {
    pp: 13.73 - 15.04 / beta + 8.76 / beta ** 2 + 68.67 * beta ** 4,
    np: -70.67 - 18.18 / beta + 25.26 / beta ** 2 + 113.85 * beta,
  };
}

/** rms charge radii, fm, keyed 'Z,A' (Angeli & Marinova 2013, Table IV). */
const CHARGE_RADIUS_FM: Readonly<Record<string, number>> = Object.freeze({
  '1,2': 2.1421, '1,3': 1.7591, '2,3': 1.9661, '2,4': 1.6755, '3,6': 2.589, '3,7': 2.444, '4,7': 2.646,
  '4,9': 2.519, '5,10': 2.4277, '5,11': 2.406, '6,12': 2.4702, '6,13': 2.4614, '7,14': 2.5582, '7,15': 2.6058,
  '8,16': 2.6991, '9,19': 2.8976, '11,23': 2.9936, '12,24': 3.057, '13,27': 3.061, '14,28': 3.1224,
  '15,31': 3.1889, '16,32': 3.2611, '17,35': 3.3654, '18,40': 3.4274, '19,39': 3.4349, '20,40': 3.4776,
  '22,48': 3.5921, '26,56': 3.7377, '29,63': 3.8823, '30,64': 3.9283,
});

/**
 * rms radius (fm) of the density the nucleon centres are drawn from: the measured rms charge
 * radius of (Z, A), else that of the same element's tabulated isotope scaled by (A / A_tab)^(1/3),
 * else of 12C (A <= 16) or 40Ca scaled the same way; zero for a single nucleon. As in the PHOBOS
 * Glauber Monte Carlo (Alver et al. 2008), the charge density is used for the nucleon centres
 * (the black-disk NN range is added on top); with the point-nucleon radius sqrt(r_ch^2 - r_p^2)
 * instead, 12C + 12C came out at 732 mb at 400 MeV/u, 14 % below the measured ~850 mb (Kox et
 * al. 1987).
 */
export function nucleonCentreRadiusFm(z: number, a: number): number {
  if (a === 1) return 0;
  let rch = CHARGE_RADIUS_FM[`${z},${a}`];
  if (rch === undefined) {
    const sameZ = Object.keys(CHARGE_RADIUS_FM).find((k) => k.startsWith(`${z},`));
    const [ref, aRef] = sameZ !== undefined ? [CHARGE_RADIUS_FM[sameZ]!, Number(sameZ.split(',')[1])]
      : a <= 16 ? [2.4702, 12] : [3.4776, 40];
    rch = ref * (a / aRef) ** (1 / 3);
  }
  return rch;
}

/** Fermi momentum (MeV/c) by mass number, Moniz et al. (1971) (A <= 7: 6Li; <= 17: 12C; <= 30: 24Mg; else 40Ca). */
export function fermiMomentumMeVPerC(a: number): number {
  return a <= 7 ? 169 : a <= 17 ? 221 : a <= 30 ? 235 : 251;
}

const NUCLEON_MASS_MEV = 938.918; // mean of proton and neutron rest energies (CODATA 2018)

/** Depth of one hole below the Fermi level, MeV (Fermi gas, see file comment). */
function sampleHoleDepthMeV(a: number, random: RandomSource): number {
  const pf = fermiMomentumMeVPerC(a);
  const ef = Math.sqrt(pf * pf + NUCLEON_MASS_MEV ** 2) - NUCLEON_MASS_MEV;
  return ef * (1 - random() ** (2 / 3));
}

// ---------------------------------------------------------------------------------------------
// Small vector helpers: 4-momenta [E, px, py, pz] in MeV

type FourVector = [number, number, number, number];

function gaussian(random: RandomSource): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function isotropic(random: RandomSource): [number, number, number] {
  const c = 2 * random() - 1;
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  const phi = 2 * Math.PI * random();
  return [s * Math.cos(phi), s * Math.sin(phi), c];
}

/** Lorentz boost of q (given in the rest frame of a parent with lab 4-momentum p) to the lab. */
function boost(q: FourVector, p: FourVector): FourVector {
  const m = Math.sqrt(Math.max(p[0] * p[0] - p[1] * p[1] - p[2] * p[2] - p[3] * p[3], 1e-12));
  const bx = p[1] / p[0];
  const by = p[2] / p[0];
  const bz = p[3] / p[0];
  const b2 = bx * bx + by * by + bz * bz;
  const g = p[0] / m;
  const bq = bx * q[1] + by * q[2] + bz * q[3];
  const k = b2 > 0 ? (g - 1) * bq / b2 + g * q[0] : 0;
  return [g * (q[0] + bq), q[1] + k * bx, q[2] + k * by, q[3] + k * bz];
}

// ---------------------------------------------------------------------------------------------
// Events

export interface SampledProduct {
  readonly chargeNumber: number;
  readonly massNumber: number;
  /** Lab kinetic energy, MeV (total). */
  readonly kineticEnergyMeV: number;
  /** Unit direction in the lab, beam along +z. */
  readonly direction: readonly [number, number, number];
  /** 'projectile': spectator fragments, abraded and evaporated particles; 'target': knocked-out target nucleons, the target remnant's evaporation products and its residue. */
  readonly origin: 'projectile' | 'target';
}

export interface FragmentationEvent {
  readonly products: readonly SampledProduct[];
  /** What is left of the target when it does not evaporate (remnants heavier than O); Z = A = 0 when it did (its residue is a product). */
  readonly targetRemnant: { readonly chargeNumber: number; readonly massNumber: number; readonly excitationMeV: number };
  /** Energy of the gammas emitted by the evaporation residues, MeV (lab). */
  readonly gammaMeV: number;
  readonly impactParameterFm: number;
  readonly projectileParticipants: number;
  readonly targetParticipants: number;
  /** Impact parameters drawn (uniform in pi b_max^2) until this reaction; for cross sections. */
  readonly trials: number;
  /** pi b_max^2 in mb, the area the impact parameters were drawn from. */
  readonly samplingAreaMb: number;
}

export interface Nucleus { readonly z: number; readonly a: number }

/** Validated projectile, target and energy: RangeErrors name the argument and allowed values. */
export function checkFragmentationInputs(zp: number, ap: number, energyMeVPerU: number, targetZ: number): Nucleus {
  if (!Number.isInteger(zp) || zp < 1 || zp > 8) throw new RangeError(`projectileChargeNumber must be an integer 1..8 (got ${zp})`);
  if (!Number.isInteger(ap) || ap < 2 || ap > 16 || !isTabulatedNuclide(zp, ap)) {
    throw new RangeError(`projectileMassNumber must make a tabulated nucleus with A 2..16 (got Z ${zp}, A ${ap})`);
  }
  checkFragmentationEnergyMeVPerU(energyMeVPerU);
  if (!Number.isInteger(targetZ)) throw new RangeError(`targetChargeNumber must be an integer (got ${targetZ})`);
  const at = targetZ === 1 ? 1 : Math.round(getElement(targetZ).atomicWeight);
  return { z: targetZ, a: at };
}

interface Abrasion {
  readonly b: number;
  readonly trials: number;
  readonly areaMb: number;
  /** Projectile participants: isProton, and the target participants (isProton) each one owns. */
  readonly groups: readonly { readonly proton: boolean; readonly partners: readonly boolean[] }[];
  readonly targetParticipantProtons: number;
  readonly targetParticipants: number;
}

function samplePositions(a: number, rmsFm: number, random: RandomSource, out: Float64Array): void {
  const s = rmsFm / Math.sqrt(3);
  for (let i = 0; i < a; i++) {
    out[2 * i] = s * gaussian(random);
    out[2 * i + 1] = s * gaussian(random);
  }
}

function abrade(proj: Nucleus, targ: Nucleus, energyMeVPerU: number, random: RandomSource): Abrasion {
  const nn = nucleonNucleonCrossSectionsMb(energyMeVPerU);
  const d2pp = nn.pp / 10 / Math.PI; // fm^2 (1 fm^2 = 10 mb)
  const d2np = nn.np / 10 / Math.PI;
  const rp = nucleonCentreRadiusFm(proj.z, proj.a);
  const rt = nucleonCentreRadiusFm(targ.z, targ.a);
  const bMax = 3 * Math.hypot(rp, rt) + Math.sqrt(Math.max(d2pp, d2np)) + 0.5;
  const areaMb = Math.PI * bMax * bMax * 10;
  const xp = new Float64Array(2 * proj.a);
  const xt = new Float64Array(2 * targ.a);
  for (let trials = 1; trials < 1e6; trials++) {
    const b = bMax * Math.sqrt(random());
    samplePositions(proj.a, rp, random, xp);
    samplePositions(targ.a, rt, random, xt);
    const owner = new Int32Array(targ.a).fill(-1);
    const groups: { proton: boolean; partners: boolean[] }[] = [];
    for (let i = 0; i < proj.a; i++) {
      const pi = i < proj.z;
      const px = xp[2 * i]! + b;
      const py = xp[2 * i + 1]!;
      let hit = false;
      const partners: boolean[] = [];
      for (let j = 0; j < targ.a; j++) {
        const tj = j < targ.z;
        const dx = px - xt[2 * j]!;
        const dy = py - xt[2 * j + 1]!;
        if (dx * dx + dy * dy < (pi === tj ? d2pp : d2np)) {
          hit = true;
          if (owner[j] === -1) {
            owner[j] = i;
            partners.push(tj);
          }
        }
      }
      if (hit) groups.push({ proton: pi, partners });
    }
    if (groups.length > 0) {
      let tp = 0;
      let tn = 0;
      for (let j = 0; j < targ.a; j++) if (owner[j]! >= 0) (j < targ.z ? tp++ : tn++);
      return { b, trials, areaMb, groups, targetParticipantProtons: tp, targetParticipants: tp + tn };
    }
  }
  throw new Error('abrasion: no reaction in 1e6 impact parameters');
}

/**
 * Ejectiles and their ground-state spin degeneracies 2J + 1 (J from the NUBASE2020 evaluation,
 * F. G. Kondev et al., Chinese Phys. C 45 (2021) 030001). As in the generalized evaporation model
 * (S. Furihata, Nucl. Instrum. Methods B 171 (2000) 251), fragments heavier than 4He are emitted
 * too; a channel is used only when the ejectile is not heavier than the residue, so that each
 * binary split is counted once.
 */
const EVAPORATION_CHANNELS: readonly { readonly z: number; readonly a: number; readonly g: number }[] = [
  { z: 0, a: 1, g: 2 }, { z: 1, a: 1, g: 2 }, { z: 1, a: 2, g: 3 }, { z: 1, a: 3, g: 2 }, { z: 2, a: 3, g: 2 },
  { z: 2, a: 4, g: 1 }, { z: 2, a: 6, g: 1 }, { z: 3, a: 6, g: 3 }, { z: 3, a: 7, g: 4 }, { z: 4, a: 7, g: 4 },
  { z: 3, a: 8, g: 5 }, { z: 5, a: 8, g: 5 }, { z: 4, a: 9, g: 4 }, { z: 4, a: 10, g: 1 }, { z: 5, a: 10, g: 7 },
  { z: 6, a: 10, g: 1 }, { z: 5, a: 11, g: 4 }, { z: 6, a: 11, g: 4 }, { z: 6, a: 12, g: 1 },
];

interface Particle { z: number; a: number; p: FourVector }

/**
 * Whether the ground state of (Z, A) is particle-bound: no evaporation channel of a tabulated
 * nucleus has a negative separation energy (8Be, 5He, 5Li, 9B are not; they decay in evaporate).
 * Only nuclides of the AME2020 table (fragmentKinematics.ts) can be bound here.
 */
export function isParticleBound(z: number, a: number): boolean {
  if (!isTabulatedNuclide(z, a)) return false;
  for (const ch of EVAPORATION_CHANNELS) {
    const zr = z - ch.z;
    const ar = a - ch.a;
    if (ar < ch.a || zr < 0 || zr > ar || !isTabulatedNuclide(zr, ar)) continue;
    if (nuclearMassMeV(zr, ar) + nuclearMassMeV(ch.z, ch.a) < nuclearMassMeV(z, a)) return false;
  }
  return true;
}

/** Evaporation residues up to this mass number are left in their ground state (see evaporate). */
const GROUND_STATE_RESIDUE_MAX_A = 6;

/**
 * Evaporate an excited nucleus (lab 4-momentum p, excitation ex above its ground state) down to
 * particle-stable residues. Pushes final particles (ground state) and returns the gamma energy (lab).
 */
function evaporate(z: number, a: number, p: FourVector, ex: number, random: RandomSource, out: Particle[]): number {
  const parentMass = nuclearMassMeV(z, a) + ex;
  const options: { ch: (typeof EVAPORATION_CHANNELS)[number]; s: number; u: number; w: number; barrier: number }[] = [];
  if (a > 1) {
    for (const ch of EVAPORATION_CHANNELS) {
      const zr = z - ch.z;
      const ar = a - ch.a;
      if (ar < ch.a || zr < 0 || zr > ar || !isTabulatedNuclide(zr, ar)) continue;
      const s = nuclearMassMeV(zr, ar) + nuclearMassMeV(ch.z, ch.a) - nuclearMassMeV(z, a);
      const u = ex - s;
      if (u <= 0) continue;
      const rx = ar ** (1 / 3) + ch.a ** (1 / 3);
      const barrier = ch.z === 0 ? 0 : 1.44 * ch.z * zr / (1.5 * rx);
      const ue = u - barrier;
      const levelDensity = ar / 8;
      const mu = ch.a * ar / (ch.a + ar);
      const w = ue > 0 ? ch.g * mu * rx * rx * (ue / levelDensity) * Math.exp(2 * Math.sqrt(levelDensity * ue)) : 0;
      options.push({ ch, s, u, w, barrier });
    }
  }
  if (options.length === 0) {
    // Particle-stable: de-excite by gammas (energy measured in the lab, momentum kept by the nucleus).
    const m0 = nuclearMassMeV(z, a);
    const pp = p[1] * p[1] + p[2] * p[2] + p[3] * p[3];
    const eGround = Math.sqrt(pp + m0 * m0);
    out.push({ z, a, p: [eGround, p[1], p[2], p[3]] });
    return p[0] - eGround;
  }
  const total = options.reduce((s, o) => s + o.w, 0);
  let pick = options[0]!;
  if (total > 0) {
    let r = random() * total;
    for (const o of options) {
      r -= o.w;
      if (r <= 0) { pick = o; break; }
      pick = o;
    }
  } else {
    // Only tunnelling through a barrier is open (e.g. 8Be -> 2 alpha): the largest release.
    for (const o of options) if (o.u > pick.u) pick = o;
  }
  const zr = z - pick.ch.z;
  const ar = a - pick.ch.a;
  // Kinetic release in the rest frame. Residues with A <= 6 have no particle-bound excited states
  // (TUNL evaluations: e.g. the first excited states of 6Li and 6He lie above their alpha + d and
  // alpha + 2n thresholds), so they are left in the ground state and take the whole release.
  let eps = pick.u;
  if (ar > GROUND_STATE_RESIDUE_MAX_A && total > 0) {
    const ue = pick.u - pick.barrier;
    const t = Math.sqrt(ue / (ar / 8));
    eps = pick.u * random();
    for (let k = 0; k < 50; k++) {
      const e = pick.barrier - t * Math.log((1 - random()) * (1 - random())); // barrier + Gamma(2, T)
      if (e <= pick.u) { eps = e; break; }
    }
  }
  const m1 = nuclearMassMeV(pick.ch.z, pick.ch.a);
  const m2 = nuclearMassMeV(zr, ar) + (pick.u - eps);
  const mm = parentMass;
  const q = Math.sqrt(Math.max(0, (mm * mm - (m1 + m2) ** 2) * (mm * mm - (m1 - m2) ** 2))) / (2 * mm);
  const [dx, dy, dz] = isotropic(random);
  const p1 = boost([Math.sqrt(q * q + m1 * m1), q * dx, q * dy, q * dz], p);
  const p2 = boost([Math.sqrt(q * q + m2 * m2), -q * dx, -q * dy, -q * dz], p);
  let gamma = evaporate(pick.ch.z, pick.ch.a, p1, 0, random, out);
  gamma += evaporate(zr, ar, p2, pick.u - eps, random, out);
  return gamma;
}

/** Lab direction and kinetic energy of a nucleon from its 4-momentum. */
function toProduct(part: Particle, origin: 'projectile' | 'target'): SampledProduct {
  const m = nuclearMassMeV(part.z, part.a);
  const pm = Math.hypot(part.p[1], part.p[2], part.p[3]);
  const dir: [number, number, number] = pm > 0 ? [part.p[1] / pm, part.p[2] / pm, part.p[3] / pm] : [0, 0, 1];
  return { chargeNumber: part.z, massNumber: part.a, kineticEnergyMeV: Math.max(0, part.p[0] - m), direction: dir, origin };
}

function momentumOfKinetic(t: number): number {
  return Math.sqrt(t * (t + 2 * NUCLEON_MASS_MEV));
}

/**
 * One nucleus-nucleus reaction of a projectile (Z, A) at energyMeVPerU on an atom of element
 * targetChargeNumber (its most abundant mass number taken as round(atomic weight)), sampled as in
 * the file comment. Energy, charge and baryon number are conserved exactly.
 */
export function sampleFragmentationEvent(
  projectileChargeNumber: number, projectileMassNumber: number, energyMeVPerU: number, targetChargeNumber: number,
  random: RandomSource,
): FragmentationEvent {
  const targ = checkFragmentationInputs(projectileChargeNumber, projectileMassNumber, energyMeVPerU, targetChargeNumber);
  const proj: Nucleus = { z: projectileChargeNumber, a: projectileMassNumber };
  const mp = nuclearMassMeV(proj.z, proj.a);
  const tp = energyMeVPerU * proj.a;
  const pBeam = Math.sqrt(tp * (tp + 2 * mp));
  const pu = pBeam / proj.a;
  let trials = 0;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const ab = abrade(proj, targ, energyMeVPerU, random);
    trials += ab.trials;
    // Spectators: the prefragment, and nucleons stripped until it is a tabulated nucleus.
    const zRemoved = ab.groups.filter((g) => g.proton).length;
    let zs = proj.z - zRemoved;
    let as = proj.a - ab.groups.length;
    const stripped: boolean[] = [];
    while (as > 0 && !isTabulatedNuclide(zs, as)) {
      const strip = as - zs > zs ? false : true; // remove a neutron from neutron-rich, else a proton
      stripped.push(strip);
      if (strip) zs--;
      as--;
    }
    let exP = 0;
    for (let k = 0; k < ab.groups.length + stripped.length; k++) exP += sampleHoleDepthMeV(proj.a, random);
    let exT = 0;
    if (targ.a > 1) for (let k = 0; k < ab.targetParticipants; k++) exT += sampleHoleDepthMeV(targ.a, random);
    const zr = targ.z - ab.targetParticipantProtons;
    const ar = targ.a - ab.targetParticipants;
    const [dt, dr] = targetAndRemnantMassExcessMeV(targ.z, targ.a, zr, ar);
    const e0 = tp + mp + nuclearMassFromExcessMeV(targ.z, targ.a, dt);
    const remnantEnergy = nuclearMassFromExcessMeV(zr, ar, dr) + exT;
    // Spectator 4-momenta (beam momentum per nucleon + Goldhaber kick).
    const spect: { z: number; a: number; ex: number; p: FourVector }[] = [];
    const addSpectator = (z: number, a: number, ex: number): void => {
      const sg = goldhaberSigmaMeVPerC(proj.a, a);
      const px = sg * gaussian(random);
      const py = sg * gaussian(random);
      const pz = a * pu + sg * gaussian(random);
      const m = nuclearMassMeV(z, a) + ex;
      spect.push({ z, a, ex, p: [Math.sqrt(px * px + py * py + pz * pz + m * m), px, py, pz] });
    };
    if (as > 0) addSpectator(zs, as, exP);
    for (const s of stripped) addSpectator(s ? 1 : 0, 1, 0);
    const mN = (proton: boolean): number => nuclearMassMeV(proton ? 1 : 0, 1);
    let participantMass = 0;
    for (const g of ab.groups) {
      participantMass += mN(g.proton);
      for (const t of g.partners) participantMass += mN(t);
    }
    const pool = e0 - remnantEnergy - participantMass - spect.reduce((s, x) => s + x.p[0], 0);
    if (pool < 0) continue;
    // Participants share the pool.
    const parts: Particle[] = [];
    const targetParts: Particle[] = [];
    const share = pool / ab.groups.length;
    for (const g of ab.groups) {
      // A nucleon whose target partners were all claimed by earlier ones keeps its whole share.
      const x = g.partners.length > 0 ? random() : 1;
      const t1 = x * share;
      const t2 = (1 - x) * share;
      const pin = momentumOfKinetic(share);
      const p1 = momentumOfKinetic(t1);
      const p2 = momentumOfKinetic(t2);
      const c1 = p1 > 0 ? Math.min(1, Math.max(-1, (pin * pin + p1 * p1 - p2 * p2) / (2 * pin * p1))) : 1;
      const c2 = p2 > 0 ? Math.min(1, Math.max(-1, (pin * pin + p2 * p2 - p1 * p1) / (2 * pin * p2))) : 1;
      const phi = 2 * Math.PI * random();
      const nucleon = (proton: boolean, t: number, c: number, ph: number): Particle => {
        const m = mN(proton);
        const pm = Math.sqrt(t * (t + 2 * m));
        const s = Math.sqrt(1 - c * c);
        return { z: proton ? 1 : 0, a: 1, p: [t + m, pm * s * Math.cos(ph), pm * s * Math.sin(ph), pm * c] };
      };
      parts.push(nucleon(g.proton, t1, c1, phi));
      const k = g.partners.length;
      g.partners.forEach((tProton, idx) => {
        targetParts.push(nucleon(tProton, t2 / k, c2, phi + Math.PI + (idx === 0 ? 0 : 2 * Math.PI * random())));
      });
    }
    let gammaMeV = 0;
    for (const s of spect) gammaMeV += evaporate(s.z, s.a, s.p, s.ex, random, parts);
    // The target remnant (at rest, its recoil neglected) evaporates too where its and the
    // target's masses are tabulated (targets up to O: water, tissue, plastics; the masses of the
    // heavier ones are liquid-drop estimates, too coarse for separation energies); its residue joins the products
    // (slow, so deposited locally) and no excitation is left. Heavier remnants, and the ~7 % of O
    // remnants outside the table (unbound ones such as 6Be or 11N after central collisions), keep theirs.
    let remnant = { chargeNumber: zr, massNumber: ar, excitationMeV: exT };
    if (exT > 0 && ar > 1 && isTabulatedNuclide(targ.z, targ.a) && isTabulatedNuclide(zr, ar)) {
      gammaMeV += evaporate(zr, ar, [remnantEnergy, 0, 0, 0], exT, random, targetParts);
      remnant = { chargeNumber: 0, massNumber: 0, excitationMeV: 0 };
    }
    const products: SampledProduct[] = [
      ...parts.map((x) => toProduct(x, 'projectile')),
      ...targetParts.map((x) => toProduct(x, 'target')),
    ];
    return {
      products,
      targetRemnant: remnant,
      gammaMeV,
      impactParameterFm: ab.b,
      projectileParticipants: ab.groups.length,
      targetParticipants: ab.targetParticipants,
      trials,
      samplingAreaMb: ab.areaMb,
    };
  }
  throw new Error(`no energy-conserving event in 1000 attempts (Z ${proj.z}, A ${proj.a}, ${energyMeVPerU} MeV/u)`);
}
