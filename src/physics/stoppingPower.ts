/**
 * Mass electronic stopping power of light ions (p, He, C, O) from theory.
 *
 * High energies (E >= LOW_ENERGY_JOIN_MEV_PER_U.upper): Bethe formula with the
 * exact Tmax for a projectile of mass M and relativistic kinematics
 * (PDG, Review of Particle Physics, "Passage of particles through matter", mean excitation
 * energy loss section), written as in ICRU Report 49 (1993) section 2:
 *
 *   S = K <Z/A> z^2 / beta^2 * [ L0 + z L1 + z^2 L2 ],
 *   L0 = 1/2 ln(2 m_e c^2 beta^2 gamma^2 Tmax / I^2) - beta^2 - delta/2 - C/Z,
 *
 * with the density effect delta (Sternheimer & Peierls general formula),
 * the shell correction C/Z (Barkas & Berger 1964 formula per element, Bragg additivity for
 * compounds, continued below eta = 0.13 where that fit is not valid), the Barkas term L1
 * (Ashley, Ritchie & Brandt function with ICRU 49's parameters) and the Bloch term z^2 L2
 * (exact series).
 * For ions (z > 1) z is replaced by the Pierce-Blann effective charge.
 *
 * Low energies (E <= LOW_ENERGY_JOIN_MEV_PER_U.lower): ICRU 49 proton fits
 * (Bragg additivity over elements; ICRU 49's own fit for liquid water), scaled to
 * other ions at equal velocity with the squared ratio of effective charges;
 * velocity-proportional (S ~ sqrt(E), Lindhard & Scharff 1961) below 10 keV/u.
 * In between, the two are blended with a C1 smoothstep in ln E, so S(E) is
 * continuous with a continuous derivative across the join.
 */
import { BraggInputError } from '../errors.js';
import { condensedCompoundExcitationEnergyEV, FINE_STRUCTURE_CONSTANT, getElement } from './elements.js';
import type { Ion } from './ions.js';
import { ELECTRON_MASS_MEV, PROTON_MASS_MEV } from './ions.js';
import type { Material, MaterialId } from './materials.js';

/** K = 4 pi N_A r_e^2 m_e c^2 = 0.307075 MeV cm^2/mol (PDG RPP, "Passage of particles through matter", Table of constants). */
export const BETHE_K_MEV_CM2_PER_MOL = 0.307075;
/** Avogadro constant, 1/mol (SI 2019 exact). */
export const AVOGADRO_PER_MOL = 6.02214076e23;
/** Proton mass in u (CODATA 2018: 1.007276466621); ICRU 49 fits are in keV per this mass. */
const PROTON_MASS_U = 1.007276466621;

/**
 * Energy window (MeV/u) in which the low-energy model is blended into the Bethe formula (our choice:
 * the ICRU 49 fits are meant for the keV region, the corrected Bethe formula is within 1% of
 * PSTAR for water down to ~0.7 MeV).
 */
export const LOW_ENERGY_JOIN_MEV_PER_U = Object.freeze({ lower: 0.3, upper: 0.8 });
/** Below this energy (MeV/u) the stopping power is taken proportional to velocity (Lindhard & Scharff 1961). */
export const VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U = 0.01;
/** Lower validity limit in eta = beta*gamma of the Barkas-Berger shell-correction formula (Barkas & Berger 1964). */
export const SHELL_FORMULA_MIN_ETA = 0.13;
/**
 * Densities below this (g/cm^3) are treated as gases (choice of the Sternheimer-Peierls parameter
 * set and of the constituents' I-values); every built-in gas is ~1e-3 g/cm^3, every condensed medium > 0.1.
 */
const GAS_DENSITY_LIMIT_G_PER_CM3 = 0.01;

const ALPHA = FINE_STRUCTURE_CONSTANT;
const ME = ELECTRON_MASS_MEV;
const LN10_2 = 2 * Math.LN10; // 4.6052

