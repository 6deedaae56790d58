/**
 * CSDA ranges R(E) = A * integral_0^E dE_u / S(E_u) (E in MeV/u, S the mass electronic stopping
 * power of the whole ion, A the mass number) and the tables the transport kernel interpolates.
 *
 * Integration is done in u = ln E with 5-point Gauss-Legendre panels, split at every point where
 * the stopping-power model changes form (velocity-proportional floor, both ends of the low-energy
 * join, the lower validity limit of the shell-correction formula), so it is accurate to ~1e-9.
 * Below VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U, S ~ sqrt(E) and the integral is analytic.
 */
import { BraggInputError } from '../errors.js';
import type { Ion } from './ions.js';
import type { Material } from './materials.js';
import {
  electronicStoppingPower, LOW_ENERGY_JOIN_MEV_PER_U, SHELL_FORMULA_MIN_ETA,
  VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U,
} from './stoppingPower.js';

export interface RangeTable {
  readonly ion: Ion;
  readonly material: Material;
  readonly energyMinMeVPerU: number;
  readonly energyMaxMeVPerU: number;
  readonly binsPerDecade: number;
  /** n points, E_i = energyMin * 10^(i/binsPerDecade) (step adjusted so that the last one is energyMax). */
  readonly length: number;
  /** Natural logs: ln E_i = logEnergyMin + i * logEnergyStep. */
  readonly logEnergyMin: number;
  readonly logEnergyStep: number;
  /** S(E_i) for the whole ion, MeV cm^2/g. */
  readonly stoppingPowerMeVCm2PerG: Float64Array;
  /** R(E_i), g/cm^2. */
  readonly csdaRangeGPerCm2: Float64Array;
  /** Inverse table, log-spaced in range: ln R_j = logRangeMin + j * logRangeStep, R_0 = R(Emin), R_last = R(Emax). */
  readonly logRangeMin: number;
  readonly logRangeStep: number;
  /** E(R_j), MeV/u: accurate inverse of the range function (not of the interpolated table). */
  readonly energyAtRangeMeVPerU: Float64Array;
}

export const DEFAULT_TABLE = { energyMinMeVPerU: 0.01, energyMaxMeVPerU: 1000, binsPerDecade: 200 } as const;

/** Grid of a range table (any numbers, unlike the literal types of DEFAULT_TABLE). */
export interface RangeTableOptions {
  readonly energyMinMeVPerU: number;
  readonly energyMaxMeVPerU: number;
  readonly binsPerDecade: number;
}

/** Limits accepted for buildRangeTable options (MeV/u); below 0.01 MeV/u S ~ sqrt(E) is assumed.
 * Upper limit: the materials' nuclear and radiative losses are not modelled, and the tables are
 * meant for therapeutic beams (< 430 MeV/u). */
export const TABLE_ENERGY_LIMITS_MEV_PER_U = Object.freeze({ min: 0.001, max: 1000 });

// 5-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun Table 25.4).
const GL_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];
/** Widest Gauss-Legendre panel in ln E. */
const MAX_PANEL = 0.05;

/** ln E of the points where S(E) changes its functional form, for this ion. */
function breakpoints(ion: Ion): number[] {
  const eta = SHELL_FORMULA_MIN_ETA;
  const shellLimitMeVPerU = ((Math.sqrt(1 + eta * eta) - 1) * ion.massMeV) / ion.massNumber;
  return [
    VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U, LOW_ENERGY_JOIN_MEV_PER_U.lower, LOW_ENERGY_JOIN_MEV_PER_U.upper,
    shellLimitMeVPerU,
  ].map(Math.log).sort((a, b) => a - b);
}

/** integral_{uA}^{uB} E / S(E) du with u = ln E (uA <= uB); units g/cm^2 per nucleon. */
function integrateLogEnergy(ion: Ion, material: Material, uA: number, uB: number, cuts: readonly number[]): number {
  let total = 0;
  let a = uA;
  const ends = cuts.filter((c) => c > uA && c < uB);
  ends.push(uB);
  for (const b of ends) {
    const panels = Math.max(1, Math.ceil((b - a) / MAX_PANEL - 1e-9));
    const h = (b - a) / panels;
    for (let p = 0; p < panels; p++) {
      const mid = a + (p + 0.5) * h;
      let sum = 0;
      for (let k = 0; k < 5; k++) {
        const e = Math.exp(mid + 0.5 * h * GL_X[k]!);
        sum += (GL_W[k]! * e) / electronicStoppingPower(ion, material, e);
      }
      total += 0.5 * h * sum;
    }
    a = b;
  }
  return total;
}

/** CSDA range without validity check, g/cm^2. */
function rangeFromZero(ion: Ion, material: Material, energyMeVPerU: number, cuts: readonly number[]): number {
  const floor = VELOCITY_PROPORTIONAL_BELOW_MEV_PER_U;
  const sFloor = electronicStoppingPower(ion, material, floor);
  if (energyMeVPerU <= floor) return (ion.massNumber * 2 * Math.sqrt(energyMeVPerU * floor)) / sFloor;
  return ion.massNumber * ((2 * floor) / sFloor + integrateLogEnergy(ion, material, Math.log(floor),
    Math.log(energyMeVPerU), cuts));
}

/** Relative slack at the interval ends, so that exp(ln(Emax)) and similar round-off still pass. */
const ENERGY_SLACK = 1e-9;

