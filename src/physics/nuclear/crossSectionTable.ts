/**
 * A tabulated cross section sigma(E) and how it is read between and beyond its points.
 *
 * Interpolation is linear in E and in sigma (lin-lin):
 *  - MCsquare, the engine we compare doses with, reads the same tables lin-lin
 *    (src/compute_nuclear_interaction.c, Linear_Interpolation), so the two engines use one model;
 *  - the nonelastic tables are dense (1 MeV steps below 20 MeV, 2-30 MeV above) and smooth: above
 *    20 MeV lin-lin and log-log readings differ by < 0.5 % for every element. Below 20 MeV they
 *    differ by more only in the first cells above threshold, where sigma is small and rises
 *    steeply, which log-log does not describe better;
 *  - it is defined where sigma = 0, which log-log is not.
 * The elastic tables fall steeply (roughly as E^-1.6) and step 10 MeV from 20 to 40 MeV for
 * C, N and O: there lin-lin reads up to 9 % (O at 25 MeV) above log-log. We keep lin-lin for them
 * too, as MCsquare does; the elastic channel changes a proton's energy and direction only a little.
 * (All figures measured in test/physics/nuclearCrossSections.test.ts.)
 *
 * Outside the table: zero below the first tabulated energy (the ICRU 63 tables start at 1-7 MeV,
 * near the energy where the reaction becomes possible or significant, so the step is at most the
 * first tabulated value), and the last tabulated value above the last
 * energy (250 MeV for every ICRU 63 table except copper's elastic one, 150 MeV). Nonelastic cross
 * sections are nearly flat from 200 MeV up; above 250 MeV the constant is our assumption, not
 * ICRU 63 data.
 */

/** [proton kinetic energy MeV, cross section barn] pairs, energies strictly ascending. */
export type CrossSectionPairs = readonly (readonly [number, number])[];

/** One element's ICRU 63 proton cross sections (see the data modules in ./icru63/). */
export interface Icru63ElementData {
  readonly atomicNumber: number;
  readonly symbol: string;
  /** Standard atomic weight, g/mol. */
  readonly atomicWeight: number;
  readonly nonelastic: CrossSectionPairs;
  readonly elastic: CrossSectionPairs;
}

/** A cross-section table in columns, for interpolation. */
export interface CrossSectionTable {
  readonly energyMeV: Float64Array;
  readonly crossSectionBarn: Float64Array;
}

/** Columns of a pairs table; throws if the energies are not strictly ascending or a value is negative. */
export function crossSectionTable(pairs: CrossSectionPairs): CrossSectionTable {
  const n = pairs.length;
  if (n < 2) throw new RangeError(`a cross-section table needs at least 2 points (got ${n})`);
  const energyMeV = new Float64Array(n);
  const crossSectionBarn = new Float64Array(n);
  pairs.forEach(([e, s], i) => {
    if (!(Number.isFinite(e) && Number.isFinite(s) && s >= 0 && (i === 0 || e > energyMeV[i - 1]!))) {
      throw new RangeError(`bad cross-section table entry ${i}: ${e} MeV, ${s} b`);
    }
    energyMeV[i] = e;
    crossSectionBarn[i] = s;
  });
  return { energyMeV, crossSectionBarn };
}

/**
 * sigma(E) in barn, lin-lin between the tabulated points, 0 below the first energy, the last
 * value above the last energy (see the file comment).
 */
export function interpolateCrossSectionBarn(table: CrossSectionTable, energyMeV: number): number {
  const { energyMeV: e, crossSectionBarn: s } = table;
  const last = e.length - 1;
  if (!(energyMeV >= e[0]!)) return 0; // also NaN
  if (energyMeV >= e[last]!) return s[last]!;
  // Binary search for the cell e[lo] <= E < e[lo + 1].
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (e[mid]! <= energyMeV) lo = mid;
    else hi = mid;
  }
  const f = (energyMeV - e[lo]!) / (e[lo + 1]! - e[lo]!);
  return s[lo]! + f * (s[lo + 1]! - s[lo]!);
}