// ---------------------------------------------------------------------------------------------
// Tabulated functions and fits

/**
 * ARB function F(b / x^1/2) of the Barkas term (Ashley, Ritchie & Brandt, Phys. Rev. B 5 (1972)
 * 2393; values as used with ICRU 49, taken from Geant4 G4EmCorrections.cc): pairs [W, F(W)].
 */
const ARB_TABLE: readonly (readonly [number, number])[] = [
  [0.02, 21.5], [0.03, 20.0], [0.04, 18.0], [0.05, 15.6], [0.06, 15.0], [0.07, 14.0], [0.08, 13.5],
  [0.09, 13.0], [0.1, 12.2], [0.2, 9.25], [0.3, 7.0], [0.4, 6.0], [0.5, 4.5], [0.6, 3.5], [0.7, 3.0],
  [0.8, 2.5], [0.9, 2.0], [1.0, 1.7], [1.2, 1.2], [1.3, 1.0], [1.4, 0.86], [1.5, 0.7], [1.6, 0.61],
  [1.7, 0.52], [1.8, 0.5], [1.9, 0.43], [2.0, 0.42], [2.1, 0.3], [2.4, 0.2], [3.0, 0.13], [3.08, 0.1],
  [3.1, 0.09], [3.3, 0.08], [3.5, 0.07], [3.8, 0.06], [4.0, 0.051], [4.1, 0.04], [4.8, 0.03],
  [5.0, 0.024], [5.1, 0.02], [6.0, 0.013], [6.5, 0.01], [7.0, 0.009], [7.1, 0.008], [8.0, 0.006],
  [9.0, 0.0032], [10.0, 0.0025],
];
const ARB_LOG_W = Float64Array.from(ARB_TABLE, ([w]) => Math.log(w));
const ARB_LOG_F = Float64Array.from(ARB_TABLE, ([, f]) => Math.log(f));
/** ICRU 49 normalisation of the ARB Barkas term (as applied in Geant4 G4EmCorrections). */
const BARKAS_NORMALISATION = 1.29;

/** ARB function, log-log interpolated; constant below W = 0.02 and ~1/W above W = 10. */
function arbFunction(w: number): number {
  const n = ARB_LOG_W.length;
  const lw = Math.log(w);
  if (lw <= ARB_LOG_W[0]!) return Math.exp(ARB_LOG_F[0]!);
  if (lw >= ARB_LOG_W[n - 1]!) return Math.exp(ARB_LOG_F[n - 1]! + ARB_LOG_W[n - 1]! - lw);
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ARB_LOG_W[mid]! <= lw) lo = mid;
    else hi = mid;
  }
  const t = (lw - ARB_LOG_W[lo]!) / (ARB_LOG_W[hi]! - ARB_LOG_W[lo]!);
  return Math.exp(ARB_LOG_F[lo]! + t * (ARB_LOG_F[hi]! - ARB_LOG_F[lo]!));
}

/** Parameter b of the ARB Barkas term by target Z (ICRU 49 / Bichsel, as in Geant4 G4EmCorrections). */
function barkasB(z: number): number {
  if (z === 1) return 1.8;
  if (z === 2) return 0.6;
  if (z <= 10) return 1.8;
  if (z <= 17) return 1.4;
  if (z === 18) return 1.8;
  if (z <= 25) return 1.4;
  return 1.35;
}

/**
 * ICRU 49 proton fit for liquid water (per H2O molecule, molar mass 18.0153 g/mol); ICRU 49 gives
 * it because liquid water deviates strongly from Bragg additivity of the gaseous elements
 * (numbers as tabulated in Geant4 G4BraggModel.cc, "H_2O").
 */
const COMPOUND_PROTON_FITS: Partial<Record<MaterialId, { fit: readonly number[]; molarMassGPerMol: number }>> = {
  water: { fit: [4.015, 4.542, 3955, 484.7, 0.007904], molarMassGPerMol: 18.0153 },
};