/** The energy, clamped to the valid interval; a user error if it lies outside (beyond round-off). */
function checkedEnergy(energyMeVPerU: number): number {
  const { energyMinMeVPerU: lo, energyMaxMeVPerU: hi } = DEFAULT_TABLE;
  if (!(energyMeVPerU >= lo * (1 - ENERGY_SLACK) && energyMeVPerU <= hi * (1 + ENERGY_SLACK))) {
    throw new BraggInputError(`energy ${energyMeVPerU} MeV/u is outside the valid interval [${lo}, ${hi}] MeV/u`);
  }
  return Math.min(Math.max(energyMeVPerU, lo), hi);
}

/**
 * CSDA range, g/cm^2, at kinetic energy per nucleon `energyMeVPerU` (accurate integration, not a
 * table lookup). Energies outside [DEFAULT_TABLE.energyMinMeVPerU, DEFAULT_TABLE.energyMaxMeVPerU]
 * are a user error.
 */
export function csdaRange(ion: Ion, material: Material, energyMeVPerU: number): number {
  return rangeFromZero(ion, material, checkedEnergy(energyMeVPerU), breakpoints(ion));
}

/** Mass electronic stopping power (MeV cm^2/g, whole ion) with the same energy check as csdaRange. */
export function stoppingPower(ion: Ion, material: Material, energyMeVPerU: number): number {
  return electronicStoppingPower(ion, material, checkedEnergy(energyMeVPerU));
}

function checkOptions(o: RangeTableOptions): void {
  const { min, max } = TABLE_ENERGY_LIMITS_MEV_PER_U;
  const { energyMinMeVPerU: lo, energyMaxMeVPerU: hi, binsPerDecade: bins } = o;
  if (!(lo >= min && hi <= max && lo < hi)) {
    throw new BraggInputError(
      `range table energies [${lo}, ${hi}] MeV/u must satisfy ${min} <= min < max <= ${max} MeV/u`);
  }
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 10000)) {
    throw new BraggInputError(`range table binsPerDecade must be an integer from 1 to 10000 (got ${bins})`);
  }
}

/**
 * R(E) on a log-spaced energy grid, S(E) on the same grid, and E(R) on a log-spaced range grid.
 * binsPerDecade sets the grid density; the step is adjusted slightly so that the last point is
 * exactly energyMax.
 */
export function buildRangeTable(ion: Ion, material: Material, options?: Partial<RangeTableOptions>): RangeTable {
  const opts: RangeTableOptions = { ...DEFAULT_TABLE, ...options };
  checkOptions(opts);
  const { energyMinMeVPerU: eMin, energyMaxMeVPerU: eMax, binsPerDecade } = opts;
  const n = Math.max(2, Math.round(Math.log10(eMax / eMin) * binsPerDecade) + 1);
  const logEnergyMin = Math.log(eMin);
  const logEnergyStep = Math.log(eMax / eMin) / (n - 1);
  const cuts = breakpoints(ion);
  const a = ion.massNumber;

  const energies = new Float64Array(n);
  const stopping = new Float64Array(n);
  const range = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    energies[i] = i === n - 1 ? eMax : i === 0 ? eMin : Math.exp(logEnergyMin + i * logEnergyStep);
    stopping[i] = electronicStoppingPower(ion, material, energies[i]!);
  }
  range[0] = rangeFromZero(ion, material, eMin, cuts);
  for (let i = 1; i < n; i++) {
    range[i] = range[i - 1]! + a * integrateLogEnergy(ion, material, Math.log(energies[i - 1]!),
      Math.log(energies[i]!), cuts);
  }

  // Inverse on a log-spaced range grid: cubic Hermite in (ln R -> ln E) with exact slopes
  // d lnE / d lnR = R S / (A E), then one Newton step on the exact range integral.
  const logRangeMin = Math.log(range[0]!);
  const logRangeStep = Math.log(range[n - 1]! / range[0]!) / (n - 1);
  const inverse = new Float64Array(n);
  inverse[0] = eMin;
  inverse[n - 1] = eMax;
  const slope = (i: number): number => (range[i]! * stopping[i]!) / (a * energies[i]!);
  let cell = 0;
  for (let j = 1; j < n - 1; j++) {
    const s = logRangeMin + j * logRangeStep;
    const target = Math.exp(s);
    while (cell < n - 2 && range[cell + 1]! < target) cell++;
    const s0 = Math.log(range[cell]!);
    const s1 = Math.log(range[cell + 1]!);
    const u0 = Math.log(energies[cell]!);
    const u1 = Math.log(energies[cell + 1]!);
    const h = s1 - s0;
    const t = (s - s0) / h;
    const t2 = t * t;
    const t3 = t2 * t;
    let u = (2 * t3 - 3 * t2 + 1) * u0 + (t3 - 2 * t2 + t) * h * slope(cell)
      + (-2 * t3 + 3 * t2) * u1 + (t3 - t2) * h * slope(cell + 1);
    u = Math.min(Math.max(u, u0), u1);
    // Newton polish against the exact integral from the cell start.
    const e = Math.exp(u);
    const r = range[cell]! + a * integrateLogEnergy(ion, material, u0, u, cuts);
    const sE = electronicStoppingPower(ion, material, e);
    u += (s - Math.log(r)) * ((r * sE) / (a * e));
    inverse[j] = Math.exp(Math.min(Math.max(u, u0), u1));
  }

  return Object.freeze({
    ion, material,
    energyMinMeVPerU: eMin, energyMaxMeVPerU: eMax, binsPerDecade,
    length: n, logEnergyMin, logEnergyStep,
    stoppingPowerMeVCm2PerG: stopping,
    csdaRangeGPerCm2: range,
    logRangeMin, logRangeStep,
    energyAtRangeMeVPerU: inverse,
  });
}
