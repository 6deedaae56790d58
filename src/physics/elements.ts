/**
 * Per-element facts used by the materials and the stopping-power model.
 *
 * Sources (cited per field below):
 *  - standard atomic weights: the values used by the NIST material composition
 *    data of ESTAR/PSTAR/ASTAR and by the PDG Atomic & Nuclear Properties tables
 *    (IUPAC 2005, M. E. Wieser, Pure Appl. Chem. 78 (2006) 2051);
 *  - mean excitation energies of the elements: ICRU Report 37 (1984) recommended
 *    values, as used by NIST ESTAR/PSTAR (H2 gas 19.2 eV, O2 gas 95 eV, Al 166 eV, ...);
 *  - I-values of elements bound in condensed compounds: Seltzer & Berger,
 *    Int. J. Appl. Radiat. Isot. 33 (1982) 1189 (adopted by ICRU 37 and 49):
 *    H 19.2, C 81, N 82, O 106, F 112, Cl 180 eV, other elements 1.13 x I_element;
 *  - low-energy proton stopping fit coefficients A1..A5: ICRU Report 49 (1993),
 *    Ziegler-type parameterisation (numbers as tabulated in Geant4 G4BraggModel.cc);
 *  - radiation lengths: Tsai's formula, Rev. Mod. Phys. 46 (1974) 815, as given in
 *    PDG Review of Particle Physics, "Passage of particles through matter" (radiation length section).
 */

export interface ElementData {
  readonly atomicNumber: number;
  readonly symbol: string;
  /** Standard atomic weight, g/mol. */
  readonly atomicWeight: number;
  /** Mean excitation energy of the pure element (ICRU 37), eV. */
  readonly meanExcitationEnergyEV: number;
  /**
   * ICRU 49 proton electronic-stopping fit coefficients [A1..A5] for T in keV
   * (per proton mass ~ keV/u), giving eV / (10^15 atoms/cm^2):
   *   T < 10 keV: A1 sqrt(T);  otherwise S = S_low S_high / (S_low + S_high),
   *   S_low = A2 T^0.45,  S_high = (A3 / T) ln(1 + A4 / T + A5 T).
   */
  readonly icru49ProtonFit: readonly [number, number, number, number, number];
}

const E = (
  atomicNumber: number, symbol: string, atomicWeight: number, meanExcitationEnergyEV: number,
  icru49ProtonFit: readonly [number, number, number, number, number],
): ElementData => Object.freeze({ atomicNumber, symbol, atomicWeight, meanExcitationEnergyEV, icru49ProtonFit });

/** Elements that occur in the built-in materials (and a few neighbours). */
const ELEMENT_LIST: readonly ElementData[] = [
  E(1, 'H', 1.00794, 19.2, [1.254, 1.44, 242.6, 12000, 0.1159]),
  E(2, 'He', 4.002602, 41.8, [1.229, 1.397, 484.5, 5873, 0.05225]),
  E(6, 'C', 12.0107, 78.0, [2.631, 2.601, 1701, 1279, 0.01638]),
  E(7, 'N', 14.0067, 82.0, [2.954, 3.35, 1683, 1900, 0.02513]),
  E(8, 'O', 15.9994, 95.0, [2.652, 3.0, 1920, 2000, 0.0223]),
  E(9, 'F', 18.9984032, 115.0, [2.085, 2.352, 2157, 2634, 0.01816]),
  E(11, 'Na', 22.98977, 149.0, [2.542, 2.869, 2628, 1854, 0.01472]),
  E(12, 'Mg', 24.305, 156.0, [3.791, 4.293, 2862, 1009, 0.01397]),
  E(13, 'Al', 26.981538, 166.0, [4.154, 4.739, 2766, 164.5, 0.02023]),
  E(14, 'Si', 28.0855, 173.0, [4.914, 5.598, 3193, 232.7, 0.01419]),
  E(15, 'P', 30.973761, 173.0, [3.232, 3.647, 3561, 1560, 0.01267]),
  E(16, 'S', 32.065, 180.0, [3.447, 3.891, 3792, 1219, 0.01211]),
  E(17, 'Cl', 35.453, 174.0, [5.301, 6.008, 3969, 645.1, 0.01183]),
  E(18, 'Ar', 39.948, 188.0, [5.731, 6.5, 4253, 530.0, 0.01123]),
  E(19, 'K', 39.0983, 190.0, [5.152, 5.833, 4482, 545.7, 0.01129]),
  E(20, 'Ca', 40.078, 191.0, [5.521, 6.252, 4710, 553.3, 0.01112]),
  E(22, 'Ti', 47.867, 233.0, [4.858, 5.489, 5260, 651.1, 0.00893]),
  E(26, 'Fe', 55.845, 286.0, [3.519, 3.963, 6065, 1243, 0.007782]),
  E(29, 'Cu', 63.546, 322.0, [3.696, 4.194, 4649, 81.13, 0.02242]),
  E(30, 'Zn', 65.409, 330.0, [4.21, 4.75, 6953, 295.2, 0.006809]),
];

