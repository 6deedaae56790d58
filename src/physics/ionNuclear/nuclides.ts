/**
 * Nuclides for the nucleus-nucleus reaction cross sections: the projectiles and fragments a
 * He, C or O beam carries (Z = 1...8), the nuclide that stands for each target element, and the
 * checks every public function applies to a (Z, A) pair.
 *
 * Target elements are represented by their most abundant stable isotope (mass numbers from the
 * IUPAC table of isotopic compositions, J. Meija et al., Pure Appl. Chem. 88 (2016) 293). The
 * cross sections below grow about as A^(2/3), so using the most abundant isotope instead of the
 * natural mix lowers an element's cross section by less than 1 % for every element listed but
 * zinc (Cl: 35 against a mean 35.45, -0.9 %; Cu: 63 against 63.55, -0.6 %; Zn: 64 against 65.41,
 * -1.5 %, and zinc is at most 0.01 % of a built-in material by mass).
 */

export interface Nuclide {
  /** Z, protons. */
  readonly chargeNumber: number;
  /** A, nucleons. */
  readonly massNumber: number;
}

export interface NamedNuclide extends Nuclide {
  readonly name: string;
}

const N = (name: string, chargeNumber: number, massNumber: number): NamedNuclide =>
  Object.freeze({ name, chargeNumber, massNumber });

/**
 * Projectiles and fragments with Z = 1...8: the stable isotopes and the long-lived or common
 * projectile fragments of He, C and O beams (7Be, 10C, 11C, 13N, 14O, 15O).
 */
export const ION_NUCLEAR_PROJECTILES: readonly NamedNuclide[] = Object.freeze([
  N('p', 1, 1), N('d', 1, 2), N('t', 1, 3),
  N('3He', 2, 3), N('4He', 2, 4),
  N('6Li', 3, 6), N('7Li', 3, 7),
  N('7Be', 4, 7), N('9Be', 4, 9),
  N('10B', 5, 10), N('11B', 5, 11),
  N('10C', 6, 10), N('11C', 6, 11), N('12C', 6, 12), N('13C', 6, 13),
  N('13N', 7, 13), N('14N', 7, 14), N('15N', 7, 15),
  N('14O', 8, 14), N('15O', 8, 15), N('16O', 8, 16),
]);

/** The projectile named `name` ('12C', '4He', 'p', ...); a RangeError lists the names otherwise. */
export function ionNuclearProjectile(name: string): NamedNuclide {
  const found = ION_NUCLEAR_PROJECTILES.find((n) => n.name === name);
  if (found === undefined) {
    throw new RangeError(`unknown projectile '${name}' (known: ${ION_NUCLEAR_PROJECTILES.map((n) => n.name).join(', ')})`);
  }
  return found;
}

/**
 * Mass number of the most abundant stable isotope of each element we may meet as a target (the
 * elements of src/physics/elements.ts, plus W and Pb), Meija et al. 2016 (see the file comment).
 */
const TARGET_MASS_NUMBERS: ReadonlyMap<number, number> = new Map([
  [1, 1], [2, 4], [6, 12], [7, 14], [8, 16], [9, 19], [11, 23], [12, 24], [13, 27], [14, 28],
  [15, 31], [16, 32], [17, 35], [18, 40], [19, 39], [20, 40], [22, 48], [26, 56], [29, 63],
  [30, 64], [74, 184], [82, 208],
]);

/** The elements (Z) that have a target nuclide, ascending. */
export const ION_NUCLEAR_TARGET_ELEMENTS: readonly number[] = Object.freeze([...TARGET_MASS_NUMBERS.keys()]);

/** The nuclide standing for element Z as a target (its most abundant isotope). */
export function targetNuclide(atomicNumber: number): Nuclide {
  const massNumber = TARGET_MASS_NUMBERS.get(atomicNumber);
  if (massNumber === undefined) {
    throw new RangeError(`target element Z=${atomicNumber} has no reaction cross sections `
      + `(allowed Z: ${ION_NUCLEAR_TARGET_ELEMENTS.join(', ')})`);
  }
  return Object.freeze({ chargeNumber: atomicNumber, massNumber });
}

/** Largest Z accepted by the formulas (uranium); they were fitted up to Pb-U systems. */
export const ION_NUCLEAR_MAX_CHARGE_NUMBER = 92;

/**
 * Throws a RangeError naming `argument` unless (Z, A) is a plausible nucleus: Z an integer from 1
 * to ION_NUCLEAR_MAX_CHARGE_NUMBER, A an integer with Z <= A <= 3Z (1 <= A <= 3 for hydrogen, up to 8 for helium: 8He is
 * a fragment the engine transports). The bounds are a sanity check, not a table of bound nuclei.
 */
export function checkNuclide(nuclide: Nuclide, argument: string): void {
  const z = nuclide?.chargeNumber;
  const a = nuclide?.massNumber;
  if (!Number.isInteger(z) || z < 1 || z > ION_NUCLEAR_MAX_CHARGE_NUMBER) {
    throw new RangeError(`${argument}: charge number Z=${z} must be an integer from 1 to ${ION_NUCLEAR_MAX_CHARGE_NUMBER}`);
  }
  const aMax = z === 1 ? 3 : z === 2 ? 8 : 3 * z;
  if (!Number.isInteger(a) || a < z || a > aMax) {
    throw new RangeError(`${argument}: mass number A=${a} must be an integer from ${z} to ${aMax} for Z=${z}`);
  }
}

/** Throws a RangeError naming `argument` unless it is a finite energy > 0 (MeV/u). */
export function checkEnergyMeVPerU(energyMeVPerU: number, argument = 'energyMeVPerU'): void {
  if (!Number.isFinite(energyMeVPerU) || energyMeVPerU <= 0) {
    throw new RangeError(`${argument}=${energyMeVPerU} must be a finite energy > 0 MeV/u`);
  }
}
