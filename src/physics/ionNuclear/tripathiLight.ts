/**
 * Tripathi's rules for light systems: any pair in which one nucleus is a proton, a deuteron,
 * 3He or 4He (R. K. Tripathi, F. A. Cucinotta & J. W. Wilson, "Universal parameterization of
 * absorption cross sections III - light systems", Nucl. Instrum. Methods B 155 (1999) 349, also
 * NASA TP-1999-209726; the alpha-nucleus D is already in NASA TP-3621 (1997)). The constants
 * below are the paper's as tabulated in Geant4's G4TripathiLightCrossSection (P. R. Truscott,
 * QinetiQ, with J. M. Quesada's 2010 correction of X_m to the paper's eq. 14); we checked them
 * against each other, not against a scan of the paper.
 *
 * For a light pair the universal formula (tripathi.ts) changes in four places:
 *  - T1 and D of the transparency term C_E take the values of `tripathiLightSystemParameters`;
 *  - the Coulomb term becomes 1 - R_c B / E_cm, R_c from the table in `tripathiCoulombMultiplier`;
 *  - the whole cross section is multiplied by X_m = 1 - X1 exp(-E / (X1 S_L)), with
 *    X1 = 2.83 - 3.1e-2 A + 1.7e-4 A^2 (A of the heavier partner) and S_L = 1.2 + 1.6 (1 - exp(-E/15)),
 *    E in MeV/u; X_m differs from 1 by less than 1e-3 above 100 MeV/u for targets up to Pb;
 *  - the neutron-excess term uses the heavier partner's (A - 2Z) and the lighter one's Z.
 * Every rule reads the same with projectile and target exchanged, so a light pair's cross section
 * is symmetric at equal energy per nucleon. That is what makes "ion on hydrogen" the same number
 * as "proton on that ion" at the same energy per nucleon (tripathi.ts, hydrogen targets).
 */
import type { Nuclide } from './nuclides.js';

const is = (n: Nuclide, z: number, a: number): boolean => n.chargeNumber === z && n.massNumber === a;
const isLight = (n: Nuclide): boolean => is(n, 1, 1) || is(n, 1, 2) || is(n, 2, 3) || is(n, 2, 4);

/** True when one of the two nuclei is p, d, 3He or 4He: the light-system rules apply. */
export function isTripathiLightSystem(a: Nuclide, b: Nuclide): boolean {
  return isLight(a) || isLight(b);
}

export interface TripathiLightSystemParameters {
  /** T1 of C_E, MeV/u. */
  readonly transparencyEnergyMeVPerU: number;
  /** D of C_E. */
  readonly pauliBlockingD: number;
}

/** T1 and G (MeV/u) for 4He on a nucleus of charge Z (NIM B 155 (1999) 349, via Geant4). */
function alphaT1AndG(partner: Nuclide): readonly [number, number] {
  if (is(partner, 2, 4)) return [40, 300];
  switch (partner.chargeNumber) {
    case 4: return [25, 300];
    case 7: return [40, 500];
    case 13: return [25, 300];
    case 26: return [40, 300];
    default: return [40, 75];
  }
}

/**
 * T1 and D for a light pair at E MeV/u. Order of the rules (first match): a proton in the pair;
 * a deuteron; 3He; 4He (D of NASA TP-3621: 2.77 - 8.0e-3 A + 1.8e-5 A^2 - 0.8 / (1 + exp((250 - E)/G)),
 * A the partner's mass number).
 */
export function tripathiLightSystemParameters(a: Nuclide, b: Nuclide, energyMeVPerU: number): TripathiLightSystemParameters {
  const e = energyMeVPerU;
  if (is(a, 1, 1) || is(b, 1, 1)) {
    return { transparencyEnergyMeVPerU: 23, pauliBlockingD: 1.85 + 0.16 / (1 + Math.exp((500 - e) / 200)) };
  }
  if (is(a, 1, 2) || is(b, 1, 2)) {
    return { transparencyEnergyMeVPerU: 23, pauliBlockingD: 1.65 + 0.1 / (1 + Math.exp((500 - e) / 200)) };
  }
  if (is(a, 2, 3) || is(b, 2, 3)) return { transparencyEnergyMeVPerU: 40, pauliBlockingD: 1.55 };
  if (!is(a, 2, 4) && !is(b, 2, 4)) throw new RangeError('tripathiLightSystemParameters: neither nucleus is p, d, 3He or 4He');
  const partner = is(a, 2, 4) ? b : a;
  const [t1, g] = alphaT1AndG(partner);
  const ap = partner.massNumber;
  return {
    transparencyEnergyMeVPerU: t1,
    pauliBlockingD: 2.77 - 8.0e-3 * ap + 1.8e-5 * ap * ap - 0.8 / (1 + Math.exp((250 - e) / g)),
  };
}

/** R_c, the multiplier of the Coulomb barrier for light pairs (1 when not listed). */
export function tripathiCoulombMultiplier(a: Nuclide, b: Nuclide): number {
  const pair = (x: Nuclide, y: Nuclide): number | undefined => {
    if (is(x, 1, 1)) {
      if (is(y, 1, 2)) return 13.5;
      if (is(y, 2, 3)) return 21;
      if (is(y, 2, 4)) return 27;
      if (y.chargeNumber === 3) return 2.2;
    }
    if (is(x, 1, 2)) {
      if (is(y, 1, 2) || is(y, 2, 4)) return 13.5;
      if (is(y, 6, 12)) return 6;
    }
    if (is(x, 2, 4) && (y.chargeNumber === 73 || y.chargeNumber === 79)) return 0.6;
    return undefined;
  };
  return pair(a, b) ?? pair(b, a) ?? 1;
}

/** X_m, the low-energy factor of light pairs (see the file comment), at E MeV/u. */
export function tripathiLowEnergyFactor(a: Nuclide, b: Nuclide, energyMeVPerU: number): number {
  const heavy = Math.max(a.massNumber, b.massNumber);
  const x1 = 2.83 - 3.1e-2 * heavy + 1.7e-4 * heavy * heavy;
  const sl = 1.2 + 1.6 * (1 - Math.exp(-energyMeVPerU / 15));
  return 1 - x1 * Math.exp(-energyMeVPerU / (x1 * sl));
}