const BY_Z = new Map<number, ElementData>(ELEMENT_LIST.map((e) => [e.atomicNumber, e]));

export const ELEMENT_ATOMIC_NUMBERS: readonly number[] = Object.freeze(ELEMENT_LIST.map((e) => e.atomicNumber));

/** Element data by atomic number; throws for elements this library has no data for. */
export function getElement(atomicNumber: number): ElementData {
  const e = BY_Z.get(atomicNumber);
  if (e === undefined) {
    throw new RangeError(`no element data for Z=${atomicNumber} (known: ${ELEMENT_ATOMIC_NUMBERS.join(', ')})`);
  }
  return e;
}

/**
 * I-value (eV) to use for an element bound in a condensed compound or mixture:
 * Seltzer & Berger (1982) / ICRU 37 recommendations.
 */
export function condensedCompoundExcitationEnergyEV(atomicNumber: number): number {
  switch (atomicNumber) {
    case 1: return 19.2;
    case 6: return 81.0;
    case 7: return 82.0;
    case 8: return 106.0;
    case 9: return 112.0;
    case 17: return 180.0;
    default: return 1.13 * getElement(atomicNumber).meanExcitationEnergyEV;
  }
}

/** Fine-structure constant (CODATA 2018). */
export const FINE_STRUCTURE_CONSTANT = 1 / 137.035999084;

/**
 * Radiation length of a pure element, g/cm^2, from Tsai's formula (PDG RPP, radiation length section):
 *   1/X0 = (4 alpha r_e^2 N_A / A) { Z^2 [L_rad - f(Z)] + Z L'_rad },  4 alpha r_e^2 N_A = 1/716.408 cm^2/g,
 * with L_rad, L'_rad from the PDG table (Tsai) for Z <= 4 and ln(184.15 Z^-1/3), ln(1194 Z^-2/3) above,
 * and the Coulomb correction f(Z) = a^2 [1/(1+a^2) + 0.20206 - 0.0369 a^2 + 0.0083 a^4 - 0.002 a^6],
 * a = alpha Z (Davies, Bethe & Maximon 1954, as given by the PDG).  Reproduces the PDG values (H 63.04, C 42.70,
 * O 34.24, Al 24.01 g/cm^2) to better than 0.1%.
 */
export function elementRadiationLengthGPerCm2(atomicNumber: number): number {
  const z = atomicNumber;
  const a = getElement(z).atomicWeight;
  const lRadSmall = [5.31, 4.79, 4.74, 4.71];
  const lRadPrimeSmall = [6.144, 5.621, 5.805, 5.924];
  const lRad = z <= 4 ? lRadSmall[z - 1]! : Math.log(184.15 * z ** (-1 / 3));
  const lRadPrime = z <= 4 ? lRadPrimeSmall[z - 1]! : Math.log(1194 * z ** (-2 / 3));
  const a2 = (FINE_STRUCTURE_CONSTANT * z) ** 2;
  const f = a2 * (1 / (1 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2 * a2 - 0.002 * a2 * a2 * a2);
  return (716.408 * a) / (z * z * (lRad - f) + z * lRadPrime);
}
