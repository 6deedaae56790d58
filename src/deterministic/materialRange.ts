/**
 * CSDA range R(E) of one ion in one material and its inverse E(R), in f64, for
 * the host-side tables of the deterministic solver.
 *
 * Built on the physics range table (src/physics/rangeTables.ts buildRangeTable,
 * the tables the Monte Carlo packs to f32 in src/engine/materialTables.ts; here
 * at their f64 accuracy, 200 points per decade): R is the cubic Hermite
 * interpolant in u = ln E through the table's points with the exact slopes
 * dR/du = A E / S(E) (S the whole ion's mass stopping power), and E(R) inverts
 * that same interpolant (safeguarded Newton), so R(E(R)) = R to rounding. The
 * energy grid relies on it: a step in water moves a particle exactly one bin.
 *
 * Error budget: Hermite error <= h^4/384 max|d4R/du4| with h = ln(10)/200, about
 * 5e-11 R (R is close to a power of E, R ~ E^1.75, so d4R/du4 ~ 10 R), far below
 * the table's own 1e-9 (rangeTables.ts).
 */
import type { Ion, Material, RangeTable } from '../physics/index.js';
import { buildRangeTable, electronicStoppingPower } from '../physics/index.js';

export interface MaterialRange {
  readonly ion: Ion;
  readonly material: Material;
  /** Energies (MeV/u) and ranges (g/cm^2) the functions accept. */
  readonly energyMinMeVPerU: number;
  readonly energyMaxMeVPerU: number;
  readonly rangeMinGPerCm2: number;
  readonly rangeMaxGPerCm2: number;
  /** CSDA range (g/cm^2) at kinetic energy per nucleon E (MeV/u). */
  rangeGPerCm2(energyMeVPerU: number): number;
  /** The energy per nucleon (MeV/u) whose CSDA range is R (g/cm^2): the inverse of rangeGPerCm2. */
  energyMeVPerU(rangeGPerCm2: number): number;
  /** Mass electronic stopping power of the whole ion (MeV cm^2/g). */
  stoppingPowerMeVCm2PerG(energyMeVPerU: number): number;
}

/** Hermite basis on [0, 1]: value at t of the cubic with values r0, r1 and slopes (times h) m0, m1. */
function hermite(t: number, r0: number, m0: number, r1: number, m1: number): number {
  const t2 = t * t;
  const t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * r0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * r1 + (t3 - t2) * m1;
}

/** d/dt of hermite(). */
function hermiteSlope(t: number, r0: number, m0: number, r1: number, m1: number): number {
  const t2 = t * t;
  return (6 * t2 - 6 * t) * (r0 - r1) + (3 * t2 - 4 * t + 1) * m0 + (3 * t2 - 2 * t) * m1;
}

function checked(value: number, lo: number, hi: number, what: string): number {
  const slack = 1e-12 * hi;
  if (!(value >= lo - slack && value <= hi + slack)) {
    throw new RangeError(`${what} ${value} is outside the range table [${lo}, ${hi}]`);
  }
  return Math.min(Math.max(value, lo), hi);
}

/** R(E) and E(R) of `ion` in `material` from a physics range table (default grid unless `table` is given). */
export function buildMaterialRange(ion: Ion, material: Material, table: RangeTable = buildRangeTable(ion, material)): MaterialRange {
  const n = table.length;
  const h = table.logEnergyStep;
  const range = table.csdaRangeGPerCm2;
  // Slopes dR/du times the cell width h, at every table point.
  const slopeH = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const energy = Math.exp(table.logEnergyMin + i * h);
    slopeH[i] = ((ion.massNumber * energy) / table.stoppingPowerMeVCm2PerG[i]!) * h;
  }
  const cellValue = (i: number, t: number) => hermite(t, range[i]!, slopeH[i]!, range[i + 1]!, slopeH[i + 1]!);
  const rangeMin = range[0]!;
  const rangeMax = range[n - 1]!;

  const rangeGPerCm2 = (energyMeVPerU: number): number => {
    const e = checked(energyMeVPerU, table.energyMinMeVPerU, table.energyMaxMeVPerU, 'energy (MeV/u)');
    const position = (Math.log(e) - table.logEnergyMin) / h;
    const i = Math.min(Math.max(Math.floor(position), 0), n - 2);
    return cellValue(i, Math.min(Math.max(position - i, 0), 1));
  };

  const energyMeVPerU = (rangeGPerCm2: number): number => {
    const r = checked(rangeGPerCm2, rangeMin, rangeMax, 'range (g/cm^2)');
    // The cell i with R_i <= r <= R_i+1 (R increases with E).
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (range[mid]! <= r) lo = mid; else hi = mid;
    }
    const i = lo;
    const r0 = range[i]!, r1 = range[i + 1]!, m0 = slopeH[i]!, m1 = slopeH[i + 1]!;
    // Newton on the cubic from the linear guess, kept inside a bisection bracket.
    let tLo = 0;
    let tHi = 1;
    let t = (r - r0) / (r1 - r0);
    for (let k = 0; k < 60; k++) {
      const f = hermite(t, r0, m0, r1, m1) - r;
      if (f === 0) break;
      if (f < 0) tLo = t; else tHi = t;
      let next = t - f / hermiteSlope(t, r0, m0, r1, m1);
      if (!(next > tLo && next < tHi)) next = 0.5 * (tLo + tHi);
      if (Math.abs(next - t) <= 1e-16) { t = next; break; }
      t = next;
    }
    return Math.exp(table.logEnergyMin + (i + t) * h);
  };

  return {
    ion, material,
    energyMinMeVPerU: table.energyMinMeVPerU, energyMaxMeVPerU: table.energyMaxMeVPerU,
    rangeMinGPerCm2: rangeMin, rangeMaxGPerCm2: rangeMax,
    rangeGPerCm2,
    energyMeVPerU,
    stoppingPowerMeVCm2PerG: (energyMeVPerU: number) => electronicStoppingPower(ion, material, energyMeVPerU),
  };
}