// ---------------------------------------------------------------------------------------------
// Per-material constants, computed once per Material object

interface MaterialContext {
  readonly zOverA: number;
  readonly logExcitationMeV: number;
  // Sternheimer-Peierls density-effect parameters
  readonly cBar: number;
  readonly x0: number;
  readonly x1: number;
  readonly aDensity: number;
  // Barkas-Berger shell correction: C/Z = shellA P1(1/eta^2) + shellB P2(1/eta^2)
  readonly shellA: number;
  readonly shellB: number;
  readonly shellAtMinEta: number;
  // Barkas term per element
  readonly electronFraction: Float64Array;
  readonly atomicNumber: Float64Array;
  readonly barkasB: Float64Array;
  // Low-energy fits: S = sum_k weight_k * fit_k(T)  [weight in mol/g incl. unit factor]
  readonly lowWeights: Float64Array;
  readonly lowFits: readonly (readonly number[])[];
}

const contexts = new WeakMap<Material, MaterialContext>();

function shellP1(x: number): number {
  return x * (0.422377 + x * (0.0304043 - x * 0.00038106));
}
function shellP2(x: number): number {
  return x * (3.858019 + x * (-0.1667989 + x * 0.00157955));
}

function buildContext(material: Material): MaterialContext {
  const { densityGPerCm3: rho, meanExcitationEnergyEV: iEV, elements } = material;
  const zOverA = material.zOverAMolPerG;
  const gas = rho < GAS_DENSITY_LIMIT_G_PER_CM3;

  // Density effect: Sternheimer & Peierls, Phys. Rev. B 3 (1971) 3681, general formula
  // (C-bar, x0, x1 from I and the plasma energy; a from continuity at x0; m = 3).
  // Plasma energy hbar*omega_p = 28.816 sqrt(rho <Z/A>) eV (PDG RPP, constants table).
  const plasmaEV = 28.816 * Math.sqrt(rho * zOverA);
  const cBar = 2 * Math.log(iEV / plasmaEV) + 1;
  let x0: number;
  let x1: number;
  if (!gas) {
    if (iEV < 100) {
      x1 = 2.0;
      x0 = cBar < 3.681 ? 0.2 : 0.326 * cBar - 1.0;
    } else {
      x1 = 3.0;
      x0 = cBar < 5.215 ? 0.2 : 0.326 * cBar - 1.5;
    }
  } else if (cBar < 10.0) { x0 = 1.6; x1 = 4; }
  else if (cBar < 10.5) { x0 = 1.7; x1 = 4; }
  else if (cBar < 11.0) { x0 = 1.8; x1 = 4; }
  else if (cBar < 11.5) { x0 = 1.9; x1 = 4; }
  else if (cBar < 12.25) { x0 = 2.0; x1 = 4; }
  else if (cBar < 13.804) { x0 = 2.0; x1 = 5; }
  else { x0 = 0.326 * cBar - 2.5; x1 = 5; }
  const aDensity = (cBar - LN10_2 * x0) / (x1 - x0) ** 3; // Sternheimer-Peierls use m = 3

  const n = elements.length;
  const electronFraction = new Float64Array(n);
  const atomicNumber = new Float64Array(n);
  const bArr = new Float64Array(n);
  const lowWeights: number[] = [];
  const lowFits: (readonly number[])[] = [];
  let shellA = 0;
  let shellB = 0;
  // unit factor: eV/(1e15 atoms/cm^2) -> MeV cm^2 per atom is 1e-21; times N_A / A -> per gram
  const unit = 1e-21 * AVOGADRO_PER_MOL;
  elements.forEach(({ atomicNumber: z, massFraction: w }, k) => {
    const el = getElement(z);
    const eps = (w * z) / el.atomicWeight / zOverA;
    electronFraction[k] = eps;
    atomicNumber[k] = z;
    bArr[k] = barkasB(z);
    // I-value of the constituent for its shell correction: the material's own I for a pure element,
    // the free-element value in a gas, the Seltzer-Berger condensed-phase value otherwise.
    const iConstituent = n === 1 ? iEV : gas ? el.meanExcitationEnergyEV : condensedCompoundExcitationEnergyEV(z);
    // Barkas & Berger (1964, NASA SP-3013) shell correction of an element with mean excitation energy
    // I (eV), the form used by Geant3/Geant4 (G4IonisParamElm):
    // C = (0.422377 x + 0.0304043 x^2 - 0.00038106 x^3) 1e-6 I^2
    //   + (3.858019 x - 0.1667989 x^2 + 0.00157955 x^3) 1e-9 I^3,  x = 1/eta^2 (valid eta >= 0.13);
    // compound C/Z by Bragg additivity over the electrons: sum_i eps_i C_i / Z_i.
    shellA += (eps * 1e-6 * iConstituent ** 2) / z;
    shellB += (eps * 1e-9 * iConstituent ** 3) / z;
    lowWeights.push((w / el.atomicWeight) * unit);
    lowFits.push(el.icru49ProtonFit);
  });
  const compound = COMPOUND_PROTON_FITS[material.id];
  if (compound !== undefined) {
    lowWeights.length = 0;
    lowFits.length = 0;
    lowWeights.push(unit / compound.molarMassGPerMol);
    lowFits.push(compound.fit);
  }
  const xMin = 1 / (SHELL_FORMULA_MIN_ETA * SHELL_FORMULA_MIN_ETA);
  return {
    zOverA,
    logExcitationMeV: Math.log(iEV * 1e-6),
    cBar, x0, x1, aDensity,
    shellA, shellB,
    shellAtMinEta: shellA * shellP1(xMin) + shellB * shellP2(xMin),
    electronFraction, atomicNumber, barkasB: bArr,
    lowWeights: Float64Array.from(lowWeights),
    lowFits,
  };
}

