/**
 * Cross sections for elements that ICRU 63 does not tabulate, scaled from the two tabulated
 * elements that bracket them in atomic weight A.
 *
 * Rule: each neighbour's sigma(E) is scaled geometrically, sigma ~ A^(2/3) (the geometric cross
 * section pi R^2 of a nucleus of radius R = r0 A^(1/3); the high-energy proton parameterisation of
 * Letaw, Silberberg & Tsao, ApJS 51 (1983) 271, grows as A^0.7), and the two estimates are blended
 * linearly in ln A:
 *
 *   sigma_X(E) = (1 - t) sigma_lo(E) (A_X/A_lo)^(2/3) + t sigma_hi(E) (A_X/A_hi)^(2/3),
 *   t = ln(A_X/A_lo) / ln(A_hi/A_lo).
 *
 * It is exact for sigma ~ A^(2/3), reproduces the neighbours at their own A, and stays defined
 * where one neighbour is below its threshold (sigma = 0). Accuracy, measured by leaving each
 * tabulated element out and scaling it from its neighbours (test/physics/nuclearCrossSections.test.ts),
 * for N, O, Al, Si and Ca: nonelastic within 7 % from 30 to 200 MeV and 11 % from 20 MeV, up to
 * 26 % near thresholds (10-15 MeV, where the Coulomb barrier rather than A sets sigma) and where
 * ICRU 63's own tables bend (Fe, Cu above 200 MeV); elastic within 7 % from 20 to 200 MeV.
 *
 * Neighbours: any ICRU 63 element for nonelastic. For elastic, phosphorus and copper are not used:
 * their tabulated elastic cross sections are 2-5.6 times the integral of their own angular
 * distributions (0.84-0.99 for the nine other elements; see README.md), so they would carry that
 * inconsistency into the scaled elements.
 *
 * Elements of the built-in materials that are scaled (neighbours nonelastic / elastic):
 *   F, Na, Mg: O-Al / O-Al;   S, Cl, Ar, K: P-Ca / Si-Ca;   Ti: Ca-Fe / Ca-Fe;   Zn: Cu-W / Fe-W.
 * Hydrogen has its own model (protonProtonElastic.ts); helium and lithium to boron lie below the
 * lightest tabulated element (carbon) and are not supported.
 */
import { getElement } from '../elements.js';
import type { Icru63ElementData } from './crossSectionTable.js';
import { ICRU63_ELEMENTS } from './icru63/index.js';

export type NuclearChannel = 'nonelastic' | 'elastic';

/** Tabulated elements whose elastic cross sections are not used as scaling neighbours (see above). */
export const ELASTIC_SCALING_EXCLUDED: readonly number[] = Object.freeze([15, 29]);

export interface ScalingNeighbours {
  readonly lower: Icru63ElementData;
  readonly upper: Icru63ElementData;
  /** Weight of the upper neighbour, t = ln(A/A_lower) / ln(A_upper/A_lower). */
  readonly upperWeight: number;
  /** (A/A_lower)^(2/3) and (A/A_upper)^(2/3). */
  readonly lowerFactor: number;
  readonly upperFactor: number;
}

/**
 * The two tabulated elements bracketing `atomicWeight`, with the scaling weights. `exclude` lists
 * atomic numbers not to use (an element left out of its own scaling, in tests).
 */
export function scalingNeighboursFor(atomicWeight: number, channel: NuclearChannel,
  exclude: readonly number[] = []): ScalingNeighbours {
  const candidates = ICRU63_ELEMENTS.filter((e) => !exclude.includes(e.atomicNumber)
    && !(channel === 'elastic' && ELASTIC_SCALING_EXCLUDED.includes(e.atomicNumber)));
  let lower: Icru63ElementData | undefined;
  let upper: Icru63ElementData | undefined;
  for (const e of candidates) {
    if (e.atomicWeight <= atomicWeight && (lower === undefined || e.atomicWeight > lower.atomicWeight)) lower = e;
    if (e.atomicWeight > atomicWeight && (upper === undefined || e.atomicWeight < upper.atomicWeight)) upper = e;
  }
  if (lower === undefined || upper === undefined) {
    throw new RangeError(`no ICRU 63 elements bracket A = ${atomicWeight} for ${channel} scaling`);
  }
  return {
    lower, upper,
    upperWeight: Math.log(atomicWeight / lower.atomicWeight) / Math.log(upper.atomicWeight / lower.atomicWeight),
    lowerFactor: (atomicWeight / lower.atomicWeight) ** (2 / 3),
    upperFactor: (atomicWeight / upper.atomicWeight) ** (2 / 3),
  };
}

/** Neighbours of an element of src/physics/elements.ts by atomic number. */
export function scalingNeighbours(atomicNumber: number, channel: NuclearChannel): ScalingNeighbours {
  return scalingNeighboursFor(getElement(atomicNumber).atomicWeight, channel);
}
