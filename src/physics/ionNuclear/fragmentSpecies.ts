/**
 * The particle species a beam's reactions can make, as ions the engine can transport (issue 11,
 * part 3): every projectile-fragment isotope of FRAGMENT_ISOTOPES (fragmentYields.ts) with
 * Z <= Z_beam and A <= A_beam, each an Ion with its AME2020 rest mass (fragmentKinematics.ts),
 * in this order: the beam, the proton (target protons knocked out, and the proton fragments), then
 * the rest by decreasing Z and A. The kernels keep one table block per species and material
 * (src/engine/materialTables.ts); a reaction product outside the list is deposited where the
 * reaction happened (its yield is below 1 % of the listed ones: fragmentYields.ts).
 */
import type { Ion } from '../ions.js';
import { getIon, ION_IDS } from '../ions.js';
import { nuclearMassMeV } from './fragmentKinematics.js';
import { FRAGMENT_ISOTOPES } from './fragmentYields.js';

/** Element symbols Z = 1..8 (fragments only go up to the beam's Z: oxygen). */
const SYMBOLS = ['', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O'] as const;

/** The beam ions stand for their own nuclides, so a fragment 12C of a carbon beam is the beam's species. */
const BEAM_IONS: readonly Ion[] = ION_IDS.map((id) => getIon(id));

/** The ion (Z, A): a beam ion where it is one, otherwise `<symbol>-<A>` with the AME2020 mass. */
export function nuclideIon(chargeNumber: number, massNumber: number): Ion {
  const beam = BEAM_IONS.find((i) => i.chargeNumber === chargeNumber && i.massNumber === massNumber);
  if (beam) return beam;
  const symbol = SYMBOLS[chargeNumber];
  if (symbol === undefined || chargeNumber < 1) throw new RangeError(`chargeNumber must be an integer 1..8 (got ${chargeNumber})`);
  const massMeV = nuclearMassMeV(chargeNumber, massNumber);
  return Object.freeze({ id: `${symbol}-${massNumber}`, name: `${symbol}-${massNumber}`, chargeNumber, massNumber, massMeV });
}

/** The species of a beam's fragmentation, beam first and proton second (file comment). */
export function fragmentSpecies(beam: Ion): readonly Ion[] {
  const proton = getIon('proton');
  const rest = FRAGMENT_ISOTOPES
    .filter(([z, a]) => z <= beam.chargeNumber && a <= beam.massNumber && a > 1)
    .filter(([z, a]) => !(z === beam.chargeNumber && a === beam.massNumber))
    .slice().sort((p, q) => q[0] - p[0] || q[1] - p[1])
    .map(([z, a]) => nuclideIon(z, a));
  return Object.freeze(beam === proton ? [proton] : [beam, proton, ...rest]);
}