function contextFor(material: Material): MaterialContext {
  let ctx = contexts.get(material);
  if (ctx === undefined) {
    ctx = buildContext(material);
    contexts.set(material, ctx);
  }
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// Correction terms

/** Density-effect correction delta (full, i.e. the bracket holds -delta/2), x = log10(beta gamma). */
function densityEffect(ctx: MaterialContext, bg2: number): number {
  const x = 0.5 * Math.log10(bg2);
  if (x < ctx.x0) return 0; // insulators/gases: delta0 = 0 in the general formula
  const linear = LN10_2 * x - ctx.cBar;
  return x < ctx.x1 ? linear + ctx.aDensity * (ctx.x1 - x) ** 3 : linear;
}

/**
 * Shell correction C/Z. Barkas-Berger formula for eta >= 0.13; below, where that fit is not valid,
 * our own continuation C/Z ~ 1/eta from its value at eta = 0.13, a growth between the 1/eta^2
 * high-velocity asymptote of the shell correction and the saturation of the inner shells at low
 * velocity. It is the least certain ingredient of the model (about +-1% in S at 1-5 MeV/u).
 */
function shellCorrection(ctx: MaterialContext, bg2: number): number {
  const eta2min = SHELL_FORMULA_MIN_ETA * SHELL_FORMULA_MIN_ETA;
  if (bg2 >= eta2min) {
    const x = 1 / bg2;
    return ctx.shellA * shellP1(x) + ctx.shellB * shellP2(x);
  }
  return ctx.shellAtMinEta * SHELL_FORMULA_MIN_ETA / Math.sqrt(bg2);
}

/**
 * Barkas term L1 (the stopping number gains z*L1): per element L1 = 1.29 F(b/sqrt(X)) / (sqrt(Z) X^1.5),
 * X = beta^2 / (alpha^2 Z) (Ashley, Ritchie & Brandt 1972 form as used in ICRU 49 and Geant4
 * G4EmCorrections), averaged over the electrons of the compound (Bragg additivity).
 */
function barkasL1(ctx: MaterialContext, beta2: number): number {
  const ba2 = beta2 / (ALPHA * ALPHA);
  let sum = 0;
  const n = ctx.atomicNumber.length;
  for (let k = 0; k < n; k++) {
    const z = ctx.atomicNumber[k]!;
    const x = ba2 / z;
    const w = ctx.barkasB[k]! / Math.sqrt(x);
    sum += (ctx.electronFraction[k]! * arbFunction(w)) / (Math.sqrt(z) * x * Math.sqrt(x));
  }
  return BARKAS_NORMALISATION * sum;
}

/**
 * Bloch term z^2 L2 = -y^2 sum_{n>=1} 1 / (n (n^2 + y^2)),  y = z alpha / beta
 * (F. Bloch, Ann. Phys. 16 (1933) 285; ICRU 49 section 2). Summed exactly, with the tail from its
 * integral (relative error < 1e-9).
 */
export function blochTerm(y: number): number {
  const y2 = y * y;
  if (y2 === 0) return 0;
  const nMax = 16 + Math.ceil(8 * y);
  let sum = 0;
  for (let k = 1; k <= nMax; k++) sum += 1 / (k * (k * k + y2));
  // Tail by the midpoint Euler-Maclaurin rule, f(n) = 1 / (n (n^2 + y^2)):
  // sum_{n > N} f(n) ~ integral_{N+1/2}^inf f dn + f'(N + 1/2) / 24,
  // integral = ln(1 + y^2/c^2) / (2 y^2),  f'(c) = -(3 c^2 + y^2) / (c^3 + c y^2)^2.
  const c = nMax + 0.5;
  const c2 = c * c;
  sum += y2 > 1e-12 ? Math.log1p(y2 / c2) / (2 * y2) : 1 / (2 * c2) - y2 / (4 * c2 * c2);
  const g = c2 * c + c * y2;
  sum -= (3 * c2 + y2) / (24 * g * g);
  return -y2 * sum;
}

/**
 * Pierce & Blann effective charge, Phys. Rev. 173 (1968) 390:
 * z_eff = z [1 - exp(-125 beta z^(-2/3))].
 */
export function effectiveCharge(chargeNumber: number, beta: number): number {
  return chargeNumber * (1 - Math.exp(-125 * beta * chargeNumber ** (-2 / 3)));
}

// ---------------------------------------------------------------------------------------------
// The two regimes

export interface BetheTerms {
  /** Effective charge used (z for protons). */
  readonly chargeNumber: number;
  readonly beta2: number;
  /** 1/2 ln(2 m c^2 b^2 g^2 Tmax / I^2) - beta^2 */
  readonly leading: number;
  readonly densityEffectHalf: number;
  readonly shellCorrection: number;
  /** z L1 */
  readonly barkas: number;
  /** z^2 L2 */
  readonly bloch: number;
  /** Total stopping number L. */
  readonly stoppingNumber: number;
  /** Resulting mass stopping power, MeV cm^2/g. */
  readonly stoppingPowerMeVCm2PerG: number;
}

/** All terms of the Bethe formula for this ion, material and energy (MeV/u); for inspection and tests. */
export function betheTerms(ion: Ion, material: Material, energyMeVPerU: number): BetheTerms {
  return betheTermsIn(contextFor(material), ion, energyMeVPerU);
}

function betheTermsIn(ctx: MaterialContext, ion: Ion, energyMeVPerU: number): BetheTerms {
  const tau = (energyMeVPerU * ion.massNumber) / ion.massMeV;
  const gamma = 1 + tau;
  const bg2 = tau * (2 + tau);
  const beta2 = bg2 / (gamma * gamma);
  const r = ME / ion.massMeV;
  const tmax = (2 * ME * bg2) / (1 + 2 * gamma * r + r * r);
  const z = ion.chargeNumber > 1 ? effectiveCharge(ion.chargeNumber, Math.sqrt(beta2)) : ion.chargeNumber;
  const leading = 0.5 * Math.log(2 * ME * bg2 * tmax) - ctx.logExcitationMeV - beta2;
  const densityEffectHalf = 0.5 * densityEffect(ctx, bg2);
  const shell = shellCorrection(ctx, bg2);
  const barkas = z * barkasL1(ctx, beta2);
  const bloch = blochTerm((z * ALPHA) / Math.sqrt(beta2));
  const stoppingNumber = leading - densityEffectHalf - shell + barkas + bloch;
  return {
    chargeNumber: z, beta2, leading, densityEffectHalf, shellCorrection: shell, barkas, bloch, stoppingNumber,
    stoppingPowerMeVCm2PerG: (BETHE_K_MEV_CM2_PER_MOL * ctx.zOverA * z * z * stoppingNumber) / beta2,
  };
}

function betheStopping(ctx: MaterialContext, ion: Ion, energyMeVPerU: number): number {
  return betheTermsIn(ctx, ion, energyMeVPerU).stoppingPowerMeVCm2PerG;
}

/** ICRU 49 fit formula for T >= ~10 keV (T in keV per proton mass), eV/(1e15 atoms/cm^2). */
function icru49Fit(fit: readonly number[], tKeV: number): number {
  const low = fit[1]! * tKeV ** 0.45;
  const high = (fit[2]! / tKeV) * Math.log(1 + fit[3]! / tKeV + fit[4]! * tKeV);
  return (low * high) / (low + high);
}

/** Low-energy model (valid for E >= VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U). */
function lowEnergyStopping(ctx: MaterialContext, ion: Ion, energyMeVPerU: number): number {
  const tau = (energyMeVPerU * ion.massNumber) / ion.massMeV;
  // Proton with the same velocity, in keV per proton mass (the fits' variable).
  const tKeV = (tau * PROTON_MASS_MEV * 1000) / PROTON_MASS_U;
  let s = 0;
  const n = ctx.lowWeights.length;
  for (let k = 0; k < n; k++) s += ctx.lowWeights[k]! * icru49Fit(ctx.lowFits[k]!, tKeV);
  if (ion.chargeNumber > 1) {
    // Effective-charge scaling at equal velocity: S_ion = S_p (z_eff,ion / z_eff,p)^2.
    const beta = Math.sqrt(tau * (2 + tau)) / (1 + tau);
    const ratio = effectiveCharge(ion.chargeNumber, beta) / effectiveCharge(1, beta);
    s *= ratio * ratio;
  }
  return s;
}

function modelStopping(ctx: MaterialContext, ion: Ion, e: number): number {
  const { lower, upper } = LOW_ENERGY_JOIN_MEV_PER_U;
  if (e >= upper) return betheStopping(ctx, ion, e);
  if (e <= lower) {
    const floor = VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U;
    if (e >= floor) return lowEnergyStopping(ctx, ion, e);
    return lowEnergyStopping(ctx, ion, floor) * Math.sqrt(e / floor);
  }
  const t = Math.log(e / lower) / Math.log(upper / lower);
  const w = t * t * (3 - 2 * t);
  return (1 - w) * lowEnergyStopping(ctx, ion, e) + w * betheStopping(ctx, ion, e);
}

/**
 * Mass electronic stopping power of the whole ion (not per nucleon), MeV cm^2/g, at kinetic
 * energy per nucleon `energyMeVPerU`. No validity check beyond E >= 0 (use stoppingPower() for the
 * checked version); E = 0 gives 0.
 */
export function electronicStoppingPower(ion: Ion, material: Material, energyMeVPerU: number): number {
  if (!(energyMeVPerU >= 0) || energyMeVPerU === Infinity) {
    throw new BraggInputError(`energy ${energyMeVPerU} MeV/u is not a non-negative finite number`);
  }
  if (energyMeVPerU === 0) return 0;
  return modelStopping(contextFor(material), ion, energyMeVPerU);
}
